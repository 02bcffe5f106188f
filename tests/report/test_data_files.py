"""rules/indicators.yaml and rules/recommendations.yaml: the shipped ones load; bad ones fail at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_compliance.engine.evaluation.indicators import load_indicators
from check_compliance.engine.evaluation.recommendations import Facts, load_recommendations
from check_compliance.obligations.errors import RulebookError
from check_compliance.obligations.rulebook import load_rulebook

RULES = tuple(r.id for r in load_rulebook().rules)
DEADLINES = ("first-response", "registration", "resolution", "feedback", "archive")
INDICATOR = """tolerances: {ratio: 0.005}
indicators:
  - id: x
    group: efficiency
    name: {zh: 甲, en: a}
    figure: FIGURE
    unit: ratio
"""


def test_the_shipped_files_load_against_the_shipped_rulebook() -> None:
    indicators = load_indicators(rules=DEADLINES)
    recommendations = load_recommendations(indicators=tuple(i.id for i in indicators.indicators), rules=RULES)
    assert {i.group for i in indicators.indicators} == {"satisfaction", "efficiency", "quality"}
    assert len(recommendations) >= 5


@pytest.mark.parametrize("figure, words, suggestion", [
    ("deadlines.first-responce.on_time_rate", "no deadline rule 'first-responce'", "first-response"),
    ("deadlines.first-response.rate", "expected deadlines.RULE.FIELD", None),
    ("satisfaction_man", "unknown figure", "satisfaction_mean"),
    ("first_response_seconds.p95", "expected first_response_seconds.p50", None),
])
def test_a_bad_figure_is_named_at_its_line(tmp_path: Path, figure: str, words: str, suggestion: str | None) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text(INDICATOR.replace("FIGURE", figure), encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        load_indicators(path, DEADLINES)
    problem = raised.value.problems[0]
    assert (problem.file, problem.line, problem.column) == (str(path), 6, 13)
    assert words in problem.message and problem.suggestion == suggestion


def test_an_unknown_key_and_a_bad_target_are_named(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text(INDICATOR.replace("FIGURE", "complaints") + "    traget: {gte: 1}\n  - id: y\n    group: quality\n    name: {zh: 乙, en: b}\n"
                    "    figure: complaints\n    unit: count\n    target: {gte: 1, lte: 2}\n", encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        load_indicators(path, DEADLINES)
    found = {(p.line, p.message.split(";")[0]) for p in raised.value.problems}
    assert (8, "unknown key 'traget'") in found
    assert any(line == 14 and "exactly one of gte" in message for line, message in found)
    assert next(p for p in raised.value.problems if p.line == 8).suggestion == "target"


@pytest.mark.parametrize("when, line_col, words", [
    ("{indicator: nope, lt: 1}", (3, 23), "unknown indicator 'nope'"),
    ("{breaches: first-responce, gte: 1}", (3, 22), "unknown rule 'first-responce'"),
    ("{indicator: first_response_on_time, less: 1}", (3, 11), "OP one of lt"),
    ("{indicator: first_response_on_time, lt: high}", (3, 51), "expected a number"),
    ("{any: []}", (3, 17), "non-empty list"),
    ("{concentrated: month}", (3, 11), "concentrated: channel"),
    ("{all: [{indicator: first_response_on_time, lt: 1}], any: []}", (3, 11), "stands alone"),
    ("{whatever: 1}", (3, 11), "unknown condition keys"),
])
def test_a_bad_condition_is_named_at_its_line(tmp_path: Path, when: str, line_col: tuple[int, int], words: str) -> None:
    path = tmp_path / "recommendations.yaml"
    path.write_text(f"recommendations:\n  - id: r\n    when: {when}\n    text: {{zh: 甲, en: a}}\n", encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        load_recommendations(path, ("first_response_on_time",), RULES)
    problem = raised.value.problems[0]
    assert (problem.line, problem.column) == line_col, problem
    assert words in problem.message


def test_not_a_yaml_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "recommendations.yaml"
    path.write_text("recommendations: [\n", encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        load_recommendations(path)
    assert raised.value.problems[0].file == str(path)


@pytest.mark.parametrize("value, holds", [(0.9499, True), (0.95, False), (None, False)])
def test_a_condition_at_its_boundary(tmp_path: Path, value: float | None, holds: bool) -> None:
    path = tmp_path / "recommendations.yaml"
    path.write_text("recommendations:\n  - id: r\n    when: {not: {not: {indicator: first_response_on_time, lt: 0.95}}}\n    text: {zh: 甲, en: a}\n", encoding="utf-8")
    [rec] = load_recommendations(path, ("first_response_on_time",), RULES)
    assert rec.when.holds(Facts(indicators={"first_response_on_time": value}, breaches={}, concentrated=frozenset())) is holds


def test_the_rulebook_does_not_read_the_data_files_as_rules() -> None:
    assert "indicators" not in RULES and len(RULES) == 14
