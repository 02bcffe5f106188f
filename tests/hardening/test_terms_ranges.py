"""Ranges checked when terms and rules load (limits, due days, periods up to 100 years; calendars with
working hours), and date arithmetic out of range during a check: each a clean exit 2."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from yaml_inputs import SAMPLE, invoke, refused, rules_dir, write

from check_compliance import Checker, CheckError, InputError, TermsError, load_records, load_terms
from check_compliance.obligations.durations import MAX_DAYS, parse_limit

RANGE = "1s to 100 years (36525d, MAX_DAYS)"


@pytest.mark.parametrize(
    ("text", "column"),
    [("1000000000d", 17), ("36526d", 17), ("876601h", 17), ("36526bd", 17), ("P100000000D", 17), ("PT3155760001S", 17), ("9" * 5000 + "s", 17)],
)
def test_a_limit_beyond_100_years(tmp_path: Path, text: str, column: int) -> None:
    path, args = write(tmp_path, "terms", f"limits:\n  registration: {text}\n")
    refused(invoke(*args), f"{path}:2:{column}: a limit must be {RANGE}")


@pytest.mark.parametrize("text", ["36525d", "876600h", "36525bd", "P36525D", "PT3155760000S"])
def test_a_limit_of_exactly_100_years_is_allowed(tmp_path: Path, text: str) -> None:
    path, _ = write(tmp_path, "terms", f"limits:\n  registration: {text}\n")
    assert load_terms(path).limits["registration"] == parse_limit(text)


def test_a_limit_in_a_table_by_urgency(tmp_path: Path) -> None:
    path, args = write(tmp_path, "terms", "limits:\n  resolution: {urgent: 8h, high: 3bd, normal: 5bd, low: 40000d}\n")
    refused(invoke(*args), f"{path}:2:57: a limit must be {RANGE}")


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("evaluation:\n  due_days: 1000000000\n", "2:13", "expected at most 36525 days (100 years, MAX_DAYS), got 1000000000"),
        ("report:\n  due_days: 36526\n", "2:13", "expected at most 36525 days (100 years, MAX_DAYS), got 36526"),
        ("evaluation:\n  period: 100000000d\n", "2:11", "expected at most 36525 days (100 years, MAX_DAYS), got 100000000"),
        ("evaluation:\n  period: 36526\n", "2:11", "expected at most 36525 days"),
    ],
)
def test_due_days_and_periods_beyond_100_years(tmp_path: Path, text: str, where: str, words: str) -> None:
    path, args = write(tmp_path, "terms", text)
    refused(invoke(*args), f"{path}:{where}: {words}")
    with pytest.raises(TermsError, match="MAX_DAYS"):
        load_terms(path)


def test_due_days_and_period_of_exactly_100_years(tmp_path: Path) -> None:
    path, _ = write(tmp_path, "terms", f"evaluation:\n  due_days: {MAX_DAYS}\n  period: {MAX_DAYS}d\nreport:\n  due_days: {MAX_DAYS}\n")
    terms = load_terms(path)
    assert (terms.evaluation.due_days, terms.evaluation.period, terms.report.due_days) == (MAX_DAYS, MAX_DAYS, MAX_DAYS)


def test_a_rules_own_due_days_beyond_100_years(tmp_path: Path) -> None:
    text = (rules_dir(tmp_path) / "evaluation.yaml").read_text(encoding="utf-8")
    assert "due_days: {term: evaluation.due_days}" in text
    directory = tmp_path / "other"
    directory.mkdir()
    (directory / "evaluation.yaml").write_text(text.replace("due_days: {term: evaluation.due_days}", "due_days: 1000000000", 1), encoding="utf-8")
    line = next(n for n, row in enumerate((directory / "evaluation.yaml").read_text().splitlines(), 1) if "due_days: 1000000000" in row)
    refused(invoke(str(SAMPLE), "--rules", str(directory)), f"evaluation.yaml:{line}:", "expected at most 36525 days (100 years, MAX_DAYS)")


def test_a_calendar_without_working_hours_is_refused_at_its_line(tmp_path: Path) -> None:
    path, args = write(tmp_path, "terms", "calendars:\n  support:\n    timezone: Asia/Shanghai\n    hours: {mon-fri: []}\nclocks:\n  registration: support\n")
    refused(invoke(*args), f"{path}:4:12: no working hours on any day", 'mon-fri: ["09:00-18:00"]')


def _calendar_terms(hours: str, limits: str) -> str:
    return (f"limits:\n{limits}calendars:\n  support:\n    timezone: Asia/Shanghai\n    hours: {hours}\n"
            "clocks:\n  registration: support\n  resolution: support\n")


def test_a_limit_too_long_for_its_sparse_calendar(tmp_path: Path) -> None:
    # 36525d of working time at one hour a week would take 16,800 years of calendar time.
    path, args = write(tmp_path, "terms", _calendar_terms('{mon: ["09:00-10:00"]}', "  registration: 36525d\n"))
    refused(invoke(*args), f"{path}:2:17: limit 36525d on calendar 'support' (its week holds 1 h of working time) ends about 16,800 years", "at most 100 years (MAX_DAYS)")
    path, args = write(tmp_path, "terms", _calendar_terms('{mon: ["09:00-10:00"]}', "  resolution: {urgent: 8h, high: 3bd, normal: 5bd, low: 5300bd}\n"))
    refused(invoke(*args), f"{path}:2:15: limit 5300bd on calendar 'support' (its week holds 1 working day) ends about 102 years")


def test_a_limit_of_100_years_on_a_calendar_that_always_works(tmp_path: Path) -> None:
    path, _ = write(tmp_path, "terms", _calendar_terms('{daily: ["00:00-24:00"]}', "  registration: 36525d\n  resolution: 36525bd\n"))
    assert load_terms(path).limits["registration"] == parse_limit("36525d")


def _records(tmp_path: Path, edit: dict) -> Path:
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    document["contract"].update(edit.get("contract", {}))
    for key in ("as_of",):
        if key in edit:
            document[key] = edit[key]
    path = tmp_path / "records.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_term_at_the_end_of_time_is_an_input_error(tmp_path: Path) -> None:
    # Issue 9: `effective_on: 9999-06-01` crashed the period arithmetic. Whether the records
    # loader refuses it or the check does, it is an input error, never an internal one.
    path = _records(tmp_path, {"contract": {"effective_on": "9999-06-01"}, "as_of": "9999-07-01T00:00:00+08:00"})
    refused(invoke(str(path)), "input error")


def test_calendar_arithmetic_that_never_ends_is_a_terms_error(tmp_path: Path) -> None:
    # Every working day a holiday for more than ten years: a business-hours deadline never comes.
    mondays = [date(2026, 11, 2) + timedelta(weeks=w) for w in range(600)]
    path, args = write(tmp_path, "terms", "calendars:\n  support:\n    timezone: Asia/Shanghai\n    hours: {mon: [\"09:00-18:00\"]}\n"
                                          f"    extra_holidays: [{', '.join(map(str, mondays))}]\nclocks:\n  registration: support\n")
    output = refused(invoke(*args), "terms error", "has no working")
    assert "a deadline on it would never come" in output
    with pytest.raises(TermsError) as raised:
        Checker(terms=load_terms(path)).check(load_records(SAMPLE))
    assert isinstance(raised.value.__cause__, ValueError)


def test_overflow_during_a_check_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from check_compliance.engine import check as check_module

    def overflowing(*args: object, **kwargs: object) -> None:
        raise OverflowError("date value out of range")

    def failing(*args: object, **kwargs: object) -> None:
        raise ValueError("not about dates")

    checker = Checker()
    monkeypatch.setattr(check_module.Checker, "_check", overflowing)
    with pytest.raises(InputError, match="outside the years 1 to 9999") as raised:
        checker.check(load_records(SAMPLE), source="month.json")
    assert raised.value.source == "month.json" and isinstance(raised.value, CheckError)
    # Any other ValueError is a bug: it is not dressed up as an input error.
    monkeypatch.setattr(check_module.Checker, "_check", failing)
    with pytest.raises(ValueError, match="not about dates"):
        checker.check(load_records(SAMPLE))
