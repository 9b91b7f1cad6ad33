"""JUnit XML, the test-report format GitLab, Jenkins, Azure Pipelines and others display."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO

from ..findings import Finding
from ..result import FileResult
from .base import Reporter
from .common import display_position, escape_controls, finding_text, pointer_label

# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FAILING = ("error", "warning")
INTERNAL_ERROR = "internal-error"
CLEAN_CASE = "no findings"


def xml_text(text: str) -> str:
    """Drop what XML 1.0 forbids (lone surrogates, U+FFFE/U+FFFF; controls are escaped before)."""
    return _NOT_XML.sub("", text)


def case_name(f: Finding) -> str:
    """A test case's name: where and what, so each finding is its own readable line in a test report."""
    line, column = display_position(f)
    return xml_text(f"{line}:{column} {escape_controls(f.rule)} {pointer_label(f.pointer)}")


class JunitReporter(Reporter):
    """``<testsuites>`` with one ``<testsuite>`` per checked file and one ``<testcase>`` per finding.

    Why this shape: test-report viewers (junit2html, GitLab, Jenkins) and parsers
    (junitparser) show one result per test case, so several ``<failure>``
    elements in one case hide all but one. Each error or warning is a failing
    case with one ``<failure type=RULE message=MESSAGE>`` whose text is the
    ``--format text`` line; an info finding is a passing case whose
    ``<system-out>`` holds that line; a file without findings is one passing
    case named ``no findings``. ``classname`` is the file, so viewers group by
    it. Attributes are those of the JUnit schema pytest's ``xunit2`` family
    uses (no ``file`` on test cases, no ``skipped`` on ``<testsuites>``).
    Control characters are escaped as in ``--format text``; what XML 1.0
    cannot carry at all is dropped. The document is ASCII (other characters
    as references).
    """

    name = "junit"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        root = ET.Element("testsuites", {"name": "sdelint"})
        total_cases = total_failures = total_errors = 0
        for result in results:
            file = xml_text(escape_controls(result.file))
            suite = ET.SubElement(root, "testsuite", {"name": file})
            failures = errors = 0
            for f in result.findings:
                case = ET.SubElement(suite, "testcase", {"classname": file, "name": case_name(f)})
                text = xml_text(finding_text(f))
                if f.rule == INTERNAL_ERROR:  # sdelint failed on the input: JUnit's error (the test broke), not a failure
                    errors += 1
                    ET.SubElement(case, "error", {"type": f.rule, "message": xml_text(escape_controls(f.message))}).text = text + "\n"
                elif f.severity in FAILING:
                    failures += 1
                    ET.SubElement(case, "failure", {"type": f.rule, "message": xml_text(escape_controls(f.message))}).text = text + "\n"
                else:
                    ET.SubElement(case, "system-out").text = text + "\n"
            if not result.findings:
                ET.SubElement(suite, "testcase", {"classname": file, "name": CLEAN_CASE})
            cases = len(result.findings) or 1
            suite.attrib.update({"tests": str(cases), "failures": str(failures), "errors": str(errors), "skipped": "0"})
            total_cases += cases
            total_failures += failures
            total_errors += errors
        root.attrib.update({"tests": str(total_cases), "failures": str(total_failures), "errors": str(total_errors)})
        ET.indent(root)
        body = ET.tostring(root, encoding="us-ascii", xml_declaration=False).decode("ascii")
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n")
