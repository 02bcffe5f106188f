"""JUnit XML for Jenkins and GitLab (junit-10.xsd): a testsuite per breach, a testcase per finding and rule."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from check_compliance.engine.escaping import shown, xml_text, xml_value
from check_compliance.engine.findings import Finding, Report, RuleInfo
from check_compliance.engine.reporters.wording import breach_title, evidence_lines, gate_note, not_checked_text, quarantine_text

# How findings show, chosen for what Jenkins' JUnit plugin and GitLab's test report display:
# - a breach that can fail the gate is a `<failure>` (red, counted as failed);
# - an `at_risk` warning is `<skipped type="at_risk">`: both list and count skipped cases apart
#   from passed ones, where a passing case with `<system-out>` would hide it behind a green tick;
# - a waived or baseline-known finding is `<skipped type="waived|known">` whose message gives the
#   reason, so it stays visible and never counts as a failure;
# - each rule with no failure in a suite adds one passing case, so dashboards count what was met.
# Test names never follow --lang: CI keys test history on classname + name. Messages do.

def render(report: Report) -> str:
    root = ET.Element("testsuites", name="check-compliance")
    totals = {"tests": 0, "failures": 0}
    for breach in _breaches(report):
        suite = _suite(report, breach)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    if report.quarantine is not None:
        root.append(_quarantine_suite(report))
        totals["tests"] += 1
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")  # a checker fault exits 2 with no report: never a JUnit error
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_text(ET.tostring(root, encoding="unicode")) + "\n"


def _breaches(report: Report) -> list[int]:
    return sorted({r.breach for r in report.rules} | {f.breach for f in report.findings} | {n.breach for n in report.not_checked or ()})


def _suite(report: Report, breach: int) -> ET.Element:
    findings = [f for f in report.findings if f.breach == breach]
    cases = [_finding_case(report, f) for f in findings]
    failed_rules = {f.rule for f in findings if _fails(f)}
    cases += [_rule_case(r) for r in report.rules if r.breach == breach and r.id not in failed_rules]
    # An obligation the export cannot show is neither failed nor passed: skipped, with the reason.
    for item in report.not_checked or ():
        if item.breach == breach:
            case = ET.Element("testcase", classname=_safe(item.rule), name=_safe(f"{item.rule} (clause {item.clause}) not checked"), time="0")
            ET.SubElement(case, "skipped", type="not_tracked", message=_safe(not_checked_text(item)))
            cases.append(case)
    failures = sum(1 for case in cases if case.find("failure") is not None)
    skipped = sum(1 for case in cases if case.find("skipped") is not None)
    suite = ET.Element("testsuite", name=_safe(f"breach {breach}: {breach_title(breach)}"))
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("breach", str(breach)),
        ("contract", report.contract),
        ("as_of", report.as_of),
        ("records", report.source),
        ("rulebook", report.rulebook.id),
        ("rulebook_sha256", report.rulebook.sha256),
    ):
        ET.SubElement(properties, "property", name=name, value=_safe(value))
    suite.extend(cases)
    return suite


def _quarantine_suite(report: Report) -> ET.Element:
    assert report.quarantine is not None
    suite = ET.Element("testsuite", name="quarantine: complaints set aside as invalid", tests="1", failures="0", errors="0",
                       skipped="1" if report.quarantine.complaints else "0", time="0")
    case = ET.SubElement(suite, "testcase", classname="quarantine", name="complaints set aside", time="0")
    if report.quarantine.complaints:
        ET.SubElement(case, "skipped", type="quarantined", message=_safe(quarantine_text(report.quarantine)))
    return suite


def _fails(finding: Finding) -> bool:
    return finding.gates and finding.severity == "error"


def _finding_case(report: Report, finding: Finding) -> ET.Element:
    subject = finding.subject
    case = ET.Element("testcase", classname=_safe(finding.rule), name=_safe(f"{subject.type} {subject.id} {finding.outcome}"), time="0")
    # The body's lines are its structure: a line break inside a field is shown, not made.
    body = xml_value("\n".join(shown(line) for line in [finding.message, *evidence_lines(finding)]))
    note = gate_note(finding)
    if _fails(finding):
        ET.SubElement(case, "failure", type=finding.outcome, message=_safe(finding.message)).text = body
    elif note is not None:
        kind = "waived" if finding.waived is not None else "known"
        ET.SubElement(case, "skipped", type=kind, message=_safe(f"{note}: {finding.message}")).text = body
    else:
        ET.SubElement(case, "skipped", type="at_risk", message=_safe(f"at risk: {finding.message}")).text = body
    return case


def _rule_case(rule: RuleInfo) -> ET.Element:
    return ET.Element("testcase", classname=_safe(rule.id), name=_safe(f"{rule.title_en} (clause {rule.clause})"), time="0")


def _safe(text: str) -> str:
    """An attribute's value: exact where XML can carry it (line breaks become `&#10;`)."""
    return xml_value(text)
