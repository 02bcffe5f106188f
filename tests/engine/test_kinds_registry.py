"""The rule kinds live in one place: the registry covers every kind of the rulebook's schema, no other
module switches on a kind, and the period figures count what the compiled conditions decide."""

from __future__ import annotations

import re
import typing
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from randomdocs import document

from check_compliance import Checker
from check_compliance.engine.kinds import KINDS
from check_compliance.obligations.loading import validate_records
from check_compliance.obligations.rulebook import Rule

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = typing.get_args(typing.get_args(Rule)[0])


def test_every_kind_of_the_schema_has_its_module_and_no_other() -> None:
    assert {schema.model_fields["kind"].default for schema in SCHEMAS} == set(KINDS)
    for name, kind in KINDS.items():
        assert kind.schema.model_fields["kind"].default == name
        assert type(kind).__module__ == f"check_compliance.engine.kinds.{name}"


def test_no_module_outside_the_kinds_names_a_kind_schema() -> None:
    # `isinstance(rule, DeadlineRule)` chains were how a kind used to be spread over six files.
    names = re.compile(r"\b(" + "|".join(schema.__name__ for schema in SCHEMAS) + r")\b")
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("engine/**/*.py"), ROOT / "cli.py", *ROOT.glob("obligations/**/*.py")]
        if "kinds" not in path.parts and path.name != "rulebook.py" and names.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


_CHECKER = Checker()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), size=st.integers(0, 80), as_of_days=st.floats(0, 70))
def test_the_period_figures_count_exactly_the_engine_s_late_and_overdue_findings(seed: int, size: int, as_of_days: float) -> None:
    report = _CHECKER.check(validate_records(document(seed, size, as_of_days)))
    found = Counter((f.rule, f.outcome) for f in report.findings if f.subject.type == "complaint" and f.outcome in ("late", "overdue"))
    counted: Counter = Counter()
    for period in report.periods:
        for rule, figures in period.deadlines.items():
            counted[(rule, "late")] += figures.late
            counted[(rule, "overdue")] += figures.overdue
    assert +counted == found


def test_the_readers_interface_block_in_fact_columns_out() -> None:
    from check_compliance.engine.compiler import compile_program
    from check_compliance.engine.facts import FactBuilder
    from check_compliance.engine.kinds import complaint_columns
    from check_compliance.obligations.blocks import from_complaints
    from check_compliance.obligations.loading import parse_records
    from check_compliance.obligations.rulebook import load_rulebook
    from check_compliance.obligations.terms import load_terms

    records = parse_records((ROOT / "fixtures" / "sample-month.json").read_text(encoding="utf-8"))
    program = compile_program(load_rulebook(), load_terms())
    columns = complaint_columns(program, records.contract, records.as_of, from_complaints(records.complaints))
    assert columns.size == len(records.complaints) == 300
    # named as the compiled conditions read them; obs absent where the event has not happened
    assert {"in_term", "asof", "r_status", "due_1", "risk_1", "obs_1", "p_3_0"} <= set(columns.values)
    assert not columns.has("obs_1").all() and columns.has("due_1").all()
    engine_path = [fact for fact, _ in FactBuilder(program, records.contract, records.as_of).complaint_facts(records.complaints)]
    assert columns.rows() == engine_path
