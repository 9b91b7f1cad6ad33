"""JUnit XML, the test-report format GitLab, Jenkins, Azure Pipelines and others display."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO

from ..findings import Finding
from ..result import FileResult, Summary
from .base import Reporter

# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FAILING = ("error", "warning")


def xml_text(text: str) -> str:
    """Drop what XML 1.0 forbids (C0 controls other than tab/newline/CR, lone surrogates, U+FFFE/U+FFFF)."""
    return _NOT_XML.sub("", text)


def _where(f: Finding) -> str:
    if f.line < 1:
        return f.file
    return f"{f.file}:{f.line}:{f.column}" if f.column >= 1 else f"{f.file}:{f.line}"


def _line(f: Finding) -> str:
    return xml_text(f"{_where(f)}: {f.severity} {f.rule} {f.message} ({f.pointer or '/'})")


class JunitReporter(Reporter):
    """One ``<testsuite name="sdelint">``, one ``<testcase>`` per checked file.

    Why this shape: CI test reporters count and list test cases, so a file is
    a test that passes or fails, and each error or warning is a ``<failure>``
    (``type`` = rule, ``message`` = the finding's message, the text is the
    ``--format text`` line: location, severity, rule, message, JSON Pointer). Info findings do not fail a file;
    they go to the test case's ``<system-out>``. ``failures`` counts failed
    test cases (files), as the JUnit format defines it, so it never exceeds
    ``tests``; count ``<failure>`` elements for the number of findings.
    ElementTree escapes everything; characters XML 1.0 cannot represent are
    dropped, and carriage returns are written as ``&#13;`` so they survive
    parsing. The document is ASCII (other characters as references).
    """

    name = "junit"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        summary = Summary.of(results)
        failed_files = sum(1 for r in results if any(f.severity in FAILING for f in r.findings))
        counts = {"tests": str(len(results)), "failures": str(failed_files), "errors": "0", "skipped": "0"}
        root = ET.Element("testsuites", {"name": "sdelint", **counts})
        suite = ET.SubElement(root, "testsuite", {"name": "sdelint", **counts})
        properties = ET.SubElement(suite, "properties")
        for name, value in (("errors", summary.errors), ("warnings", summary.warnings), ("info", summary.infos)):
            ET.SubElement(properties, "property", {"name": f"sdelint.{name}", "value": str(value)})
        for result in results:
            case = ET.SubElement(suite, "testcase", {"classname": "sdelint", "name": xml_text(result.file), "file": xml_text(result.file)})
            notes = []
            for f in result.findings:
                if f.severity in FAILING:
                    failure = ET.SubElement(case, "failure", {"type": f.rule, "message": xml_text(f.message)})
                    failure.text = _line(f) + "\n"
                else:
                    notes.append(_line(f))
            if notes:
                ET.SubElement(case, "system-out").text = "\n".join(notes) + "\n"
        ET.indent(root)
        body = ET.tostring(root, encoding="us-ascii", xml_declaration=False).decode("ascii")
        # Attributes already carry CR as &#13;; a raw CR left in text would be read back as LF.
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + body.replace("\r", "&#13;") + "\n")
