"""Properties on random months: every number the page and the 2.3 draft show is the JSON report's."""

from __future__ import annotations

import json

import pytest
from html_numbers import at, numbers, strict
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from randomdocs import document

from check_compliance.engine.evaluation.draft import evaluate
from check_compliance.engine.evaluation.render import html as evaluation_html
from check_compliance.engine.evaluation.render import markdown, value_text
from check_compliance.engine.reporters import json_format
from check_compliance.engine.reporters.html import page
from check_compliance.obligations.sources import load_records


@pytest.mark.slow
# No shrinking: each example draws a page (about 2 s); the failing seed and size are shown as drawn.
@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), complaints=st.integers(0, 40), lang=st.sampled_from(["en", "zh"]))
def test_every_number_shown_is_the_json_reports(sample: dict, seed: int, complaints: int, lang: str) -> None:
    records = load_records(document(seed, complaints))
    report = sample["checker"].check(records, lang=lang)
    truth = json.loads(json_format.render(report))
    drafted = evaluate(report, records, sample["terms"], sample["indicators"], sample["recommendations"], "2026-10")
    for text in (page(report, records, sample["terms"]), evaluation_html(drafted)):
        strict(text)
        for src, value in numbers(text):
            assert float(value) == float(at(truth, src)), src
    # The Markdown shows each indicator as the JSON report's figure, formatted.
    text = markdown(drafted)
    for result in drafted.indicators:
        shown = value_text(result.value, result.unit, lang)
        assert result.value == (None if _figure(truth, drafted.period_index, result.figure) is None else float(_figure(truth, drafted.period_index, result.figure)))
        assert f"| {shown} |" in text


def _figure(truth: dict, index: int, figure: str) -> object:
    current: object = truth["periods"][index]
    for part in figure.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current
