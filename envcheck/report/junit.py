"""JUnit XML for CI test views (GitLab `artifacts:reports:junit`, Jenkins, Azure DevOps).

One test suite per target (or per file, for findings that belong to no target), one test
case per rule family that ran. A case fails when it holds a finding that fails the run at
`--fail-on`, so the test view and the exit code agree; findings below the threshold and
suppressed ones are listed in the case's `system-out`, never as failures.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from envcheck.engine import ScanResult, selected
from envcheck.model import Finding
from envcheck.report.common import gates, group
from envcheck.report.scrub import safe_findings
from envcheck.rules.registry import RULES, all_rules

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML 1.0


def render_junit(result: ScanResult, fail_on: str = "error") -> str:
    findings = [_xml_safe(f) for f in safe_findings(result)]
    families = _families(result)
    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        family = RULES[f.code].family if f.code in RULES else "other"
        by_case[(group(f), family)].append(f)
        if family not in families:
            families.append(family)
    groups = sorted({NOT_XML.sub("\ufffd", t.id) for t in result.stack.targets} | {g for g, _ in by_case})

    root = ET.Element("testsuites", name="envcheck")
    totals = {"tests": 0, "failures": 0}
    for name in groups:
        label = NOT_XML.sub("\ufffd", name)
        suite = ET.SubElement(root, "testsuite", name=label)
        counts = {"tests": 0, "failures": 0}
        for family in families:
            counts["tests"] += 1
            case = ET.SubElement(suite, "testcase", name=family, classname=f"envcheck.{label}")
            listed = by_case.get((name, family), [])
            if listed and listed[0].location:
                case.set("file", listed[0].location.path)
            failing = [f for f in listed if gates(f, fail_on)]
            if failing:
                counts["failures"] += 1
                worst = max(failing, key=lambda f: f.severity.rank)
                failure = ET.SubElement(
                    case, "failure", message=_summary(failing), type=f"{worst.code} {worst.severity.value}"
                )
                failure.text = "\n\n".join(_describe(f) for f in failing)
            rest = [f for f in listed if not gates(f, fail_on)]
            if rest:
                ET.SubElement(case, "system-out").text = "\n\n".join(_describe(f) for f in rest)
        for key in ("tests", "failures"):
            suite.set(key, str(counts[key]))
            totals[key] += counts[key]
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
    for key in ("tests", "failures"):
        root.set(key, str(totals[key]))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _xml_safe(f: Finding) -> Finding:
    """Control characters (from a file's bytes) would make the whole report unreadable."""
    fields = {"message": f.message, "target": f.target, "suppression": f.suppression}
    update: dict[str, object] = {k: NOT_XML.sub("\ufffd", v) for k, v in fields.items() if v and NOT_XML.search(v)}
    if f.location and NOT_XML.search(f.location.path):
        update["location"] = f.location.model_copy(update={"path": NOT_XML.sub("\ufffd", f.location.path)})
    return f.model_copy(update=update) if update else f


def _families(result: ScanResult) -> list[str]:
    """Families with at least one rule that ran, in catalogue order."""
    options = result.options
    out: list[str] = []
    for rule in all_rules():
        ran = options is None or selected(rule.code, options.select, options.ignore)
        if ran and rule.family not in out:
            out.append(rule.family)
    return out


def _summary(failing: list[Finding]) -> str:
    codes = ", ".join(sorted({f.code for f in failing}))
    return f"{len(failing)} finding(s): {codes}"


def _describe(f: Finding) -> str:
    head = f"{f.code} {f.name} ({f.severity.value})"
    if f.suppressed:
        head += f", suppressed: {f.suppression or 'inline'}"
    where = f"\nat {f.location}" if f.location else ""
    return f"{head}\n{f.message}{where}"
