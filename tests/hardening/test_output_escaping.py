"""Nothing printed can act: record-derived text through every format, controls, bidi overrides and
lone surrogates included (issue 9, item 4; the hypothesis property of "How it is shown")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from check_compliance import Checker, Report, load_records
from check_compliance.engine.escaping import REPLACEMENT, shown
from check_compliance.engine.findings import Subject, Waived
from check_compliance.engine.reporters import RENDERERS, markdown
from check_compliance.obligations.loading import validate_records

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample-month.json"
SCHEMAS = ROOT / "tests" / "schemas"
# What must never reach a terminal or a log raw: C0 (bar the line breaks between a format's own
# lines), DEL, C1, line/paragraph separators, bidi marks, embeddings, overrides, isolates, surrogates.
ACTING = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
HOSTILE = ["\n::error::x", "\r\n::warning file=a::y", "\x1b[31mred\x1b[0m", "\x1b]8;;http://evil\x07link", "\u202eevil", "\u2066iso\u2069",
           "\ud800", "a\udfffb", "\x85next", "\u2028sep", "\x00nul", "%0A::error::z", "`|<b>&"]


@pytest.fixture(scope="module")
def sample() -> Report:
    with Checker() as checker:
        return checker.check(load_records(SAMPLE), source="fixtures/sample-month.json")


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


@pytest.fixture(scope="module")
def sarif_validator():  # type: ignore[no-untyped-def]
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def with_ids(report: Report, ids: list[str], count: int = 3) -> Report:
    """The first findings of `report` about subjects named `ids`, their messages quoting them, one waived."""
    findings = []
    for position, f in enumerate(report.findings[:count]):
        subject_id = ids[position % len(ids)]
        changes: dict[str, object] = {"subject": Subject(type="complaint", id=subject_id), "message": f"Complaint {subject_id} answered late"}
        if position == 1:
            changes["waived"] = Waived(waiver=1, reason=f"known {subject_id}", approved_by=subject_id, expires="2026-12-31")
        findings.append(f.model_copy(update=changes))
    return report.with_findings(findings, source=f"exports/{ids[0]}.json")


def _own_commands(report: Report) -> int:
    """The workflow commands the github format writes for `report`: one a finding, one a waiver
    that needs attention, one a quarantine, notice or obligation not checked."""
    waivers = sum(1 for w in report.waivers or () if w.status != "active")
    quarantine = 1 if report.quarantine is not None and report.quarantine.complaints else 0
    return len(report.findings) + waivers + quarantine + len(report.notices or ()) + len(report.not_checked or ())


def assert_nothing_acts(report: Report, junit_schema: xmlschema.XMLSchema, sarif_validator) -> None:  # type: ignore[no-untyped-def]
    ids = [f.subject.id for f in report.findings]
    for name, render in RENDERERS.items():
        output = render(report)
        output.encode("utf-8")  # no surrogate survives
        assert not ACTING.search(output), (name, ACTING.findall(output)[:5])
        if name in ("text", "github"):
            commands = [line for line in output.splitlines() if line.startswith("::")]
            assert len(commands) == (_own_commands(report) if name == "github" else 0), name
    document = json.loads(RENDERERS["json"](report))
    assert [f["subject"]["id"] for f in document["findings"]] == [_replaced(i) for i in ids]
    assert [json.loads(line)["subject"]["id"] for line in RENDERERS["jsonl"](report).splitlines()] == [_replaced(i) for i in ids]
    junit_schema.validate(RENDERERS["junit"](report))
    sarif = json.loads(RENDERERS["sarif"](report))
    sarif_validator.validate(sarif)
    assert [r["properties"]["subject"]["id"] for r in sarif["runs"][0]["results"]] == [_replaced(i) for i in ids]
    rows = [line for line in RENDERERS["markdown"](report).splitlines() if line.startswith("| `")]
    assert len(rows) == len(report.findings) and all(re.sub(r"\\.", "", row).count("|") == 7 for row in rows)


def _replaced(text: str) -> str:
    return re.sub("[\ud800-\udfff]", REPLACEMENT, text)


def test_hostile_ids_act_in_no_format(sample: Report, junit_schema: xmlschema.XMLSchema, sarif_validator) -> None:  # type: ignore[no-untyped-def]
    for hostile in HOSTILE:
        assert_nothing_acts(with_ids(sample, [hostile, f"C-{hostile}-2", "plain"]), junit_schema, sarif_validator)


def test_an_id_holding_a_workflow_command_writes_none(sample: Report) -> None:
    report = with_ids(sample, ["C-1\n::error::x"], count=2)
    text = RENDERERS["text"](report)
    assert "C-1\\u000a::error::x" in text and not any(line.startswith("::") for line in text.splitlines())
    github = RENDERERS["github"](report).splitlines()
    assert len(github) == _own_commands(report) and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in github)
    assert "C-1\\u000a::error::x" in github[0]


def test_json_formats_keep_values_exact_with_escapes(sample: Report) -> None:
    report = with_ids(sample, ["C\u202e1\x9b2\u2028"])
    output = RENDERERS["json"](report)
    assert "C\\u202e1\\u009b2\\u2028" in output  # written as escapes ...
    assert json.loads(output)["findings"][0]["subject"]["id"] == "C\u202e1\x9b2\u2028"  # ... read back exact
    assert "&#x202e;" in RENDERERS["junit"](report)


def test_shown_makes_every_acting_character_visible() -> None:
    assert shown("a\x1b[1m\n\u202eb\ud800") == "a\\u001b[1m\\u000a\\u202eb" + REPLACEMENT
    assert shown("普通 text, 100%") == "普通 text, 100%"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ids=st.lists(st.text(st.one_of(st.characters(), st.sampled_from([c for h in HOSTILE for c in h]), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),
                            min_size=1, max_size=12), min_size=1, max_size=3))
def test_random_ids_through_every_format_stay_parseable_and_inert(ids: list[str], sample: Report, junit_schema: xmlschema.XMLSchema, sarif_validator) -> None:  # type: ignore[no-untyped-def]
    assert_nothing_acts(with_ids(sample, ids), junit_schema, sarif_validator)


def _long_ids(sample: Report) -> Report:
    template = sample.findings[0]
    findings = [template.model_copy(update={"subject": Subject(type="complaint", id=f"{i:05d}" + "é" * 4000), "message": f"Complaint {i} " + "<&>" * 5000})
                for i in range(600)]
    return sample.with_findings(findings, source="x" * 100_000)


def test_markdown_summary_stays_under_githubs_limit_whatever_the_ids(sample: Report) -> None:
    rendered = markdown.render(_long_ids(sample))
    assert len(rendered.encode("utf-8")) < 2**20
    assert sum(1 for line in rendered.splitlines() if line.startswith("| `")) == markdown.MAX_ROWS
    assert "… and 400 more finding(s) (see the JSON report)." in rendered
    assert "é… (4016 characters)" in rendered  # `complaints/00000éé…`, cut with its length stated


def test_markdown_rows_stop_at_the_byte_budget_with_a_stated_count(sample: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "CELL_CHARACTERS", 10**7)  # cells uncut: only the budget holds
    rendered = markdown.render(_long_ids(sample))
    assert len(rendered.encode("utf-8")) < 2**20
    shown_rows = sum(1 for line in rendered.splitlines() if line.startswith("| `"))
    assert 0 < shown_rows < markdown.MAX_ROWS
    assert f"… and {600 - shown_rows} more finding(s) (see the JSON report)." in rendered


@pytest.mark.parametrize("purpose", ["market\ud800ing", "market\ud800ing" * 200])  # short, and past the engine's longest text
def test_a_surrogate_in_a_disclosure_purpose_is_judged_not_crashed(purpose: str) -> None:
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    disclosure = document["disclosures"][0]
    disclosure["purpose"] = purpose
    disclosure["id"] = "D-\ud800"
    with Checker() as checker:
        report = checker.check(validate_records(document, "<test>"))
    about = [f for f in report.findings if f.subject.type == "disclosure" and f.subject.id == "D-\ud800"]
    assert about, "the disclosure is still judged"
    assert all(not ACTING.search(RENDERERS[name](report)) for name in RENDERERS)
