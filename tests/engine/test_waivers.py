"""Waivers: active through their `expires` day, expired the day after, unused when nothing matches, bad files at file:line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from check_compliance import Checker, Report, WaiverError, load_records, load_rulebook
from check_compliance.engine.waivers import apply_waivers, waiver_day
from check_compliance.obligations.waivers import Waiver, check_waivers_against, load_waivers

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample-month.json"
TODAY = date(2026, 11, 20)  # the sample's as_of, 2026-11-20T00:00:00+08:00


@pytest.fixture(scope="module")
def report() -> Report:
    return Checker().check(load_records(SAMPLE))


def _entry(target: str = "rule: first-response", subject: str = "C-0102", expires: str = "2026-12-31", extra: str = "") -> str:
    return (
        f"  - {target}\n    subject: \"{subject}\"\n    reason: Customer asked us to call back after the holiday\n"
        f"    approved_by: Li Wei (compliance)\n    expires: {expires}\n{extra}"
    )


def _load(tmp_path: Path, *entries: str) -> list[Waiver]:
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n" + "".join(entries), encoding="utf-8")
    return load_waivers(path)


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WaiverError) as raised:
        load_waivers(path)
    return str(raised.value)


def _waived(report: Report) -> dict[str, int]:
    return {f.fingerprint: f.waived.waiver for f in report.findings if f.waived is not None}


def test_the_waiver_day_is_the_as_of_date_in_the_contract_zone(report: Report) -> None:
    assert waiver_day(report) == TODAY


def test_active_waiver_marks_the_finding_and_keeps_it_in_the_report(report: Report, tmp_path: Path) -> None:
    waived = apply_waivers(report, _load(tmp_path, _entry()), TODAY)
    assert len(waived.findings) == 37 and waived.summary.findings == 37
    assert _waived(waived) == {"first-response:complaint:C-0102": 1}
    finding = next(f for f in waived.findings if f.waived is not None)
    assert finding.waived.reason == "Customer asked us to call back after the holiday"
    assert finding.waived.approved_by == "Li Wei (compliance)" and finding.waived.expires == "2026-12-31"
    assert waived.summary.waived == 1
    [status] = waived.waivers
    assert (status.waiver, status.status, status.matched, status.rule) == (1, "active", 1, "first-response")


def test_waiver_still_applies_on_its_expires_day(report: Report, tmp_path: Path) -> None:
    waived = apply_waivers(report, _load(tmp_path, _entry(expires="2026-11-20")), TODAY)
    assert _waived(waived) == {"first-response:complaint:C-0102": 1}
    assert waived.waivers[0].status == "active"


def test_waiver_expired_the_day_after_expires_no_longer_applies(report: Report, tmp_path: Path) -> None:
    waived = apply_waivers(report, _load(tmp_path, _entry(expires="2026-11-19")), TODAY)
    assert _waived(waived) == {} and waived.summary.waived == 0
    assert (waived.waivers[0].status, waived.waivers[0].matched) == ("expired", 1)
    assert waived.exit_code() == 1


def test_expired_waiver_falls_through_to_the_next_active_one(report: Report, tmp_path: Path) -> None:
    waivers = _load(tmp_path, _entry(expires="2026-11-01"), _entry(subject="C-01*"))
    waived = apply_waivers(report, waivers, TODAY)
    assert _waived(waived)["first-response:complaint:C-0102"] == 2
    assert [(s.status, s.matched) for s in waived.waivers] == [("expired", 1), ("active", 4)]


def test_first_matching_waiver_in_file_order_wins(report: Report, tmp_path: Path) -> None:
    waived = apply_waivers(report, _load(tmp_path, _entry(subject="C-01*"), _entry()), TODAY)
    assert _waived(waived)["first-response:complaint:C-0102"] == 1
    # The second still names an existing finding, so it is not unused.
    assert [(s.status, s.matched) for s in waived.waivers] == [("active", 4), ("active", 1)]


def test_waiver_that_matched_nothing_is_unused(report: Report, tmp_path: Path) -> None:
    waived = apply_waivers(report, _load(tmp_path, _entry(subject="C-9999")), TODAY)
    assert (waived.waivers[0].status, waived.waivers[0].matched) == ("unused", 0)
    assert _waived(waived) == {}


def test_subject_pattern_matches_by_glob(report: Report, tmp_path: Path) -> None:
    waived = apply_waivers(report, _load(tmp_path, _entry(subject="C-01*")), TODAY)
    assert set(_waived(waived)) == {f"first-response:complaint:{c}" for c in ("C-0102", "C-0151", "C-0174", "C-0188")}
    assert waived.waivers[0].matched == 4


def test_clause_waiver_matches_every_rule_citing_the_clause(report: Report, tmp_path: Path) -> None:
    waived = apply_waivers(report, _load(tmp_path, _entry(target='clause: "1.3"', subject="C-02*")), TODAY)
    expected = {f.fingerprint for f in report.findings if f.clause == "1.3" and f.subject.id.startswith("C-02")}
    assert set(_waived(waived)) == expected
    assert {fp.split(":")[0] for fp in expected} == {"classification", "registration", "resolution"} and len(expected) == 9


def test_breach_waiver_with_subject_type_and_period_pattern(report: Report, tmp_path: Path) -> None:
    both = apply_waivers(report, _load(tmp_path, _entry(target="breach: 5", subject="*")), TODAY)
    assert set(_waived(both)) == {"report-complete:report:RP-2026-10", "report-due:period:2026-10-01/2026-10-31"}
    periods = _load(tmp_path, _entry(target="breach: 5", subject="2026-10-*", extra="    subject_type: period\n"))
    assert set(_waived(apply_waivers(report, periods, TODAY))) == {"report-due:period:2026-10-01/2026-10-31"}


def test_waived_breaches_do_not_fail_the_gate(report: Report, tmp_path: Path) -> None:
    assert report.exit_code() == 1
    waivers = _load(tmp_path, *(_entry(target=f"breach: {n}", subject="*") for n in range(1, 7)))
    waived = apply_waivers(report, waivers, TODAY)
    assert waived.summary.waived == 37 and len(waived.findings) == 37 and waived.summary.errors == 37
    assert waived.exit_code() == 0


def test_strict_waivers_fail_on_an_unused_waiver(report: Report, tmp_path: Path) -> None:
    entries = [_entry(target=f"breach: {n}", subject="*") for n in range(1, 7)] + [_entry(subject="C-9999")]
    waived = apply_waivers(report, _load(tmp_path, *entries), TODAY)
    assert waived.exit_code() == 0
    assert waived.exit_code(strict_waivers=True) == 1


def test_applying_twice_gives_the_same_report(report: Report, tmp_path: Path) -> None:
    waivers = _load(tmp_path, _entry(subject="C-01*"))
    once = apply_waivers(report, waivers, TODAY)
    assert apply_waivers(once, waivers, TODAY) == once


def test_empty_file_waives_nothing(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text("# none yet\n", encoding="utf-8")
    assert load_waivers(path) == []
    assert apply_waivers(report, [], TODAY).waivers == []


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    message = _error(tmp_path, "waivers:\n" + _entry(extra="    approved_on: 2026-11-01\n"))
    assert "waivers.yaml:7:5: unknown key 'approved_on'" in message and "(did you mean 'approved_by'?)" in message
    assert "allowed: approved_by, breach, clause, expires, reason, rule, subject, subject_type" in message


def test_missing_reason_names_the_entry_line(tmp_path: Path) -> None:
    text = "waivers:\n" + _entry() + "  - rule: feedback\n    subject: C-0069\n    approved_by: Li Wei\n    expires: 2026-12-31\n"
    assert "waivers.yaml:7:5: required key 'reason' is missing" in _error(tmp_path, text)


def test_blank_approver_is_an_error(tmp_path: Path) -> None:
    text = "waivers:\n" + _entry().replace("Li Wei (compliance)", '"  "')
    assert "waivers.yaml:5:18: must not be blank" in _error(tmp_path, text)


@pytest.mark.parametrize("expires", ["2026-02-30", "next week", "2026-12-31T10:00:00", "20261231"])
def test_bad_date_names_its_line(tmp_path: Path, expires: str) -> None:
    message = _error(tmp_path, "waivers:\n" + _entry(expires=expires))
    assert "waivers.yaml:6:14:" in message and "date" in message


def test_two_of_rule_clause_breach_is_an_error(tmp_path: Path) -> None:
    text = "waivers:\n" + _entry(target='rule: first-response\n    clause: "1.2"')
    assert "waivers.yaml:2:5: give exactly one of rule, clause or breach; got rule and clause" in _error(tmp_path, text)


def test_none_of_rule_clause_breach_is_an_error(tmp_path: Path) -> None:
    text = "waivers:\n" + _entry(target='subject_type: complaint')
    assert "give exactly one of rule, clause or breach; got none" in _error(tmp_path, text)


def test_unquoted_clause_and_unknown_subject_type(tmp_path: Path) -> None:
    text = "waivers:\n" + _entry(target="clause: 1.2", extra="    subject_type: complain\n")
    message = _error(tmp_path, text)
    assert 'waivers.yaml:2:13: expected a quoted clause such as "1.2"' in message
    assert "waivers.yaml:7:19: Input should be 'complaint'" in message and "'channel_kind'" in message


def test_yaml_syntax_error_and_wrong_top_level(tmp_path: Path) -> None:
    assert "waivers.yaml:3:1: not valid YAML" in _error(tmp_path, "waivers:\n  - rule: [first\n")
    assert "expected a mapping with a `waivers` list" in _error(tmp_path, "- rule: first-response\n")
    message = _error(tmp_path, "waiver: []\n")
    assert "unknown key 'waiver'" in message and "(did you mean 'waivers'?)" in message


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(WaiverError, match="cannot read"):
        load_waivers(tmp_path / "missing.yaml")


def test_unknown_rule_id_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    rulebook = load_rulebook()
    waivers = _load(tmp_path, _entry(), _entry(target="rule: first-responce"), _entry(target='clause: "1.7"'))
    problems = check_waivers_against(waivers, [r.id for r in rulebook.rules], clauses={r.clause for r in rulebook.rules})
    assert [str(p).split(": ", 1)[0] for p in problems] == [f"{tmp_path / 'waivers.yaml'}:7:5", f"{tmp_path / 'waivers.yaml'}:12:5"]
    assert "unknown rule 'first-responce'" in problems[0].message
    assert (problems[0].suggestion, problems[0].line, problems[0].column, problems[0].path) == ("first-response", 7, 5, "waivers[1]")
    assert "(did you mean 'first-response'?)" in str(problems[0])
    assert "no rule cites clause '1.7'" in problems[1].message
