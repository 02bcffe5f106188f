"""The audit of a submitted report (appendix 4): a claimed figure off beyond its tolerance is a warning, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from check_compliance.cli import main
from check_compliance.engine.conditions import holds
from check_compliance.engine.evaluation.audit import INACCURATE, audit, claim_fact, judged
from check_compliance.obligations.errors import InputError
from check_compliance.obligations.sources import load_records

ROOT = Path(__file__).resolve().parents[2]
COMPUTED = 0.9833  # October's first-response on-time rate in the sample (JSON report: periods[9])


def _with_claims(tmp_path: Path, figures: dict) -> Path:
    document = json.loads((ROOT / "fixtures/sample-month.json").read_text(encoding="utf-8"))
    october = next(r for r in document["reports"] if r["id"] == "RP-2026-10")
    october["figures"] = figures
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _audited(sample: dict, figures: dict) -> list:
    records = load_records({**_document(), "reports": [{**r, "figures": figures} if r["id"] == "RP-2026-10" else r for r in _document()["reports"]]})
    report = audit(sample["reports"]["en"], records.reports, sample["indicators"])
    return [f for f in report.findings if f.rule == "report-figures"]


def _document() -> dict:
    return json.loads((ROOT / "fixtures/sample-month.json").read_text(encoding="utf-8"))


def test_a_claim_within_its_tolerance_passes_and_one_past_it_warns(sample: dict) -> None:
    assert _audited(sample, {"first_response_on_time": COMPUTED + 0.005}) == []  # tolerance of a ratio: 0.005
    found = _audited(sample, {"first_response_on_time": COMPUTED + 0.0051})
    assert [(f.severity, f.outcome, f.subject.id) for f in found] == [("warning", "inaccurate", "RP-2026-10:first_response_on_time")]
    assert "0.9884" in found[0].message and "0.9833" in found[0].message  # both numbers


def test_a_claim_for_a_figure_the_period_lacks_warns(sample: dict) -> None:
    records = load_records({**_document(), "reports": [{**r, "figures": {"satisfaction_mean": 4.5}} if r["id"] == "RP-2026-09" else r for r in _document()["reports"]]})
    found = [f for f in audit(sample["reports"]["en"], records.reports, sample["indicators"]).findings if f.rule == "report-figures"]
    assert len(found) == 1 and "no value" in found[0].message


def test_a_claim_naming_no_indicator_is_an_input_error(sample: dict) -> None:
    with pytest.raises(InputError) as raised:
        _audited(sample, {"first_response_ontime": 0.9})
    problem = raised.value.problems[0]
    assert problem.path == "reports[9].figures.first_response_ontime" and problem.suggestion == "first_response_on_time"


def test_figures_must_be_numbers() -> None:
    with pytest.raises(InputError) as raised:
        load_records({**_document(), "reports": [{**r, "figures": {"first_response_on_time": "97%"}} for r in _document()["reports"]]})
    assert "figures" in str(raised.value.render())


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "markdown", "junit", "sarif", "github", "html"])
def test_the_audit_warning_shows_in_every_format(tmp_path: Path, fmt: str) -> None:
    path = _with_claims(tmp_path, {"first_response_on_time": 0.97, "satisfaction_mean": 3.76})
    result = CliRunner().invoke(main, [str(path), "--format", fmt, "--jobs", "1"])
    assert result.exit_code == 1, result.output  # the sample's breaches; the audit itself only warns
    assert "RP-2026-10" in result.output and "0.97" in result.output and "0.9833" in result.output
    assert result.output.count("satisfaction_mean 3.76") == 0  # an exact claim is not flagged


def test_only_a_warning_does_not_fail_the_gate_unless_asked(tmp_path: Path) -> None:
    clean = json.loads((ROOT / "tests/fixtures/clean.json").read_text(encoding="utf-8"))
    clean["reports"] = [{"id": "RP-1", "period": {"start": "2026-10-01", "end": "2026-10-31"}, "submitted_at": "2026-10-09T10:00:00+08:00",
                         "sections": dict.fromkeys(("method", "results", "problems", "recommendations"), "..."), "figures": {"first_response_on_time": 0.5}}]
    path = tmp_path / "clean-claims.json"
    path.write_text(json.dumps(clean), encoding="utf-8")
    assert CliRunner().invoke(main, [str(path)]).exit_code == 0
    assert CliRunner().invoke(main, [str(path), "--fail-on", "warning"]).exit_code == 1


_FIGURE = st.floats(min_value=0, max_value=10_000, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_FIGURE, st.one_of(st.none(), _FIGURE), st.floats(min_value=0, max_value=1)), max_size=30))
def test_durable_rules_decides_each_claim_as_the_plain_evaluator_does(claims) -> None:  # type: ignore[no-untyped-def]
    # The audit's outcome is durable_rules' (as every outcome); the plain evaluator is its yardstick.
    rows = [(None, f"f{i}", claimed, computed, tolerance) for i, (claimed, computed, tolerance) in enumerate(claims)]
    expected = [row for row in rows if holds(INACCURATE, claim_fact(row[2], row[3], row[4]))]
    assert judged(rows) == expected  # type: ignore[arg-type]


def test_a_claim_exactly_at_its_tolerance_is_accurate_and_one_billionth_past_it_is_not() -> None:
    rows = [(None, "at", 0.97, 0.98, 0.01), (None, "past", 0.97, 0.980000001, 0.01), (None, "none", 0.97, None, 0.01)]
    assert [row[1] for row in judged(rows)] == ["past", "none"]  # type: ignore[arg-type]


def test_the_library_check_audits_as_the_command_does() -> None:
    from check_compliance import check

    records = load_records({**_document(), "reports": [{**r, "figures": {"first_response_on_time": 0.5}} if r["id"] == "RP-2026-10" else r for r in _document()["reports"]]})
    found = [f for f in check(records).findings if f.rule == "report-figures"]
    assert [f.subject.id for f in found] == ["RP-2026-10:first_response_on_time"] and found[0].severity == "warning"
