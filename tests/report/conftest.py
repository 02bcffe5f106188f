"""The sample month checked once for the report tests, and its evaluation drafted."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_compliance import Checker, load_records, load_rulebook, load_terms
from check_compliance.engine.evaluation.indicators import load_indicators
from check_compliance.engine.evaluation.recommendations import load_recommendations

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "fixtures/sample-month.json"


@pytest.fixture(scope="session")
def sample() -> dict:
    records = load_records(ROOT / SAMPLE)
    terms = load_terms()
    checker = Checker(load_rulebook(), terms)
    indicators = load_indicators()
    recommendations = load_recommendations(indicators=tuple(i.id for i in indicators.indicators), rules=tuple(r.id for r in checker.rules))
    reports = {lang: checker.check(records, lang=lang, source=SAMPLE) for lang in ("en", "zh")}  # type: ignore[arg-type]
    return {"records": records, "terms": terms, "checker": checker, "indicators": indicators, "recommendations": recommendations, "reports": reports}
