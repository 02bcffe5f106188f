"""durable_rules, driven the way DURABLE_RULES.md measured exactly right. The only module importing it.

- One ruleset per compiled program, created once from plain JSON straight through the C entry
  points: no `durable.lang`, no stock `Host`, so no timer thread and no actions run behind our back.
- Facts go in bounded batches into one session, ids `"0"`…`"n-1"` unique within the batch (the
  engine's message identity), and are retracted afterwards so the session is reused, never deleted.
- Every rule has `cap`, so one action hands over all of a batch's matches; actions are pumped
  synchronously (`start_action_for_state` / `complete_and_start_action`) before the batch returns.
- Every result code is read, and an accounting rule matches every fact: a fact that does not come
  back is an `EngineError`, never a silently smaller report.
- The ruleset and its session are C memory durable_rules never frees by itself: `close()` deletes
  both (the session first: deleting the ruleset alone left ~3 MB a check), and so does the
  collection of the runtime. A session a failed batch left mid-way is never deleted (durable_rules
  corrupts its heap deleting a session with actions pending): that runtime refuses to run again.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import threading
import weakref
from collections.abc import Iterable, Iterator
from typing import TypeVar

import orjson

from check_compliance.engine.compiler import CompiledRule, Program
from check_compliance.engine.conditions import to_durable
from check_compliance.engine.escaping import without_surrogates
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
_SEEN = "$seen"
_SID = "1"
_OK = 0
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
        definition: dict[str, dict] = {_SEEN: {"all": [{"m": {"f": 1}}], "cap": batch}}
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
        self._session = {"opened": False, "settled": True}
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
                if self.closed:
                    raise EngineError("durable_rules", [Problem("run", "this checker was closed: create another one")])
                if not self._session["settled"]:
                    raise EngineError("durable_rules", [Problem("run", "an earlier batch failed half-way, leaving the engine's state unknown: create another checker")])
                matches = list(self._run_batch(chunk))
            yield from matches

    def _run_batch(self, chunk: list[tuple[dict, T]]) -> Iterator[tuple[CompiledRule, str, dict, T]]:
        posted = [dict(fact, sid=_SID, id=str(i), f=1) for i, (fact, _) in enumerate(chunk)]
        try:
            payload = orjson.dumps(posted).decode()
        except TypeError:
            # A lone surrogate in a record's text is not UTF-8: compared as U+FFFD it still equals
            # no rule's literal. Only a batch holding one pays for the second pass.
            payload = _encoded(without_surrogates(posted))
        self._session.update(opened=True, settled=False)
        code, state = self._call("assert_facts", engine.assert_facts, self._handle, payload)
        if code != _OK:
            raise EngineError("durable_rules", [Problem("assert_facts", f"result code {code} for a batch of {len(posted)} facts")])
        seen: set[int] = set()
        matches: set[tuple[str, int]] = set()  # a `$or` yields one match per branch that holds
        result = self._call("start_action_for_state", engine.start_action_for_state, self._handle, state)
        message = orjson.loads(result[1]) if result else None
        while message:
            for name, matched in message.items():
                ids = [int(item["m"]["id"]) for item in (matched if isinstance(matched, list) else [matched])]
                if name == _SEEN:
                    seen.update(ids)
                else:
                    matches.update((name, i) for i in ids)
            following = self._call("complete_and_start_action", engine.complete_and_start_action, self._handle, state)
            message = orjson.loads(following) if following else None
        code, _ = self._call("retract_facts", engine.retract_facts, self._handle, payload)
        if code != _OK:
            raise EngineError("durable_rules", [Problem("retract_facts", f"result code {code}")])
        self._session["settled"] = True
        if len(seen) != len(posted):
            lost = sorted(set(range(len(posted))) - seen)[:5]
            raise EngineError("durable_rules", [Problem("accounting", f"{len(posted) - len(seen)} of {len(posted)} facts never came back (e.g. {lost})")])
        for name, i in sorted(matches, key=lambda m: (m[1], m[0])):
            compiled, outcome = self._outcomes[name]
            yield compiled, outcome, chunk[i][0], chunk[i][1]

    @staticmethod
    def _call(what: str, function, *args):  # type: ignore[no-untyped-def]
        try:
            return function(*args)
        except Exception as error:
            raise EngineError("durable_rules", [Problem(what, str(error))]) from error


def _encoded(posted: list[dict]) -> str:
    try:
        return orjson.dumps(posted).decode()
    except TypeError as error:
        # durable_rules' numbers are 64-bit: a limit of a billion days is past them in µs.
        key = next((k for fact in posted for k, v in fact.items() if isinstance(v, int) and not -(2**63) <= v < 2**63), None)
        raise OverflowError(f"fact field {key!r} exceeds the engine's 64-bit integers" if key else str(error)) from error


def _delete_ruleset(handle: object, session: dict[str, bool]) -> None:
    if not session["settled"]:
        return  # leaked on purpose: deleting it could corrupt the process's heap
    try:
        if session["opened"]:
            engine.delete_state(handle, _SID)
        engine.delete_ruleset(handle)
    except Exception:  # noqa: BLE001 - at collection or exit nothing can be done about it
        pass


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
