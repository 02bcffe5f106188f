"""The feed into durable_rules: facts by column, written natively, each fact's own result code the proof.

durable_rules' answers on fact columns must be the plain evaluator's on the same facts; a fact the
engine drops (result code 2) must stop the check with an `EngineError`, never shrink the report.
"""

from __future__ import annotations

from collections import defaultdict

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from randomdocs import document

from check_compliance.engine import factcolumns, runtime
from check_compliance.engine.compiler import compile_program
from check_compliance.engine.factcolumns import fact_texts, from_facts
from check_compliance.engine.facts import FactBuilder
from check_compliance.engine.plain import PlainRuntime
from check_compliance.engine.runtime import DurableRuntime
from check_compliance.obligations.errors import EngineError
from check_compliance.obligations.loading import validate_records
from check_compliance.obligations.rulebook import load_rulebook
from check_compliance.obligations.terms import load_terms

PROGRAM = compile_program(load_rulebook(), load_terms())


def _facts(seed: int, size: int, as_of_days: float) -> dict[str, list[dict]]:
    records = validate_records(document(seed, size, as_of_days))
    builder = FactBuilder(PROGRAM, records.contract, records.as_of)  # type: ignore[arg-type]
    by_subject: dict[str, list[dict]] = defaultdict(list)
    for fact, _ in builder.facts(records):
        by_subject[fact["t"]].append(fact)
    return by_subject


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), size=st.integers(0, 700), as_of_days=st.floats(0, 70), batch=st.sampled_from([1, 7, 500]))
def test_durable_rules_on_fact_columns_agrees_with_the_plain_evaluator(seed: int, size: int, as_of_days: float, batch: int) -> None:
    durable, plain = DurableRuntime(PROGRAM, batch=batch), PlainRuntime(PROGRAM)
    for subject, facts in _facts(seed, size, as_of_days).items():
        columns = from_facts(subject, facts)
        assert [columns.fact(i) for i in range(columns.n)] == facts  # the columns hold exactly the facts
        decided = [(c.rule.id, outcome, i) for c, outcome, i in durable.run_columns(columns)]
        expected = [(c.rule.id, outcome, i) for c, outcome, _, i in plain.run((fact, i) for i, fact in enumerate(facts))]
        assert sorted(decided) == sorted(expected)
        # Today's per-fact dicts through the same driver: the same matches.
        assert sorted((c.rule.id, o, i) for c, o, _, i in durable.run((fact, i) for i, fact in enumerate(facts))) == sorted(expected)


def test_a_fact_text_omits_what_the_fact_does_not_carry() -> None:
    columns = from_facts("complaint", [{"t": "complaint", "a": 1, "s": 'say "hi"\\n', "b": True}, {"t": "complaint", "a": 2}])
    first, second = (orjson.loads(text) for text in fact_texts(columns, "1"))
    assert first == {"t": "complaint", "sid": "1", "id": "0", "a": 1, "s": 'say "hi"\\n', "b": True}
    assert second == {"t": "complaint", "sid": "1", "id": "1", "a": 2}  # no "s": null, no "b": false


def test_a_dropped_fact_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = _facts(5, 50, 40)["complaint"]
    columns = from_facts("complaint", facts)
    real = factcolumns.fact_texts

    def colliding(facts: factcolumns.FactColumns, sid: str) -> list[str]:
        texts = real(facts, sid)
        # Fact 3 reuses fact 2's id: the engine has observed it already and drops it (code 2).
        return texts[:3] + [texts[3].replace('"id":"3"', '"id":"2"', 1)] + texts[4:]

    monkeypatch.setattr(runtime, "fact_texts", colliding)
    with pytest.raises(EngineError, match="result code 2 .dropped"):
        list(DurableRuntime(PROGRAM).run_columns(columns))


def test_a_fact_dropped_from_a_dict_batch_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = _facts(6, 50, 40)["complaint"]
    real = orjson.dumps
    calls = {"n": 0}

    def same_id(value: object) -> bytes:
        calls["n"] += 1
        if isinstance(value, dict) and value.get("id") == "5":
            value = dict(value, id="4")
        return real(value)

    monkeypatch.setattr(runtime.orjson, "dumps", same_id)
    with pytest.raises(EngineError, match="dropped"):
        list(DurableRuntime(PROGRAM).run((fact, None) for fact in facts))
