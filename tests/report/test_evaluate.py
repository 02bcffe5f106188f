"""`evaluate`: the 2.3 draft of a period, its four sections, golden Markdown, exit codes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from check_compliance.cli import main
from check_compliance.engine.evaluation.draft import evaluate, find_period
from check_compliance.engine.evaluation.render import markdown
from check_compliance.obligations.errors import CheckError

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_matches_its_golden_file(lang: str) -> None:
    result = CliRunner().invoke(main, ["evaluate", "fixtures/sample-month.json", "--period", "2026-10", "--lang", lang])
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"evaluation-2026-10.{lang}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8")


def test_the_four_sections_in_the_contract_order(sample: dict) -> None:
    text = CliRunner().invoke(main, ["evaluate", "fixtures/sample-month.json", "--period", "2026-10"]).output
    positions = [text.index(title) for title in ("一、评估方法", "二、评估结果", "三、存在问题", "四、改进建议")]
    assert positions == sorted(positions)


def test_indicators_against_targets_and_recommendations_follow_the_figures(sample: dict) -> None:
    report = sample["reports"]["en"]
    ev = evaluate(report, sample["records"], sample["terms"], sample["indicators"], sample["recommendations"], "2026-10")
    by_id = {i.id: i for i in ev.indicators}
    assert by_id["satisfaction_mean"].value == report.periods[9].satisfaction_mean == 3.76
    assert by_id["satisfaction_mean"].met is False  # target 4.0
    assert by_id["first_response_on_time"].met is True
    assert [r.id for r in ev.recommendations] == ["registration-discipline", "satisfaction", "channels-open"]
    # 37 breaches in all; EV-2026-09's missing recommendations belong to September, not October.
    assert ev.breaches == 36
    assert sum(g.count for g in ev.problems) == 36
    assert {g.rule for g in ev.problems} >= {"first-response", "report-due", "channels-open", "disclosure-consent"}
    september = evaluate(report, sample["records"], sample["terms"], sample["indicators"], sample["recommendations"], "2026-09")
    assert [g.rule for g in september.problems] == ["evaluation-recommendations"]


@pytest.mark.parametrize("wanted, index", [("2026-10", 9), ("2026-10-31", 9), ("2026-10-01/2026-10-31", 9), ("2026-01", 0)])
def test_a_period_named_as_a_month_a_day_or_its_key(sample: dict, wanted: str, index: int) -> None:
    assert find_period(sample["reports"]["en"].periods, wanted) == index


@pytest.mark.parametrize("wanted, words", [("2027-03", "in no evaluation period"), ("October", "expected a month")])
def test_a_period_outside_the_check_exits_2(wanted: str, words: str) -> None:
    result = CliRunner().invoke(main, ["evaluate", "fixtures/sample-month.json", "--period", wanted])
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output


def test_a_bad_recommendations_file_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "recs.yaml"
    bad.write_text("recommendations:\n  - id: x\n    when: {indicator: first_responce_on_time, lt: 0.9}\n    text: {zh: 甲, en: a}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "fixtures/sample-month.json", "--period", "2026-10", "--recommendations", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.output and "first_response_on_time" in result.output  # the place, and the suggestion


def test_markdown_shows_each_indicator_value_as_the_json_report_has_it(sample: dict) -> None:
    report = sample["reports"]["en"]
    ev = evaluate(report, sample["records"], sample["terms"], sample["indicators"], sample["recommendations"], "2026-10")
    text = markdown(ev)
    figures = report.periods[9]
    assert f"| {figures.deadlines['first-response'].on_time_rate * 100:.2f}% |" in text
    assert f"| {figures.satisfaction_mean:.2f} |" in text
    assert f"| {figures.satisfaction_count} |" in text


def test_unknown_period_raises_a_check_error(sample: dict) -> None:
    with pytest.raises(CheckError):
        find_period(sample["reports"]["en"].periods, "1999-01")
