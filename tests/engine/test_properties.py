"""Properties on random records: the engine agrees with the plain evaluator, and findings behave."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from randomdocs import document

from check_compliance import Checker
from check_compliance.engine.plain import PlainRuntime
from check_compliance.engine.reporters import render
from check_compliance.obligations.loading import validate_records

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DURABLE = Checker()
_PLAIN = Checker(runtime=PlainRuntime)


def _json(checker: Checker, doc: dict) -> str:
    return render(checker.check(validate_records(doc)), "json")


@SETTINGS
@given(seed=st.integers(0, 2**32), size=st.integers(0, 60), as_of_days=st.floats(0, 70))
# A complaint whose feedback had not started: durable_rules compared with its absent `due` and
# (on Python 3.10 builds) found it both at risk and overdue. Facts now always carry a deadline's fields.
@example(seed=0, size=30, as_of_days=1.0)
def test_durable_rules_and_the_plain_evaluator_agree(seed: int, size: int, as_of_days: float) -> None:
    doc = document(seed, size, as_of_days)
    assert _json(_DURABLE, doc) == _json(_PLAIN, doc)


@settings(max_examples=2, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_they_agree_on_a_month_big_enough_for_many_batches(seed: int) -> None:
    doc = document(seed, 5000, 40)
    durable = _DURABLE.check(validate_records(doc))
    assert durable.summary.findings > 500  # the month really exercises the engine
    assert durable == _PLAIN.check(validate_records(doc))


@SETTINGS
@given(seed=st.integers(0, 2**32), size=st.integers(1, 40))
def test_a_month_meeting_every_deadline_has_no_finding(seed: int, size: int) -> None:
    report = _DURABLE.check(validate_records(document(seed, size, 60, compliant=True)))
    assert report.findings == []


FULFILMENTS = ("registered_at", "first_response_at", "feedback_at", "archived_at", "resolved_at")


@SETTINGS
@given(seed=st.integers(0, 2**32), size=st.integers(1, 30), pick=st.integers(0, 10**6), event=st.sampled_from(FULFILMENTS), hours=st.floats(0.001, 400))
def test_moving_a_fulfilment_later_never_removes_a_breach(seed: int, size: int, pick: int, event: str, hours: float) -> None:
    doc = document(seed, size, 45)
    later = copy.deepcopy(doc)
    target = later["complaints"][pick % size]
    if event not in target:
        return
    rules = None
    if event == "resolved_at":
        # resolved_at also anchors feedback and archiving, whose deadlines rightly move with it:
        # only the resolution obligation must stay breached. Moved alone, it must stay consistent.
        if "feedback_at" in target or "archived_at" in target:
            return
        rules = {"resolution"}
    target[event] = _shifted(target[event], timedelta(hours=hours))
    before = _breaches(doc, rules)
    assert before <= _breaches(later, rules)


def _breaches(doc: dict, rules: set[str] | None) -> set[tuple[str, str]]:
    findings = _DURABLE.check(validate_records(doc)).findings
    return {(f.rule, f.subject.id) for f in findings if f.severity == "error" and (rules is None or f.rule in rules)}


def _shifted(stamp: str, shift: timedelta) -> str:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")) + shift
    return moment.isoformat()


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_output_is_byte_identical_across_runs_and_checkers(seed: int) -> None:
    doc = document(seed, 50, 45)
    assert _json(_DURABLE, doc) == _json(Checker(), doc)
    assert render(_DURABLE.check(validate_records(doc)), "text") == render(Checker().check(validate_records(doc)), "text")


@SETTINGS
@given(seed=st.integers(0, 2**32), size=st.integers(0, 60), as_of_days=st.floats(0, 70))
def test_period_figures_agree_with_the_findings(seed: int, size: int, as_of_days: float) -> None:
    report = _DURABLE.check(validate_records(document(seed, size, as_of_days)))
    for rule in ("first-response", "registration", "resolution", "feedback", "archive"):
        for outcome in ("late", "overdue"):
            found = sum(1 for f in report.findings if f.rule == rule and f.outcome == outcome)
            counted = sum(getattr(p.deadlines[rule], outcome) for p in report.periods)
            assert found == counted, (rule, outcome)
    assert sum(p.complaints for p in report.periods) == report.summary.checked["complaints"]


def test_a_text_past_durable_rules_length_limit_still_compares_right() -> None:
    # durable_rules takes string lengths modulo 65,536: "contract" followed by 65,536 more
    # characters would read as "contract" there, and the breach would be lost.
    doc = document(1, 0, 30)
    doc["disclosures"] = [{"id": "D-1", "party": "A", "information": "x", "purpose": "contract" + " " * 65536, "at": "2026-10-05T10:00:00+08:00"},
                          {"id": "D-2", "party": "A", "information": "x", "purpose": "contract" + "x" * 65536, "at": "2026-10-05T10:00:00+08:00"}]
    durable = _DURABLE.check(validate_records(doc))
    assert durable == _PLAIN.check(validate_records(doc))
    assert [f.subject.id for f in durable.findings if f.rule == "disclosure-purpose"] == ["D-2"]  # D-1 is "contract" with blanks
