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
from collections.abc import Iterator, Sequence
from datetime import datetime
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from check_compliance.engine.arithmetic import OUT_OF_RANGE
from check_compliance.engine.assemble import finding
from check_compliance.engine.compiler import Program
from check_compliance.engine.facts import FactBuilder
from check_compliance.engine.findings import Finding
from check_compliance.engine.statistics import Figures
from check_compliance.obligations.errors import CheckError, EngineError, Problem
from check_compliance.obligations.reading import NotProven
from check_compliance.obligations.records import Complaint, Contract

if TYPE_CHECKING:
    from check_compliance.obligations.reading.export import BlockExport

WORTH_A_PROCESS = 5_000  # complaints a worker must have before forking pays for itself


def shares(count: int, jobs: int) -> list[tuple[int, int]]:
    """Contiguous `[start, end)` shares of `count` complaints for at most `jobs` workers."""
    if count == 0:
        return [(0, 0)]
    workers = max(1, min(jobs, count // WORTH_A_PROCESS))
    size = -(-count // workers)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _answers(workers: list) -> Iterator[tuple[str, list]]:
    """Each worker's answer, `(status, payload)`, in order; a worker that died unanswered is an error."""
    for process, receiver in workers:
        try:
            status, *payload = receiver.recv()
        except EOFError:
            status, payload = "error", [EngineError("worker", [Problem("process", f"exited with code {process.exitcode} before answering")])]
        process.join()
        yield status, payload


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
    for status, payload in _answers(workers):
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
        figures = Figures(program, contract, as_of)
        builder = FactBuilder(program, contract, as_of, observe=figures.observe)
        zone = contract.zone
        facts = builder.complaint_facts(complaints[i] for i in range(start, end))
        findings = [finding(outcome, fact, builder.context(compiled, fact, subject), lang, zone) for compiled, outcome, fact, subject in runtime(program).run(facts)]
        sender.send(("ok", findings, figures, builder.checked["complaints"]))
    except (CheckError, *OUT_OF_RANGE) as error:  # dates out of range: the caller names the source (engine.arithmetic)
        sender.send(("error", error))
    except BaseException as error:  # a worker must answer, never leave the caller waiting
        sender.send(("error", EngineError("worker", [Problem(type(error).__name__, str(error))])))
    finally:
        sender.close()


def block_shares(export: BlockExport, jobs: int) -> list[tuple[int, int]]:
    """Contiguous byte shares `[start, end)` of a fast-path export's complaint lines, cut at newlines."""
    span = export.span
    workers = max(1, min(jobs, (span.end - span.start) // (WORTH_A_PROCESS * _BYTES_A_COMPLAINT)))
    cuts = [span.start]
    with open(export.path, "rb") as handle:
        for k in range(1, workers):
            handle.seek(span.start + (span.end - span.start) * k // workers)
            handle.readline()
            cuts.append(min(max(handle.tell(), cuts[-1]), span.end))
    cuts.append(span.end)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a] or [(span.start, span.end)]


_BYTES_A_COMPLAINT = 300  # about what one complaint line takes; shares need only be roughly even
_SHARE_ROWS = 1 << 40  # rows of share k count from k << 40: input order kept, no line count needed


def judge_blocks(program: Program, runtime: type, export: BlockExport, as_of: datetime, lang: str, jobs: int) -> tuple[list[Finding], Figures, int]:
    """Like `judge_complaints`, each worker reading its own share of the file's complaint lines.

    Raises `NotProven` when a worker could not prove its share valid; once every share is read,
    `export` holds the other records (JSON Lines) and every id, for `export.finish()`.
    """
    context = multiprocessing.get_context("fork")
    workers = []
    for k, (start, end) in enumerate(block_shares(export, jobs)):
        receiver, sender = context.Pipe(duplex=False)
        share = export.share(start, end, k * _SHARE_ROWS)
        process = context.Process(target=_work_blocks, args=(program, runtime, share, as_of, lang, sender), daemon=True)
        process.start()
        sender.close()
        workers.append((process, receiver))
    findings: list[Finding] = []
    figures = Figures(program, export.contract, as_of)
    checked = 0
    failure: Exception | None = None
    for status, payload in _answers(workers):
        if status == "ok":
            findings += payload[0]
            figures.merge(payload[1])
            checked += payload[2]
            export.ids += payload[3]
            export.shell_lines += payload[4]
        elif status == "not-proven":
            failure = failure or NotProven("a share")
        else:
            failure = failure or payload[0]
    if failure is not None:
        raise failure
    if export.kind == "jsonl":
        export.validate_shell()
    return findings, figures, checked


def _work_blocks(program: Program, runtime: type, share: BlockExport, as_of: datetime, lang: str, sender: Connection) -> None:
    try:
        figures = Figures(program, share.contract, as_of)
        builder = FactBuilder(program, share.contract, as_of, observe=figures.observe)
        zone = share.contract.zone
        facts = builder.complaint_facts(share.complaints)
        findings = [finding(outcome, fact, builder.context(compiled, fact, subject), lang, zone) for compiled, outcome, fact, subject in runtime(program).run(facts)]
        others = share.shell_lines[1:]  # JSON Lines: the records that are not complaints, for the parent
        sender.send(("ok", findings, figures, builder.checked["complaints"], share.ids, others))
    except NotProven:
        sender.send(("not-proven",))
    except (CheckError, *OUT_OF_RANGE) as error:  # dates out of range: the caller names the source (engine.arithmetic)
        sender.send(("error", error))
    except BaseException as error:  # a worker must answer, never leave the caller waiting
        sender.send(("error", EngineError("worker", [Problem(type(error).__name__, str(error))])))
    finally:
        sender.close()
