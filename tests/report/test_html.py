"""The HTML page: valid HTML5, self-contained, byte-identical whatever TZ/LANG, every number equal to the JSON report's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from html_numbers import at, numbers, strict
from hypothesis import given, settings
from hypothesis import strategies as st

from check_compliance.engine.evaluation.draft import evaluate
from check_compliance.engine.evaluation.render import html as evaluation_html
from check_compliance.engine.reporters import json_format
from check_compliance.engine.reporters.html import page, sparkline

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pages(sample: dict) -> dict[str, str]:
    made = {lang: page(sample["reports"][lang], sample["records"], sample["terms"]) for lang in ("en", "zh")}
    ev = evaluate(sample["reports"]["zh"], sample["records"], sample["terms"], sample["indicators"], sample["recommendations"], "2026-10")
    made["evaluation"] = evaluation_html(ev)
    return made


@pytest.mark.parametrize("name", ["en", "zh", "evaluation"])
def test_the_page_is_valid_html5(pages: dict[str, str], name: str) -> None:
    strict(pages[name])  # raises ParseError on the first parse error


@pytest.mark.parametrize("name", ["en", "zh", "evaluation"])
def test_nothing_is_fetched_at_view_time(pages: dict[str, str], name: str) -> None:
    text = pages[name]
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)=', text)
    assert "http://" not in text.replace("http://www.w3.org/", "") and "https://" not in text


def test_the_check_page_has_its_sections_and_five_charts(pages: dict[str, str]) -> None:
    text = pages["en"]
    for section in ('id="verdict"', 'id="obligations"', 'id="charts"', 'id="findings"', 'id="periods"'):
        assert section in text
    assert re.findall(r'data-chart="(\w+)"', text) == ["rates", "times", "heatmap", "channels", "satisfaction"]
    assert text.count('<div class="card"') == 14
    assert "@media print" in text and 'name="viewport"' in text


@pytest.mark.parametrize("name", ["en", "zh", "evaluation"])
def test_every_number_shown_equals_the_json_report(sample: dict, pages: dict[str, str], name: str) -> None:
    lang = "zh" if name == "evaluation" else name
    document = json.loads(json_format.render(sample["reports"][lang]))
    shown = numbers(pages[name])
    assert len(shown) > (10 if name == "evaluation" else 40)
    for src, value in shown:
        assert float(value) == pytest.approx(float(at(document, src)), abs=0), src


@pytest.mark.slow
def test_the_page_is_byte_identical_across_runs_time_zones_and_locales(tmp_path: Path) -> None:
    outputs = []
    for tz, lang in (("UTC", "C"), ("America/New_York", "zh_CN.UTF-8"), ("Asia/Kolkata", "de_DE.UTF-8")):
        target = tmp_path / f"{tz.replace('/', '-')}.html"
        env = {**os.environ, "TZ": tz, "LANG": lang, "LC_ALL": lang}
        subprocess.run([sys.executable, "-m", "check_compliance", "fixtures/sample-month.json", "--format", f"html:{target}", "--format", "text", "--jobs", "1" if tz == "UTC" else "2"],
                       cwd=ROOT, env=env, capture_output=True, check=False)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_waived_known_and_not_checked_are_marked(sample: dict) -> None:
    from check_compliance.engine.coverage import apply_not_tracked
    from check_compliance.engine.findings import Waived

    report = sample["reports"]["en"]
    first, second = report.findings[0], report.findings[1]
    marked = [first.model_copy(update={"waived": Waived(waiver=1, reason="agreed", approved_by="Li", expires="2026-12-31")}),
              second.model_copy(update={"baseline": "known"}), *report.findings[2:]]
    report = apply_not_tracked(report.with_findings(marked), {"feedback": "the export has no feedback time"})
    text = page(report, sample["records"], sample["terms"])
    assert '<tr data-status="waived">' in text and '<tr data-status="known">' in text
    assert 'class="tag not-checked"' in text and "the export has no feedback time" in text


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=40))
def test_a_sparkline_draws_one_point_per_period(values: list[int]) -> None:
    svg = sparkline(values)
    points = re.search(r'points="([^"]*)"', svg).group(1).split()  # type: ignore[union-attr]
    assert len(points) == len(values)
    assert svg.count("<circle") == sum(1 for v in values if v)
