"""durable_rules, driven the way DURABLE_RULES.md measured exactly right. The only module importing it.

- One ruleset per compiled program, created once from plain JSON straight through the C entry
  points: no `durable.lang`, no stock `Host`, so no timer thread and no actions run behind our back.
- Facts go in bounded batches into one session, ids unique within the batch (the engine's message
  identity), and are retracted afterwards so the session is reused, never deleted. Facts come as
  dicts (`run`) or by column (`run_columns`, JSON written natively by engine/factcolumns.py).
- Every rule has `cap`, so one action hands over all of a batch's matches; actions are pumped
  synchronously (`start_action_for_state` / `complete_and_start_action`) before the batch returns.
- Every result code is read. Each fact is asserted on its own, so its own code proves it was taken
  (0 matched, 1 matched nothing, 2 dropped): a dropped fact is an `EngineError`, never a silently
  smaller report. (This replaced a `$seen` rule every fact matched, whose matches were counted:
  the same proof, and the driver went from ~47-59k to ~100-118k facts/s on 100k facts.)
- Batches are retracted by ids only (`{"sid", "id"}`), not by re-sending the facts.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import orjson

from check_compliance.engine.compiler import CompiledRule, Program
from check_compliance.engine.conditions import to_durable
from check_compliance.engine.factcolumns import FactColumns, fact_texts
from check_compliance.obligations.errors import EngineError, Problem


def _import_engine():  # type: ignore[no-untyped-def]
    """durable_rules' C extension, bound lazily.

    2.0.28 names `PyEval_CallObject` (gone since Python 3.13) only inside its storage callbacks,
    which this runtime never sets (the `set_*_callback` functions are never called): resolving
    symbols when first called, not at load, lets it import on 3.13 and changes nothing before.
    """
    flags = sys.getdlopenflags()
    sys.setdlopenflags((flags & ~os.RTLD_NOW) | os.RTLD_LAZY)
    try:
        import durable_rules_engine
    finally:
        sys.setdlopenflags(flags)
    return durable_rules_engine


engine = _import_engine()


BATCH = 500  # far below the sizes at which message hashes collide or action tables overflow
_SID = "1"
_OK = 0
_TAKEN = (0, 1)  # assert_fact: matched a rule / matched none; 2 = dropped
_NAMES = itertools.count()
T = TypeVar("T")


class DurableRuntime:
    """Owns one durable_rules ruleset for one program; reusable for any number of checks."""

    def __init__(self, program: Program, batch: int = BATCH) -> None:
        if not 1 <= batch <= BATCH:
            raise ValueError(f"batch must be between 1 and {BATCH}")
        self.batch = batch
        self._outcomes: dict[str, tuple[CompiledRule, str]] = {}
        definition: dict[str, dict] = {}
        for index, compiled in enumerate(program.rules):
            for outcome, condition in compiled.outcomes.items():
                name = f"r{index}_{outcome}"
                self._outcomes[name] = (compiled, outcome)
                definition[name] = {"all": [{"m": to_durable(condition)}], "cap": batch}
        self._name = f"check-compliance-{next(_NAMES)}"
        try:
            self._handle = engine.create_ruleset(self._name, json.dumps(definition, ensure_ascii=False))
        except Exception as error:  # the C extension raises bare Exceptions with a code
            raise EngineError("durable_rules", [Problem("create_ruleset", str(error))]) from error

    def run(self, facts: Iterable[tuple[dict, T]]) -> Iterator[tuple[CompiledRule, str, dict, T]]:
        """Decide every fact; yield `(rule, outcome, fact, subject)` for each match."""
        for chunk in _chunks(facts, self.batch):
            yield from self._run_batch(chunk)

    def _run_batch(self, chunk: list[tuple[dict, T]]) -> Iterator[tuple[CompiledRule, str, dict, T]]:
        texts = [orjson.dumps(dict(fact, sid=_SID, id=str(i))).decode() for i, (fact, _) in enumerate(chunk)]
        for i, name in self._decide(texts, 0, len(texts)):
            compiled, outcome = self._outcomes[name]
            yield compiled, outcome, chunk[i][0], chunk[i][1]

    def run_columns(self, facts: FactColumns) -> Iterator[tuple[CompiledRule, str, int]]:
        """Decide every fact of `facts`; yield `(rule, outcome, i)` for each match, in fact order.

        Each fact's JSON is written natively, by column (engine/factcolumns.py): no dict per fact.
        """
        texts = fact_texts(facts, _SID)
        for start in range(0, facts.n, self.batch):
            for i, name in self._decide(texts, start, min(start + self.batch, facts.n)):
                compiled, outcome = self._outcomes[name]
                yield compiled, outcome, i

    def _decide(self, texts: list[str], start: int, end: int) -> list[tuple[int, str]]:
        """Facts `texts[start:end]` (ids `"start"`…) into the session, their matches `(id, rule)` out, sorted.

        Each fact is asserted on its own and its own result code is the proof it was taken: 0
        matched a rule, 1 matched none, 2 dropped (a message-identity collision), anything else an
        error. That proof costs about what no accounting costs (DURABLE_RULES.md), where a `$seen`
        rule every fact matches costs a third of the time. The batch is then retracted by ids only.
        """
        assert_fact, handle, state = engine.assert_fact, self._handle, None
        for i in range(start, end):
            try:
                code, state = assert_fact(handle, texts[i])
            except Exception as error:
                raise EngineError("durable_rules", [Problem("assert_fact", str(error))]) from error
            if code not in _TAKEN:
                raise EngineError("durable_rules", [Problem("accounting", f"fact {i - start} of a batch of {end - start} came back with result code {code}" + (" (dropped)" if code == 2 else ""))])
        matches: set[tuple[int, str]] = set()  # a `$or` yields one match per branch that holds
        if state is not None:
            for name, ids in self._pump(state):
                matches.update((i, name) for i in ids)
        retract = "[" + ",".join(f'{{"sid":"{_SID}","id":"{i}"}}' for i in range(start, end)) + "]"
        code, _ = self._call("retract_facts", engine.retract_facts, handle, retract)
        if code != _OK:
            raise EngineError("durable_rules", [Problem("retract_facts", f"result code {code}")])
        return sorted(matches)

    def _pump(self, state: int) -> Iterator[tuple[str, list[int]]]:
        """Run the session's pending actions synchronously: each rule's matched fact ids."""
        result = self._call("start_action_for_state", engine.start_action_for_state, self._handle, state)
        message = orjson.loads(result[1]) if result else None
        while message:
            for name, matched in message.items():
                yield name, [int(item["m"]["id"]) for item in (matched if isinstance(matched, list) else [matched])]
            following = self._call("complete_and_start_action", engine.complete_and_start_action, self._handle, state)
            message = orjson.loads(following) if following else None

    @staticmethod
    def _call(what: str, function, *args):  # type: ignore[no-untyped-def]
        try:
            return function(*args)
        except Exception as error:
            raise EngineError("durable_rules", [Problem(what, str(error))]) from error


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a check loads and judges (what exists is frozen first).

    A check allocates millions of objects that live until it ends and form no cycles worth
    collecting; the collector's passes over them were a fifth of the time (COLUMNAR.md): measured
    on 100k JSON Lines, 11.9 s CPU with it, 8.9 s without, the same report and peak memory.
    """
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
