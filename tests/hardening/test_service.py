"""The library in a long-running service: a shared Checker across threads, memory that stays flat,
rulesets released (close, context manager, collection), files closed (issue 9, item 6)."""

from __future__ import annotations

import gc
import gzip
import json
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest

from check_compliance import Checker, CheckError, EngineError, Records, check, load_records, load_rulebook, load_terms, open_records
from check_compliance.engine.reporters import json_format
from check_compliance.obligations.loading import validate_records
from check_compliance.obligations.stream import RecordStream

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample-month.json"
# A small month: one open complaint, late on everything; enough to open the engine's session.
SMALL = {
    "contract": {"id": "HT-TEST", "effective_on": "2026-01-01", "term_years": 1, "timezone": "Asia/Shanghai"},
    "as_of": "2026-10-10T00:00:00+08:00",
    "channels": [],
    "complaints": [{"id": "C1", "channel": "hotline", "received_at": "2026-10-03T09:12:00+08:00", "category": "billing", "urgency": "urgent", "status": "open"}],
}


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


@pytest.fixture(scope="module")
def small() -> Records:
    return validate_records(SMALL, "<small>")


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    return load_rulebook(), load_terms()


def test_shared_checker_gives_every_thread_the_sequential_report() -> None:
    records = load_records(SAMPLE)
    checker = Checker()
    expected = json_format.render(checker.check(records))
    start = threading.Barrier(4)

    def one(i: int) -> str:
        if i < 4:
            start.wait()  # the first four start together, so their batches interleave
        return json_format.render(checker.check(records))

    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(one, range(24)))
    assert all(report == expected for report in reports)


def test_shared_checker_says_how_it_is_thread_safe() -> None:
    assert "Thread-safe" in (Checker.__doc__ or "") and "lock" in (Checker.__doc__ or "")


def test_close_releases_the_ruleset_and_a_closed_checker_refuses(small: Records, shipped) -> None:  # type: ignore[no-untyped-def]
    checker = Checker(*shipped)
    checker.check(small)
    checker.close()
    checker.close()  # idempotent
    assert checker.runtime.closed  # type: ignore[attr-defined]
    with pytest.raises(EngineError, match="closed"):
        checker.check(small)


def test_context_manager_closes_even_when_the_check_fails(small: Records, shipped) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CheckError):
        with Checker(*shipped) as checker:
            checker.check(small, as_of=datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc))  # out of range
    assert checker.runtime.closed  # type: ignore[attr-defined]


def test_collected_checker_releases_its_ruleset(small: Records, shipped) -> None:  # type: ignore[no-untyped-def]
    checker = Checker(*shipped)
    checker.check(small)
    release = checker.runtime._release  # type: ignore[attr-defined]
    assert release.alive
    del checker
    gc.collect()
    assert not release.alive


def test_checks_in_one_process_stay_flat(small: Records, shipped) -> None:  # type: ignore[no-untyped-def]
    """200 checks on a shared checker and 200 through `check()` (a checker each): bounded RSS.

    Before the ruleset and its session were deleted, each `check()` kept ~0.5 MB here (~3 MB on
    the sample month): 200 of them grew by 100 MB; the bound below is a tenth of that."""
    shared = Checker(*shipped)
    for _ in range(20):  # warm-up: allocator pools, caches
        shared.check(small)
        check(small, *shipped)
    gc.collect()
    before = _rss_mib()
    for _ in range(200):
        shared.check(small)
        check(small, *shipped)
    gc.collect()
    assert _rss_mib() - before < 10


def test_open_records_closes_what_it_opens(tmp_path: Path) -> None:
    document = SAMPLE.read_bytes()
    lines = [json.dumps({"type": "contract", **SMALL["contract"], "as_of": SMALL["as_of"]})]  # type: ignore[dict-item]
    lines += [json.dumps({"type": "complaint", **c}) for c in SMALL["complaints"]]  # type: ignore[attr-defined]
    jsonl = "\n".join(lines).encode() + b"\n"
    files = {"m.json": document, "m.json.gz": gzip.compress(document), "m.jsonl": jsonl, "m.jsonl.gz": gzip.compress(jsonl), "bad.json": b"{\"contract\": "}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for name in files:
            try:
                opened = open_records(tmp_path / name)
            except CheckError:
                continue
            if isinstance(opened, RecordStream):
                for _ in opened.complaints:
                    pass
                opened.finish()
            del opened
        # A stream given up before its end closes its file when dropped.
        given_up = open_records(tmp_path / "m.jsonl")
        del given_up
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
