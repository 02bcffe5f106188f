"""Baselines: known findings pass, new ones fail, resolved ones are listed; fingerprints ignore text and timing."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from check_compliance import BaselineError, Checker, Report, load_records
from check_compliance.engine.baseline import apply_baseline, baseline_document, load_baseline, parse_baseline
from check_compliance.engine.reporters import render
from check_compliance.engine.waivers import apply_waivers
from check_compliance.obligations.loading import validate_records
from check_compliance.obligations.waivers import Waiver

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample-month.json"
C0102 = "first-response:complaint:C-0102"
HEAD = '"contract": "HT-2026-001", "rulebook": {"sha256": "' + "0" * 64 + '"}'


@pytest.fixture(scope="module")
def report() -> Report:
    return Checker().check(load_records(SAMPLE))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8")
    return path


def _document(report: Report, *entries: dict) -> str:
    """A hand-made baseline of `report`'s contract and rulebook holding `entries`."""
    return json.dumps({"contract": report.contract, "rulebook": {"sha256": report.rulebook.sha256}, "findings": list(entries)})


def _marks(report: Report) -> dict[str, str]:
    return {f.fingerprint: f.baseline for f in report.findings}


def test_written_baseline_loaded_back_makes_every_finding_known(report: Report, tmp_path: Path) -> None:
    baseline = load_baseline(_write(tmp_path, baseline_document(report)))
    marked = apply_baseline(report, baseline)
    assert set(_marks(marked).values()) == {"known"}
    assert (marked.summary.known, marked.summary.new, marked.resolved) == (37, 0, [])
    assert report.exit_code() == 1 and marked.exit_code() == 0


def test_a_json_report_is_a_baseline(report: Report, tmp_path: Path) -> None:
    baseline = load_baseline(_write(tmp_path, render(report, "json")))
    assert baseline.fingerprints == {f.fingerprint for f in report.findings}
    assert (baseline.contract, baseline.as_of) == ("HT-2026-001", "2026-11-20T00:00:00+08:00")


def test_a_new_breach_fails_the_gate(report: Report) -> None:
    earlier = report.with_findings([f for f in report.findings if f.fingerprint != C0102])
    marked = apply_baseline(report, parse_baseline(baseline_document(earlier)))
    assert [f.fingerprint for f in marked.failing()] == [C0102]
    assert _marks(marked)[C0102] == "new" and (marked.summary.new, marked.summary.known) == (1, 36)
    assert marked.exit_code() == 1


def test_a_resolved_breach_is_listed(report: Report) -> None:
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    complaint = next(c for c in document["complaints"] if c["id"] == "C-0102")
    complaint["first_response_at"] = complaint["received_at"]  # answered at once this time
    fixed = Checker().check(validate_records(document))
    marked = apply_baseline(fixed, parse_baseline(baseline_document(report)))
    assert [(r.fingerprint, r.rule, r.subject.id) for r in marked.resolved] == [(C0102, "first-response", "C-0102")]
    assert marked.exit_code() == 0


def test_resolved_findings_are_sorted(report: Report) -> None:
    marked = apply_baseline(report.with_findings([]), parse_baseline(baseline_document(report)))
    keys = [(r.rule, r.subject.type, r.subject.id) for r in marked.resolved]
    assert len(keys) == 37 and keys == sorted(keys)


def test_fingerprints_ignore_message_text_and_timing(report: Report) -> None:
    later = Checker().check(load_records(SAMPLE), as_of=datetime.fromisoformat("2026-11-27T09:30:00+08:00"), lang="zh")
    marked = apply_baseline(later, parse_baseline(baseline_document(report)))
    before = {f.fingerprint: f for f in report.findings}
    known = [f for f in marked.findings if f.baseline == "known"]
    assert {f.fingerprint for f in known} == set(before) and marked.resolved == []
    assert any(f.delay_seconds != before[f.fingerprint].delay_seconds for f in known)
    assert all(f.message != before[f.fingerprint].message for f in known)


def test_stored_fingerprint_is_not_trusted(report: Report) -> None:
    entry = {"rule": "first-response", "subject": {"type": "complaint", "id": "C-0999"}, "fingerprint": C0102}
    baseline = parse_baseline(_document(report, entry))
    assert baseline.fingerprints == {"first-response:complaint:C-0999"}


def test_a_warning_in_the_baseline_does_not_cover_a_breach(report: Report) -> None:
    entry = {"rule": "first-response", "subject": {"type": "complaint", "id": "C-0102"}, "severity": "warning"}
    marked = apply_baseline(report, parse_baseline(_document(report, entry)))
    assert _marks(marked)[C0102] == "new"


def test_baseline_document_is_small_sorted_and_byte_deterministic(report: Report) -> None:
    text = baseline_document(report)
    assert text == baseline_document(report.with_findings(list(reversed(report.findings))))
    document = json.loads(text)
    assert list(document) == ["version", "contract", "rulebook", "as_of", "findings"]
    assert (document["version"], document["contract"], document["as_of"]) == (2, "HT-2026-001", "2026-11-20T00:00:00+08:00")
    assert document["rulebook"] == {"id": "shipped", "sha256": report.rulebook.sha256}
    assert document["findings"][0] == {
        "rule": "channels-open",
        "subject": {"type": "channel_kind", "id": "website"},
        "severity": "error",
        "fingerprint": "channels-open:channel_kind:website",
    }
    assert [e["fingerprint"] for e in document["findings"]] == [f.fingerprint for f in report.findings]


def test_waived_findings_go_into_a_written_baseline(report: Report) -> None:
    everything = Waiver(breach=2, subject="*", reason="backlog", approved_by="Li Wei", expires=date(2026, 12, 31))
    waived = apply_waivers(report, [everything], date(2026, 11, 20))
    assert waived.summary.waived > 0
    assert baseline_document(waived) == baseline_document(report)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ('{"findings": [\n  {"rule": }\n]}', "line 2 column 12", "not valid JSON"),
        ("[]", "(top)", "expected a JSON object with a `findings` list"),
        ('{"version": 1, ' + HEAD + '}', "findings", "required field is missing"),
        ('{"findings": {}, ' + HEAD + '}', "findings", "valid list"),
        ('{"findings": [{"subject": {"type": "complaint", "id": "C-1"}}], ' + HEAD + '}', "findings[0].rule", "required field is missing"),
        ('{"findings": [{"rule": "feedback", "subject": {"type": "complaint"}}], ' + HEAD + '}', "findings[0].subject.id", "required field is missing"),
        ('{"findings": [{"rule": "feedback", "subject": {"type": "complaint", "id": 7}}], ' + HEAD + '}', "findings[0].subject.id", "got 7"),
    ],
)
def test_bad_baseline_names_file_and_json_path(tmp_path: Path, text: str, where: str, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(BaselineError) as raised:
        load_baseline(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: 1 baseline error") and f"  {where}: " in message and words in message


def test_unreadable_baseline(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot read"):
        load_baseline(tmp_path / "missing.json")
