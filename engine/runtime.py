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
- The ruleset and its session are C memory durable_rules never frees by itself: `close()` deletes
  both (the session first: deleting the ruleset alone left ~3 MB a check), and so does the
  collection of the runtime. A session a failed batch left mid-way is never deleted (durable_rules
  corrupts its heap deleting a session with actions pending): that runtime refuses to run again.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import sys
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import orjson

from check_compliance.engine.compiler import CompiledRule, Program
from check_compliance.engine.conditions import to_durable
from check_compliance.engine.escaping import without_surrogates
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
    """Owns one durable_rules ruleset for one program; reusable for any number of checks.

    Safe to share between threads: they share the one ruleset and its session, and a lock lets one
    batch at a time through it (assert, actions, retract), so every batch sees only its own facts.
    Threads gain nothing by running batches at once anyway: the C code never releases the GIL.
    """

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
        self._lock = threading.Lock()
        try:
            self._handle = engine.create_ruleset(self._name, json.dumps(definition, ensure_ascii=False))
        except Exception as error:  # the C extension raises bare Exceptions with a code
            raise EngineError("durable_rules", [Problem("create_ruleset", str(error))]) from error
        # What the finalizer must know without holding `self`: whether a session exists, and
        # whether it is in a state durable_rules can delete.
        self._session = {"opened": False, "settled": True, "acted": False}
        self._release = weakref.finalize(self, _delete_ruleset, self._handle, self._session)

    def close(self) -> None:
        """Delete the ruleset (idempotent); a closed runtime refuses to run."""
        with self._lock:
            self._release()

    @property
    def closed(self) -> bool:
        return not self._release.alive

    def run(self, facts: Iterable[tuple[dict, T]]) -> Iterator[tuple[CompiledRule, str, dict, T]]:
        """Decide every fact; yield `(rule, outcome, fact, subject)` for each match."""
        for chunk in _chunks(facts, self.batch):
            # Matches are collected under the lock and yielded after it: a consumer that stops
            # half-way never leaves the ruleset locked or holding a batch's facts.
            with self._lock:
                self._usable()
                matches = list(self._run_batch(chunk))
            yield from matches

    def _run_batch(self, chunk: list[tuple[dict, T]]) -> Iterator[tuple[CompiledRule, str, dict, T]]:
        texts = [_fact_text(dict(fact, sid=_SID, id=str(i))) for i, (fact, _) in enumerate(chunk)]
        for i, name in self._settled_decide(texts, 0, len(texts)):
            compiled, outcome = self._outcomes[name]
            yield compiled, outcome, chunk[i][0], chunk[i][1]

    def run_columns(self, facts: FactColumns) -> Iterator[tuple[CompiledRule, str, int]]:
        """Decide every fact of `facts`; yield `(rule, outcome, i)` for each match, in fact order.

        Each fact's JSON is written natively, by column (engine/factcolumns.py): no dict per fact.
        """
        texts = fact_texts(facts, _SID)
        for start in range(0, facts.n, self.batch):
            with self._lock:
                self._usable()
                matches = self._settled_decide(texts, start, min(start + self.batch, facts.n))
            for i, name in matches:
                compiled, outcome = self._outcomes[name]
                yield compiled, outcome, i

    def _usable(self) -> None:
        if self.closed:
            raise EngineError("durable_rules", [Problem("run", "this checker was closed: create another one")])
        if not self._session["settled"]:
            raise EngineError("durable_rules", [Problem("run", "an earlier batch failed half-way, leaving the engine's state unknown: create another checker")])

    def _settled_decide(self, texts: list[str], start: int, end: int) -> list[tuple[int, str]]:
        # Marked unsettled while a batch is in the session: if it fails half-way, the session is
        # never reused nor deleted (see the module's docstring).
        self._session.update(opened=True, settled=False)
        matches = self._decide(texts, start, end)
        self._session["settled"] = True
        return matches

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
        if message:
            self._session["acted"] = True
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


def _fact_text(fact: dict) -> str:
    try:
        return orjson.dumps(fact).decode()
    except TypeError as error:
        if any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in fact.values()):
            # durable_rules' numbers are 64-bit: a limit of a billion days is past them in µs.
            key = next(k for k, v in fact.items() if isinstance(v, int) and not -(2**63) <= v < 2**63)
            raise OverflowError(f"fact field {key!r} exceeds the engine's 64-bit integers") from error
        # A lone surrogate in a record's text is not UTF-8: compared as U+FFFD it still equals
        # no rule's literal. Only a fact holding one pays for the second pass.
        return orjson.dumps(without_surrogates(fact)).decode()


def _delete_ruleset(handle: object, session: dict[str, bool]) -> None:
    if not session["settled"]:
        return  # leaked on purpose: deleting it could corrupt the process's heap
    try:
        # durable_rules 2.0.28 aborts the process (free(): invalid pointer) deleting a session in
        # which no action ever ran, e.g. a clean month's: such a session holds no facts (every
        # batch was retracted) and is left to the ruleset's deletion.
        if session["opened"] and session["acted"]:
            engine.delete_state(handle, _SID)
        engine.delete_ruleset(handle)
    except Exception:  # noqa: BLE001 - at collection or exit nothing can be done about it
        pass


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
