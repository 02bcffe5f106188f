"""One evaluation from files: check the records, then draft the period's report (what `evaluate` runs)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal, Optional

from check_compliance.engine.check import Checker
from check_compliance.engine.evaluation.draft import Evaluation, evaluate
from check_compliance.engine.evaluation.indicators import load_indicators
from check_compliance.engine.evaluation.recommendations import load_recommendations
from check_compliance.obligations.rulebook import load_rulebook
from check_compliance.obligations.sources import load_records
from check_compliance.obligations.terms import load_terms


def evaluation(records_path: str, period: str, *, as_of: Optional[datetime] = None, lang: Literal["zh", "en"] = "zh", rules_dir: Optional[Path] = None,
               terms_file: Optional[Path] = None, indicators_file: Optional[Path] = None, recommendations_file: Optional[Path] = None) -> Evaluation:
    """Check the records at `records_path` and draft the report of `period` (see `evaluate`)."""
    terms = load_terms(terms_file)
    rulebook = load_rulebook(rules_dir)
    checker = Checker(rulebook, terms)
    deadlines = tuple(r.id for r in rulebook.rules if r.kind == "deadline")
    indicators = load_indicators(indicators_file, deadlines)
    recommendations = load_recommendations(recommendations_file, tuple(i.id for i in indicators.indicators), tuple(r.id for r in rulebook.rules))
    records = load_records(records_path)
    moment = as_of
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=records.contract.zone)
    checker.indicators = indicators  # the audit of claimed figures uses the same definitions
    report = checker.check(records, as_of=moment, lang=lang, source=records_path)
    terms_name = str(terms_file) if terms_file is not None else "default terms (rules/terms.yaml)"
    return evaluate(report, records, terms, indicators, recommendations, period, terms_name)


def draft(records_path: str, period: str, format_name: str, **options: object) -> str:
    """The period's report rendered as `markdown` or `html`."""
    from check_compliance.engine.evaluation import render

    drafted = evaluation(records_path, period, **options)  # type: ignore[arg-type]
    return render.html(drafted) if format_name == "html" else render.markdown(drafted)
