"""Complaints judged in several processes: the same findings, sooner, on more cores.

durable_rules never releases the GIL, so more cores mean more processes. Each worker is forked
with the checked records already in memory, judges one contiguous share of the complaints with
its own ruleset, and sends back its findings, period figures and count; the caller judges the rest
(evaluations, reports, disclosures, periods, channels) and sorts, so the report is byte-identical
to a one-process check.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Sequence
from datetime import datetime
from multiprocessing.connection import Connection

from check_compliance.engine.arithmetic import OUT_OF_RANGE
from check_compliance.engine.assemble import finding
from check_compliance.engine.compiler import Program
from check_compliance.engine.facts import FactBuilder
from check_compliance.engine.findings import Finding
from check_compliance.engine.statistics import Figures
from check_compliance.obligations.errors import CheckError, EngineError, Problem
from check_compliance.obligations.records import Complaint, Contract

WORTH_A_PROCESS = 5_000  # complaints a worker must have before forking pays for itself


def shares(count: int, jobs: int) -> list[tuple[int, int]]:
    """Contiguous `[start, end)` shares of `count` complaints for at most `jobs` workers."""
    if count == 0:
        return [(0, 0)]
    workers = max(1, min(jobs, count // WORTH_A_PROCESS))
    size = -(-count // workers)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def judge_complaints(
    program: Program, runtime: type, contract: Contract, as_of: datetime, lang: str,
    complaints: Sequence[Complaint], jobs: int,
) -> tuple[list[Finding], Figures, int]:
    """Findings, period figures and the number checked, for `complaints`, on up to `jobs` processes."""
    context = multiprocessing.get_context("fork")  # the children inherit the records: nothing to copy
    workers = []
    # Without this the children's garbage collector writes to every inherited object's header,
    # and copy-on-write then copies all the records into each child.
    gc.freeze()
    for start, end in shares(len(complaints), jobs):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(program, runtime, contract, as_of, lang, complaints, start, end, sender), daemon=True)
        process.start()
        sender.close()
        workers.append((process, receiver))
    gc.unfreeze()
    findings: list[Finding] = []
    figures = Figures(program, contract, as_of)
    checked = 0
    failure: CheckError | None = None
    for process, receiver in workers:
        try:
            status, *payload = receiver.recv()
        except EOFError:
            status, payload = "error", [EngineError("worker", [Problem("process", f"exited with code {process.exitcode} before answering")])]
        process.join()
        if status == "ok":
            findings += payload[0]
            figures.merge(payload[1])
            checked += payload[2]
        else:
            failure = failure or payload[0]
    if failure is not None:
        raise failure
    return findings, figures, checked


def _work(program: Program, runtime: type, contract: Contract, as_of: datetime, lang: str, complaints: Sequence[Complaint], start: int, end: int, sender: Connection) -> None:
    try:
        builder = FactBuilder(program, contract, as_of)
        figures = Figures(program, contract, as_of)
        zone = contract.zone
        facts = figures.observe(builder.complaint_facts(complaints[i] for i in range(start, end)))
        findings = [finding(outcome, fact, builder.context(compiled, fact, subject), lang, zone) for compiled, outcome, fact, subject in runtime(program).run(facts)]
        sender.send(("ok", findings, figures, builder.checked["complaints"]))
    except (CheckError, *OUT_OF_RANGE) as error:  # dates out of range: the caller names the source (engine.arithmetic)
        sender.send(("error", error))
    except BaseException as error:  # a worker must answer, never leave the caller waiting
        sender.send(("error", EngineError("worker", [Problem(type(error).__name__, str(error))])))
    finally:
        sender.close()
