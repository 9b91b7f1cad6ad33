#!/usr/bin/env python3
"""Generate a deterministic, *valid* Messaging Interactions API corpus for benchmarks.

Output (default benchmarks/corpus/):
  big.json                      one response, --records records (~20 SDE events each)
  small/record-NNNN.json        --small one-record responses
  jobs/record-NNNN.json         --jobs one-record responses (big.json's records, one per file)
  findings.json                 one minified response, --findings-records records shaped like the spec
                                example: numbers as strings and originalTimeStamp after serverTimeStamp,
                                schema-valid but with about 200,000 warning and info findings

Shapes follow the example in the Engagement Attributes appendix (shared/spec/engagement-attributes.md):
customerInfo, personalInfo, marketingCampaignInfo, visitorError, lead and serviceActivity are
double-nested; cartStatus, purchase, searchContent and viewedProduct are flat. Values are
consistent (originalTimeStamp <= serverTimeStamp, numItems = sum of quantities, total = sum of
price * quantity, valid dates, ISO 4217 currencies) and mix v1-style strings with v2 JSON numbers.
Stdlib only; the same --seed always gives byte-identical files.
"""
import argparse
import datetime as dt
import json
import os
import random
import sys
import uuid
from pathlib import Path

CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "ILS", "BRL"]  # all with 2 minor digits
FIRST = ["John", "Maria", "Wei", "Olga", "Ahmed", "Sofia", "Liam", "Noa", "José", "Zoë", "Priya", "Kenji"]
LAST = ["Doe", "Smith", "García", "Müller", "Cohen", "Ivanova", "Tanaka", "Okafor", "Rossi", "Nguyen"]
LANGS = ["en-US", "en-GB", "fr-CA", "de-DE", "es-ES", "he-IL", "ja-JP", "pt-BR"]
PRODUCTS = [("red high heel shoe", "women shoes"), ("running sneaker", "men shoes"), ("wool scarf", "accessories"),
            ("noise cancelling headphones", "electronics"), ("USB-C cable 2m", "electronics"),
            ("espresso machine", "kitchen"), ("yoga mat", "sports"), ("leather wallet", "accessories"),
            ("smartphone case", "electronics"), ("cotton t-shirt", "apparel"), ("desk lamp", "home")]
KEYWORDS = ["reset password", "refund", "shipping time", "gift card", "red shoes", "order status", "apple",
            "banana", "warranty", "size chart", "discount code", "cancel subscription"]
TEXTS = ["Hi there", "Hello, how can I help you today?", "I can't log in to my account", "Where is my order?",
         "Let me check that for you.", "Thanks, that worked!", "Could you send me the tracking number?",
         "I love your service", "Is there anything else I can help with?", "My card was charged twice"]
TOPICS = ["luxury car test drive 2015", "home loan", "premium plan upgrade", "insurance quote", "order checkbook"]
SKILLS = ["Unassigned", "billing", "sales", "support", "cats", "lpsocial"]
CONTAINER = {"CUSTOMER_INFO": "customerInfo", "PERSONAL_INFO": "personalInfo", "CART_STATUS": "cartStatus",
             "PURCHASE": "purchase", "MARKETING_CAMPAIGN_INFO": "marketingCampaignInfo",
             "SEARCH_CONTENT": "searchContent", "VIEWED_PRODUCT": "viewedProduct", "VISITOR_ERROR": "visitorError",
             "LEAD": "lead", "SERVICE_ACTIVITY": "serviceActivity"}
SDE_TYPES = list(CONTAINER)
FINDINGS = "findings.json"  # the findings-heavy response
TYPING = {"mixed": (0.0, 0.5, 1.0), "v2": (0.0,), "strings": (1.0,)}


def fmt_time(ms):
    t = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    return t.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}+0000"


class Gen:
    """Builds one conversationHistoryRecord from its own seeded RNG."""

    def __init__(self, seed, index, typing="mixed", late_original=False):
        self.r = random.Random(f"{seed}:{index}")
        # originalTimeStamp after serverTimeStamp, as in the spec example (a timestamp-order finding per event)
        self.late_original = late_original
        # Share of numbers sent as strings: the record is v1-style like the spec example (1.0), v2-typed
        # JSON numbers (0.0), or mixes both per field (0.5).
        self.p_str = self.r.choice(TYPING[typing])

    # ---- typed value helpers -------------------------------------------------------------
    def ts(self, ms):
        return str(ms) if self.r.random() < self.p_str else ms

    def int_(self, n):
        return str(n) if self.r.random() < self.p_str else n

    def dbl(self, cents):
        """cents -> double as JSON number or as string like '7.8' / '-400.99'."""
        v = round(cents / 100, 2)
        return repr(v) if self.r.random() < self.p_str else v

    def uid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def digits(self, n):
        return str(self.r.randrange(10 ** (n - 1), 10 ** n))

    def date(self, lo_year, hi_year):
        d = dt.date(lo_year, 1, 1) + dt.timedelta(days=self.r.randrange((dt.date(hi_year, 12, 31) - dt.date(lo_year, 1, 1)).days))
        return d, {"year": self.int_(d.year), "month": self.int_(d.month), "day": self.int_(d.day)}

    def products(self, n):
        items, total, count = [], 0, 0
        for _ in range(n):
            name, cat = self.r.choice(PRODUCTS)
            price, qty = self.r.randrange(99, 50_000), self.r.randint(1, 5)
            total, count = total + price * qty, count + qty
            items.append({"quantity": self.int_(qty), "product": {
                "name": name, "category": cat, "sku": f"{cat[:3].upper()}-{self.digits(6)}", "price": self.dbl(price)}})
        return items, total, count

    # ---- SDE events ----------------------------------------------------------------------
    def event(self, sde_type, server, auth):
        r = self.r
        orig = server + r.randint(1_000, 3 * 3_600_000) if self.late_original else server - r.choice((0, 0, r.randint(1, 60_000)))
        stamps = {"serverTimeStamp": self.ts(server), "originalTimeStamp": self.ts(orig)}
        unauth = {} if auth else {"isAuthenticated": False}
        when = dt.datetime.fromtimestamp(server / 1000, dt.UTC).date()
        cur = r.choice(CURRENCIES)
        if sde_type == "CUSTOMER_INFO":
            _, last_paid = self.date(when.year - 2, when.year - 1)
            _, registered = self.date(2005, when.year - 3)
            fields = {"customerStatus": r.choice(["active", "cancelled", "migrated", "suspended"]),
                      "customerType": r.choice(["vip", "Gold", "regular", "business"]),
                      "balance": self.dbl(r.randint(-100_000, 500_000)), "currency": cur,
                      "customerId": self.digits(8), "socialId": self.digits(11), "imei": self.digits(15),
                      "userName": f"user{self.digits(5)}", "accountName": r.choice(["Acme Corp", "Globex", "Initech"]),
                      "role": r.choice(["buyer", "CTO", "office manager"]), "companyBranch": r.choice(["north", "EMEA", "HQ"]),
                      "storeNumber": f"store{self.digits(4)}", "storeZipCode": self.digits(5),
                      "lastPaymentDate": last_paid, "registrationDate": registered,
                      "companySize": self.int_(r.randint(1, 20_000)), "loginStatus": self.int_(r.randint(0, 1))}
            keys = [k for k in fields if k != "customerId" and not (auth and k.startswith("store"))]
            chosen = {"customerId"} | set(r.sample(keys, r.randint(1, 7)))
            body = {k: v for k, v in fields.items() if k in chosen}
            inner = {**stamps, **unauth, "customerInfo": body}
        elif sde_type == "PERSONAL_INFO":
            first, last = r.choice(FIRST), r.choice(LAST)
            born, _ = self.date(1940, 2004)
            age = when.year - born.year - ((when.month, when.day) < (born.month, born.day))
            body = {"name": first, "surname": last, "gender": r.choice(["MALE", "FEMALE", "OTHER"]),
                    "company": r.choice(["liveperson", "Acme Corp", "Globex"]), "language": r.choice(LANGS),
                    "customerAge": {"customerAgeInYears": f"{age}.0" if r.random() < self.p_str else float(age),
                                    "customerYearOfBirth": self.int_(born.year),
                                    "customerMonthOfBirth": self.int_(born.month),
                                    "customerDateOfBirth": self.int_(born.day)},
                    "contacts": [{"personalContact": {"email": f"{first.lower()}.{self.digits(4)}@example.com",
                                                      "phone": f"+1 212-{self.digits(3)}-{self.digits(4)}"}}]}
            for k in r.sample(["gender", "company", "language", "customerAge"], r.randint(0, 3)):
                del body[k]
            inner = {**stamps, **unauth, "personalInfo": body}
        elif sde_type == "CART_STATUS":
            items, total, count = self.products(r.randint(1, 2))
            inner = {**stamps, "total": self.dbl(total), "currency": cur, "numItems": self.int_(count), "products": items}
        elif sde_type == "PURCHASE":
            items, total, count = self.products(r.randint(1, 2))
            inner = {"total": self.dbl(total), "currency": cur, **stamps,
                     "cart": {"total": self.dbl(total), "serverTimeStamp": stamps["serverTimeStamp"],
                              "products": items, "numItems": self.int_(count)},
                     "orderId": f"ORD{self.digits(7)}"}
        elif sde_type == "MARKETING_CAMPAIGN_INFO":
            inner = {**stamps, "marketingCampaignInfo": {
                "originatingChannel": self.int_(r.randint(0, 4)), "affiliate": r.choice(["Yahoo", "Google", "Bing", "Facebook"]),
                "campaignId": r.choice(["US coupon campaign", "spring sale", f"cmp-{self.digits(5)}"])}}
        elif sde_type == "SEARCH_CONTENT":
            inner = {**stamps, "keywords": r.sample(KEYWORDS, r.randint(1, 3))}
        elif sde_type == "VIEWED_PRODUCT":
            items, _, _ = self.products(1)
            inner = {**stamps, "products": items, "currency": cur}
        elif sde_type == "VISITOR_ERROR":
            inner = {**stamps, "visitorError": {
                "contextId": r.choice(["checkout", "Credit card application", "login form"]),
                "message": r.choice(["Expiration date missing", "Invalid CVV", "Session expired"]),
                "code": f"er{self.digits(6)}", "level": self.int_(r.randint(0, 10)), "resolved": r.random() < 0.5}}
        elif sde_type == "LEAD":  # the spec prints lead's timestamps after the inner object
            inner = {"lead": {"topic": r.choice(TOPICS), "value": self.dbl(r.randint(100, 10_000_000)),
                              "currency": cur, "leadId": f"lead{self.digits(6)}"}, **stamps}
        else:  # SERVICE_ACTIVITY
            inner = {**stamps, "serviceActivity": {
                "topic": r.choice(TOPICS), "status": self.int_(r.randint(0, 10)),
                "category": r.choice(["finance", "support", "billing"]), "serviceId": f"service{self.digits(4)}"}}
        key = CONTAINER[sde_type]
        if auth:
            return {key: inner, "sdeType": sde_type, "serverTimeStamp": stamps["serverTimeStamp"]}
        return {key: inner, "serverTimeStamp": stamps["serverTimeStamp"], "sdeType": sde_type, "isAuthenticated": False}

    def sdes(self, start, end, n_events):
        r = self.r
        n_auth = r.randint(1, 4)
        auth_types = [r.choice(SDE_TYPES[:2]) for _ in range(n_auth)]
        unauth_types = SDE_TYPES + [r.choice(SDE_TYPES) for _ in range(max(0, n_events - n_auth - 10))]

        def events(types, auth):
            times = sorted(r.randint(start, end) for _ in types)
            r.shuffle(types)
            return [self.event(t, s, auth) for t, s in zip(types, times, strict=True)]

        return {"events": events(auth_types, True)}, {"events": events(unauth_types, False)}

    # ---- the record ----------------------------------------------------------------------
    def record(self, events_per_record):
        r = self.r
        start = r.randint(1_451_606_400_000, 1_704_067_199_000)  # 2016 .. 2023
        duration = r.randint(60_000, 3 * 3_600_000)
        end = start + duration
        conv, consumer = self.uid(), self.uid()
        agents = [{"id": self.digits(10), "name": f"{r.choice(FIRST).lower()}{self.digits(2)}@lp.com"}
                  for _ in range(1 + (r.random() < 0.2))]
        closed = r.random() < 0.8
        msgs, scores, statuses, t = [], [], [], start
        for seq in range(r.randint(2, 4)):
            t += r.randint(1_000, max(1_001, duration // 6))
            by_consumer = seq % 2 == 0
            mid = f"ms::conv:{conv}::msg:{seq}"
            msgs.append({"type": "TEXT_PLAIN", "messageData": {"msg": {"text": r.choice(TEXTS)}},
                         "messageId": mid, "seq": seq, "dialogId": conv,
                         "participantId": consumer if by_consumer else agents[0]["id"], "source": "APP",
                         "time": fmt_time(t), "timeL": t, "device": "undefined",
                         "sentBy": "Consumer" if by_consumer else "Agent"})
            if by_consumer:
                raw = r.choice((-1, 0, 1))
                scores.append({"messageId": mid, "messageRawScore": raw, "mcs": raw * 33 + 33,
                               "time": fmt_time(t + 300), "timeL": t + 300})
            for status, lag in (("ACCEPT", 50), ("READ", 4_000))[:1 + (r.random() < 0.3)]:
                statuses.append({"messageId": mid, "seq": seq, "time": fmt_time(t + lag), "timeL": t + lag,
                                 "participantId": consumer if not by_consumer else agents[0]["id"],
                                 "participantType": "Consumer" if not by_consumer else "Agent",
                                 "messageDeliveryStatus": status})
        skill = r.choice(SKILLS)
        first, last = r.choice(FIRST), r.choice(LAST)
        sdes, unauth = self.sdes(start, end, events_per_record + r.randint(-4, 4))
        return {
            "info": {"startTime": fmt_time(start), "startTimeL": start,
                     "endTime": fmt_time(end) if closed else "undefined", "endTimeL": end if closed else -1,
                     "duration": duration, "conversationId": conv, "brandId": f"qa{self.digits(8)}",
                     "latestAgentId": agents[-1]["id"], "latestAgentNickname": agents[-1]["name"],
                     "latestAgentFullName": agents[-1]["name"], "latestAgentLoginName": agents[-1]["name"],
                     "agentDeleted": False, "latestSkillId": SKILLS.index(skill) - 1, "latestSkillName": skill,
                     "source": r.choice(["APP", "WEB_SITE", "FACEBOOK", "SMS"]), "closeReason": "AGENT",
                     "closeReasonDescription": "MANUAL_CLOSE", "mcs": r.randint(0, 100), "alertedMCS": r.choice((-1, 0, 1)),
                     "status": "CLOSE" if closed else "OPEN", "firstConversation": r.random() < 0.3,
                     "csatRate": r.randint(1, 5), "device": r.choice(["DESKTOP", "MOBILE", "undefined"]),
                     "browser": r.choice(["chrome", "firefox", "safari"]), "operatingSystem": r.choice(["WINDOWS", "MAC_OSX", "ANDROID", "IOS"]),
                     "latestAgentGroupId": -1, "latestAgentGroupName": "Unassigned", "latestQueueState": "ACTIVE",
                     "isPartial": False},
            "campaign": {"campaignEngagementId": self.digits(10), "campaignEngagementName": f"Engagement-{self.digits(3)}",
                         "campaignId": self.digits(10), "campaignName": "Live_Chat_on_your_site",
                         "goalId": self.digits(10), "goalName": "Interact with visitors",
                         "engagementSource": "WEB_SITE", "visitorBehaviorId": self.digits(10),
                         "visitorProfileName": "All visitors",
                         "lobId": int(self.digits(10)), "lobName": "lob_123", "locationId": self.digits(10),
                         "locationName": "Entire site", "profileSystemDefault": True, "behaviorSystemDefault": False},
            "messageRecords": msgs,
            "agentParticipants": [{"agentFullName": a["name"], "agentNickname": a["name"], "agentLoginName": a["name"],
                                   "agentId": a["id"], "userType": "1", "userTypeName": "Human", "role": "AGENT",
                                   "agentGroupName": "Unassigned", "agentGroupId": -1, "time": fmt_time(start + 1000 * i),
                                   "timeL": start + 1000 * i, "permission": "ASSIGNED_AGENT"} for i, a in enumerate(agents)],
            "consumerParticipant": [{"participantId": consumer, "firstName": first, "lastName": last, "token": "undefined",
                                     "email": "undefined", "phone": "0", "avatarURL": "undefined",
                                     "time": fmt_time(start), "timeL": start, "consumerName": first}],
            "transfers": [{"timeL": start + 2000, "time": fmt_time(start + 2000), "assignedAgentId": agents[-1]["id"],
                           "targetSkillId": 2, "targetSkillName": "cats", "reason": "Skill", "by": agents[0]["id"],
                           "sourceSkillId": -1, "sourceSkillName": "Unassigned", "sourceAgentId": agents[0]["id"],
                           "sourceAgentFullName": agents[0]["name"], "sourceAgentLoginName": agents[0]["name"],
                           "sourceAgentNickname": agents[0]["name"]}] if len(agents) > 1 else [],
            "interactions": [{"assignedAgentId": a["id"], "assignedAgentFullName": a["name"],
                              "assignedAgentLoginName": a["name"], "assignedAgentNickname": a["name"],
                              "interactionTimeL": start + 1000 * i, "interactionTime": fmt_time(start + 1000 * i),
                              "interactiveSequence": i + 1} for i, a in enumerate(agents)],
            "messageScore": scores,
            "messageStatuses": statuses,
            "conversationSurveys": [{"surveyType": "Satisfaction", "surveyStatus": "FILLED",
                                     "surveyData": [{"question": "Confirm Resolution", "answer": r.choice(["Yes", "No"])}]}]
            if closed else [],
            "coBrowseSessions": {"coBrowseSessionsList": []},
            "sdes": sdes,
            "unAuthSdes": unauth,
            "summary": {"text": "summary", "lastUpdatedTime": end},
        }


def response(records):
    return {"_metadata": {"count": len(records),
                          "self": {"rel": "self", "href": "https://localhost:8082/messaging_history/api/account/qa51680169/"
                                                          f"conversations/search?limit={len(records)}&offset=0"},
                          "shardsStatusResult": {"partialResult": False}},
            "conversationHistoryRecords": records}


def write_json(path, obj, indent):
    """``indent`` None writes the JSON minified (no white space at all)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=indent, ensure_ascii=False, separators=(",", ":") if indent is None else None)
        f.write("\n")
    os.replace(tmp, path)
    return path.stat().st_size


def count_events(rec):
    return len(rec["sdes"]["events"]) + len(rec["unAuthSdes"]["events"])


def verify(out):
    """Re-read every file strictly and check the invariants the generator promises."""
    def strict(path):
        with open(path, "rb") as f:
            return json.load(f, parse_constant=lambda c: sys.exit(f"{path}: non-JSON constant {c}"))

    def check_products(where, products, total, num):
        qty = sum(int(p["quantity"]) for p in products)
        cents = sum(round(float(p["product"]["price"]) * 100) * int(p["quantity"]) for p in products)
        assert num is None or int(num) == qty, where
        assert round(float(total) * 100) == cents, where

    n = 0
    for path in sorted(out.rglob("*.json")):
        if path.name.startswith("schema"):
            continue
        doc = strict(path)
        recs = doc["conversationHistoryRecords"]
        late = path.name == FINDINGS
        assert doc["_metadata"]["count"] == len(recs), path
        for rec in recs:
            auth, unauth = rec["sdes"]["events"], rec["unAuthSdes"]["events"]
            assert {e["sdeType"] for e in auth} <= {"CUSTOMER_INFO", "PERSONAL_INFO"}, path
            assert {e["sdeType"] for e in unauth} == set(SDE_TYPES), path
            assert all("isAuthenticated" not in e for e in auth) and all(e["isAuthenticated"] is False for e in unauth)
            for e in auth + unauth:
                c = e[CONTAINER[e["sdeType"]]]
                where = f"{path} {rec['info']['conversationId']} {e['sdeType']}"
                assert (int(c["originalTimeStamp"]) > int(c["serverTimeStamp"])) == late, where
                assert int(c["serverTimeStamp"]) == int(e["serverTimeStamp"]), where
                body = c.get(CONTAINER[e["sdeType"]], c)
                if "currency" in body:
                    assert body["currency"] in CURRENCIES, where
                for k in ("lastPaymentDate", "registrationDate"):
                    if k in body:
                        dt.date(int(body[k]["year"]), int(body[k]["month"]), int(body[k]["day"]))
                if e["sdeType"] == "CART_STATUS":
                    check_products(where, c["products"], c["total"], c["numItems"])
                elif e["sdeType"] == "PURCHASE":
                    check_products(where, c["cart"]["products"], c["cart"]["total"], c["cart"]["numItems"])
                    assert float(c["total"]) == float(c["cart"]["total"]), where
        n += 1
    print(f"verified {n} files: strict JSON, counts, timestamps, totals, dates, currencies OK")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "corpus")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--records", type=int, default=2000, help="records in big.json")
    ap.add_argument("--events-per-record", type=int, default=20)
    ap.add_argument("--small", type=int, default=200, help="one-record files in small/")
    ap.add_argument("--jobs", type=int, default=2000, help="one-record files in jobs/")
    ap.add_argument("--findings-records", type=int, default=2400, help=f"records in {FINDINGS} (0: none)")
    ap.add_argument("--findings-events", type=int, default=26, help=f"SDE events per record in {FINDINGS}")
    ap.add_argument("--typing", choices=TYPING, default="v2",
                    help="numbers as JSON numbers (v2), as strings (like the spec example) or mixed per record")
    ap.add_argument("--verify", action="store_true", help="re-read all files and check invariants")
    ap.add_argument("--indent", default="tab", help="'tab' (like the spec example) or a number of spaces")
    a = ap.parse_args(argv)
    indent = "\t" if a.indent == "tab" else int(a.indent)

    big = [Gen(a.seed, i, a.typing).record(a.events_per_record) for i in range(max(a.records, a.jobs))]
    small = [Gen(a.seed, f"small-{i}", a.typing).record(a.events_per_record) for i in range(a.small)]
    a.out.mkdir(parents=True, exist_ok=True)
    stats = {"big.json": (len(big[:a.records]), sum(map(count_events, big[:a.records])),
                          write_json(a.out / "big.json", response(big[:a.records]), indent))}
    if a.findings_records:
        # shaped like the spec example whatever --typing says: numbers as strings, every event created after
        # it was processed; minified, so that the findings rather than the white space make up the time
        heavy = [Gen(a.seed, f"findings-{i}", "strings", late_original=True).record(a.findings_events)
                 for i in range(a.findings_records)]
        stats[FINDINGS] = (len(heavy), sum(map(count_events, heavy)), write_json(a.out / FINDINGS, response(heavy), None))
    for sub, recs in (("small", small), ("jobs", big[:a.jobs])):
        d = a.out / sub
        d.mkdir(exist_ok=True)
        for old in d.glob("record-*.json"):
            old.unlink()
        size = sum(write_json(d / f"record-{i:04d}.json", response([rec]), indent) for i, rec in enumerate(recs))
        stats[f"{sub}/ ({len(recs)} files)"] = (len(recs), sum(map(count_events, recs)), size)
    print(f"corpus in {a.out} (seed {a.seed}, typing {a.typing})")
    for name, (n_rec, n_ev, size) in stats.items():
        print(f"  {name:22} records={n_rec:6d} events={n_ev:7d} bytes={size:11,d} ({size / 2**20:.1f} MiB)")
    if a.verify:
        verify(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
