"""What each view says about breaches, warnings and the gate's marks; every view deterministic."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from check_compliance import Checker, Report, load_records
from check_compliance.engine.findings import Subject
from check_compliance.engine.reporters import (
    RENDERERS,
    github,
    json_format,
    jsonl,
    junit,
    markdown,
    sarif,
    text,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
def test_the_same_check_renders_the_same_bytes(format_name: str, sample: Report, checker: Checker) -> None:
    again = checker.check(load_records(ROOT / "fixtures" / "sample-month.json"), source="fixtures/sample-month.json")
    render = RENDERERS[format_name]
    assert render(sample) == render(sample) == render(again)


def test_jsonl_lines_are_the_json_reports_findings(gate: Report) -> None:
    lines = [json.loads(line) for line in jsonl.render(gate).splitlines()]
    assert lines == json.loads(json_format.render(gate))["findings"]


def test_junit_has_a_suite_per_breach_and_counts_failures_and_passing_rules(sample: Report) -> None:
    root = ET.fromstring(junit.render(sample))
    suites = root.findall("testsuite")
    assert [s.get("name", "").split(":")[0] for s in suites] == [f"breach {n}" for n in range(1, 7)]
    assert root.get("failures") == str(sample.summary.errors) == "37"
    # Breach 4: evaluation-due found nothing, so it passes once beside the two failed rules.
    breach_4 = suites[3]
    passing = [c for c in breach_4.findall("testcase") if len(c) == 0]
    assert [(c.get("classname"), c.get("name")) for c in passing] == [("evaluation-due", "An evaluation for every period (clause 2.1)")]
    assert int(root.get("tests", "0")) == len(sample.findings) + 1


def test_junit_never_counts_waived_known_or_at_risk_findings_as_failures(gate: Report) -> None:
    root = ET.fromstring(junit.render(gate))
    skipped = Counter(s.get("type") for s in root.iter("skipped"))
    assert skipped == {"waived": 5, "known": 6, "at_risk": 1}
    assert root.get("failures") == str(len(gate.failing("error"))) == str(sum(1 for s in root.iter("failure")))
    waived = next(s for s in root.iter("skipped") if s.get("type") == "waived")
    assert (waived.get("message") or "").startswith("waived: Hotline outage, see INC-42 (waiver 1, approved by Li Wei, expires 2026-12-31): ")
    # Every first-response finding is waived: the rule has no failure, so it passes once too.
    breach_2 = root.findall("testsuite")[1]
    assert {c.get("classname") for c in breach_2.findall("testcase") if len(c) == 0} == {"first-response", "registration"}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        assert suite.get("skipped") == str(sum(1 for c in cases if c.find("skipped") is not None))


def test_sarif_has_a_rule_per_yaml_rule_and_suppresses_what_the_gate_accepted(gate: Report) -> None:
    run = json.loads(sarif.render(gate))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in gate.rules] and len(rules) == 14
    assert rules[1]["help"]["text"].startswith("Clause 1.2: Party A shall respond at once")
    by_level = Counter(r["level"] for r in run["results"])
    assert by_level == {"error": len(gate.failing("error")), "warning": 1, "note": 11}
    for result, finding in zip(run["results"], gate.findings):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["partialFingerprints"]["checkCompliance/v1"] == finding.fingerprint
        assert result["baselineState"] == ("unchanged" if finding.baseline == "known" else "new")
        assert ("suppressions" in result) == (not finding.gates)
    waived = next(r for r in run["results"] if r["ruleId"] == "first-response")
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "waived: Hotline outage, see INC-42 (waiver 1, approved by Li Wei, expires 2026-12-31)"}]


def test_sarif_names_each_subject_where_it_lives_in_the_records(sample: Report) -> None:
    names = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in json.loads(sarif.render(sample))["runs"][0]["results"]}
    assert {"complaints/C-0102", "periods/2026-10-01/2026-10-31", "channel_kinds/website", "evaluations/EV-2026-10", "reports/RP-2026-10", "disclosures/D-2"} <= names


def test_views_that_need_rules_still_render_a_report_without_them(sample: Report) -> None:
    bare = sample.model_copy(update={"rules": []})
    assert int(ET.fromstring(junit.render(bare)).get("tests", "0")) == len(sample.findings)
    run = json.loads(sarif.render(bare))["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == set(sample.summary.by_rule)


def test_github_annotates_breaches_as_errors_and_accepted_findings_as_notices(gate: Report) -> None:
    commands = Counter(line.split(" ", 1)[0] for line in github.render(gate).splitlines())
    # Warnings: the one at-risk finding that can fail the gate, and the expired and unused waivers.
    assert commands == {"::error": len(gate.failing("error")), "::warning": 1 + 2, "::notice": 11}


def test_markdown_states_counts_not_a_verdict_and_caps_the_table(sample: Report) -> None:
    many = [f.model_copy(update={"subject": Subject(type=f.subject.type, id=f"{f.subject.id}-{i}")}) for i in range(7) for f in sample.findings]
    rendered = markdown.render(sample.with_findings(many))
    assert "**259 finding(s)**: 259 breach(es), 0 warning(s), 0 waived." in rendered
    assert sum(1 for line in rendered.splitlines() if line.startswith("| `")) == markdown.MAX_ROWS
    assert "… and 59 more finding(s) (see the JSON report)." in rendered
    assert not {"pass", "fail"} & set(rendered.lower().replace(".", " ").split())


def test_markdown_lists_what_can_fail_the_gate_before_accepted_findings(gate: Report) -> None:
    notes = [line.rsplit("|", 2)[1].strip() for line in markdown.render(gate).splitlines() if line.startswith("| `")]
    first_accepted = next(i for i, note in enumerate(notes) if note != "new")
    assert all(note != "new" for note in notes[first_accepted:])


def test_text_marks_waived_and_known_findings_and_lists_waivers_and_resolved(gate: Report) -> None:
    rendered = text.render(gate)
    assert "(waived: Hotline outage, see INC-42, expires 2026-12-31)" in rendered
    assert "C-0009 registered 10 h 58 min 34 s after its 24 h limit (known in baseline)" in rendered
    assert "#2 clause 2.3 2026-09-*: EXPIRED" in rendered and "#3 breach 6 D-9: UNUSED" in rendered
    assert "Resolved since the baseline (1)\n  + [report-due] period 2026-09-01/2026-09-30" in rendered
    zh = text.render(gate.model_copy(update={"lang": "zh"}))
    assert "已豁免：Hotline outage" in zh and "未使用" in zh


def test_the_registry_offers_every_ci_format() -> None:
    assert {"text", "json", "jsonl", "junit", "sarif", "github", "markdown", "html"} == set(RENDERERS)
