"""The hostile-input corpus: each entry is a file name and the bytes an attacker or an unlucky
capture would hand sdelint. Built at test time (no binary blobs in the repository)."""

from __future__ import annotations

import gzip
import json

EVENT = {"sdeType": "LEAD", "serverTimeStamp": "1528659491243", "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": "x"}}}


def _event(**lead: object) -> bytes:
    return json.dumps({**EVENT, "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": "x", **lead}}}).encode()


def _cart(total: str) -> bytes:
    return ('{"sdeType": "CART_STATUS", "serverTimeStamp": "1528659491243", "cartStatus": {"serverTimeStamp": "1528659491243", '
            f'"total": {total}, "products": [{{"quantity": 1, "product": {{"price": {total}}}}}]}}}}').encode()


def _gzip_bomb() -> bytes:
    """1.1 GiB of spaces: one 16 MiB gzip member, compressed once and appended 70 times (appended members are all read)."""
    return gzip.compress(b" " * (16 << 20), compresslevel=9) * 70


def corpus() -> dict[str, bytes]:
    huge_digits = "9" * 5000
    return {
        "empty.json": b"",
        "blank.json": b" \n\t\n",
        "bom-only.json": b"\xef\xbb\xbf",
        "bom.json": b"\xef\xbb\xbf" + json.dumps(EVENT).encode(),
        "utf16.json": json.dumps(EVENT).encode("utf-16"),
        "invalid-utf8.json": b'{"sdeType": "\xff\xfe"}',
        "deep-array.json": b"[" * 100_000 + b"]" * 100_000,
        # an Engagement History event nested near the parser's limit: the copy made for the rules must not recurse past it
        "deep-engagement-history.json": b'{"interactionHistoryRecords": [{"sdes": {"events": [{"cartStatus": {"x": ' + b"[" * 900 + b"]" * 900 + b"}}]}}]}",
        "deep-object.json": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "unclosed.json": b'{"sdeType": "LEAD", "lead": {',
        "nan.json": _event(value="NaN").replace(b'"NaN"', b"NaN"),
        "huge-exponent.json": _cart("1e400"),
        "huge-integer-amount.json": _cart("1" + "0" * 320),
        "huge-digit-timestamp.json": json.dumps({**EVENT, "serverTimeStamp": huge_digits}).encode(),
        "huge-literal-integer.json": b'{"sdeType": "LEAD", "serverTimeStamp": ' + huge_digits.encode() + b"}",
        "year-10e30.json": json.dumps({"sdeType": "CUSTOMER_INFO", "serverTimeStamp": "1528659491243", "customerInfo": {
            "serverTimeStamp": "1528659491243", "customerInfo": {"lastPaymentDate": {"year": 10**30, "month": 1, "day": 1}}}}).encode(),
        "duplicate-keys.json": b'{"sdeType": "LEAD", "sdeType": "LEAD", "serverTimeStamp": "1"}',
        "control-chars-in-key.json": _event(**{"evil\nx.json:1:1: error forged-rule fake (/)": "v", "\x1b[31mred\x1b[0m": "v", "bidi\u202e": "v"}),
        "long-key.json": _event(**{"k" * 200_000: "v"}),
        "long-value.json": _event(topic="x" * 300_000),
        "many-events.json": json.dumps({"events": [{} for _ in range(20_000)]}).encode(),
        "newlines.jsonl.gz": gzip.compress(b"\n" * 5_000_000),
        "bad-byte-line.jsonl": _event() + b"\n" + b'{"x": "\xff"}\n' + _event(oops=1) + b"\n",
        "multi-member.jsonl.gz": gzip.compress(_event() + b"\n") + gzip.compress(_event(oops=1) + b"\n"),
        "truncated.json.gz": gzip.compress(json.dumps(EVENT).encode())[:-10],
        "not-gzip.json.gz": b"plain text, not gzip",
        "gzip-bomb.json.gz": _gzip_bomb(),
        "big-array.json.gz": gzip.compress(b"[" + b"0," * 4_000_000 + b"0]"),
        "yaml-aliases.yaml": ("a: &s " + "x" * 1_000_000 + "\nb: [" + ", ".join(["*s"] * 99) + "]\n").encode(),
        "yaml-laughs.yaml": b"a: &a [x,x,x,x,x,x,x,x,x]\n" + b"".join(b"%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n" % ((98 + i,) * 2 + (97 + i,) * 9) for i in range(9)),
        "yaml-python-tag.yaml": b"!!python/object/apply:os.system ['touch pwned']\n",
        # found by a crash hunt: an alias inside its own anchor expanded forever (50 MB/s); an HTML page of
        # unclosed <script> tags was rescanned from each (200 KB: 51 s); a wide mapping's keys were searched
        # one by one for each finding in it
        "yaml-self-alias.yaml": b"events: &a [*a]\n",
        "unclosed-scripts.html": b"<script>lpTag.sdes.push(" * 40_000,
        "wide-mapping.yaml": ("sdeType: CART_STATUS\nserverTimeStamp: '1528659491243'\ncartStatus:\n  serverTimeStamp: '1528659491243'\n"
                              + "".join(f"  k{i}: 1\n" for i in range(5000))).encode(),
        "yaml-mixed-keys.yaml": b"sdeType: LEAD\nserverTimeStamp: '1528659491243'\nlead: {serverTimeStamp: '1528659491243', lead: {1: a, b: c}}\n",
        "yaml-duplicate.yaml": b"sdeType: LEAD\nsdeType: LEAD\n",
        "array-of-junk.json": json.dumps([1, "two", None, [], {}]).encode(),
        "number-root.json": b"42",
        "string-root.json": b'"just a string"',
        "lone-surrogate.json": b'{"sdeType": "LEAD", "\\ud800": "x"}',
        "regex-bait.json": _event(topic="a" * 40 + "!"),
        # a phone of spaces: the extension's regular expression was quadratic on it (32,000 spaces took 23 s)
        "phone-of-spaces.json": json.dumps({"sdeType": "PERSONAL_INFO", "serverTimeStamp": "1528659491243", "personalInfo": {
            "serverTimeStamp": "1528659491243", "personalInfo": {"phone": " " * 200_000 + "a", "email": "a@" + "a." * 100_000 + " "}}}).encode(),
    }
