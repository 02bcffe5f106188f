"""The fast readers (obligations/reading) give exactly the reference path's blocks, or step aside.

On a valid input the blocks equal `from_complaints` of the pydantic models the reference path
reads; on anything else the fast path raises `NotProven`, never a different answer, and a check
through the CLI gives the reference path's exact output and exit code.
"""

from __future__ import annotations

import copy
import json
import random
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from click.testing import CliRunner
from columnar_files import document_text, write_document, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from randomdocs import document

from check_compliance.cli import main
from check_compliance.obligations import reading
from check_compliance.obligations.blocks import from_complaints, to_complaints
from check_compliance.obligations.clock import micros
from check_compliance.obligations.errors import InputError
from check_compliance.obligations.reading import NotProven, is_block_export, open_export
from check_compliance.obligations.reading.export import BlockExport, complaints_of
from check_compliance.obligations.sources import open_records

ZONES = ("Asia/Shanghai", "America/New_York", "Europe/Berlin")
# Wall times a DST zone skips (spring) or repeats (autumn), read naive in the contract's zone.
DST_TIMES = ("2026-10-25T02:30:00", "2026-11-01T01:30:00", "2026-03-08T02:30:00", "2026-03-29T02:30:00", "2026-10-25T02:59:59.999999")


def _month(seed: int, zone: str, as_of_days: float) -> dict:
    doc = document(seed, 25, as_of_days)
    doc["contract"]["timezone"] = zone
    doc["contract"]["effective_on"] = "2026-01-01"
    rng = random.Random(seed)
    for i, complaint in enumerate(doc["complaints"][:3]):
        # A naive time on a DST change, and a later event, so the pair stays consistent.
        complaint["received_at"] = DST_TIMES[(seed + i) % len(DST_TIMES)]
        for name in ("registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at"):
            complaint.pop(name, None)
        complaint["status"] = "open"
        complaint["pauses"] = [{"from": "2026-12-01T00:00:00Z", "to": None}] if rng.random() < 0.5 else []
    return doc


def _fast(path: Path) -> tuple[pa.Table, object]:
    export = open_export(path, fast_from=0)
    assert is_block_export(export)
    block = pa.concat_tables(list(export.complaint_blocks()))  # type: ignore[union-attr]
    export.finish()  # type: ignore[union-attr]
    return block, export


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), zone=st.sampled_from(ZONES), as_of_days=st.sampled_from([3.5, 20, 60]))
def test_fast_blocks_are_the_reference_blocks(tmp_path: Path, seed: int, zone: str, as_of_days: float) -> None:
    doc = _month(seed, zone, as_of_days)
    lines = write_jsonl(doc, tmp_path / "m.jsonl")
    write_document(doc, tmp_path / "m.json")
    for path, rows in ((tmp_path / "m.jsonl", lines), (tmp_path / "m.json", None)):
        try:
            reference = open_records(path)
            records = reference.to_records() if hasattr(reference, "to_records") else reference
        except InputError:
            with pytest.raises(NotProven):
                _fast(path)
            continue
        block, export = _fast(path)
        assert block.equals(from_complaints(records.complaints, rows=rows)), path.name  # type: ignore[union-attr]
        # The models the fact builder reads, as the reference validates them (extras aside, never judged).
        assert complaints_of(block) == to_complaints(block)
        for name in ("channels", "evaluations", "reports", "disclosures"):
            assert getattr(export, name) == getattr(records, name)
        assert (export.contract, export.as_of) == (records.contract, records.as_of)  # type: ignore[attr-defined]


def test_a_naive_time_in_a_dst_zone_is_read_as_python_reads_it(tmp_path: Path) -> None:
    doc = _month(1, "Europe/Berlin", 60)
    doc["complaints"][0]["received_at"] = "2026-10-25T02:30:00"  # repeated: the first (summer) one
    doc["complaints"][1]["received_at"] = "2026-03-29T02:30:00"  # skipped: pydantic's reading, row by row
    write_jsonl(doc, tmp_path / "m.jsonl")
    block, _ = _fast(tmp_path / "m.jsonl")
    received = block.column("received_at").to_pylist()
    berlin = ZoneInfo("Europe/Berlin")
    assert received[0] == micros(datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc))  # CEST, +02:00: fold=0
    assert received[1] == micros(datetime(2026, 3, 29, 2, 30, tzinfo=berlin))  # in the gap: as Python reads it
    assert received[1] == micros(datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc))


VALID = {"type": "complaint", "id": "C-X", "channel": "hotline", "received_at": "2026-10-03T09:12:00+08:00", "category": "billing",
         "urgency": "high", "registered_at": "2026-10-03T09:15:00+08:00", "first_response_at": "2026-10-03T10:02:00+08:00",
         "status": "open", "satisfaction": 4, "pauses": [{"from": "2026-10-03T12:00:00+08:00", "to": "2026-10-03T14:00:00+08:00"}]}

# Each mutation of one complaint line, and how the line is then written.
BAD_LINES = {
    "urgency outside its set": {"urgency": "critical"},
    "status missing": {"status": None},
    "id a number": {"id": 7},
    "satisfaction a float": {"satisfaction": 4.0},
    "satisfaction out of range": {"satisfaction": 6},
    "satisfaction a bool": {"satisfaction": True},
    "event before received": {"registered_at": "2026-10-03T09:00:00+08:00"},
    "closed without resolved_at": {"status": "closed"},
    "pause before received": {"pauses": [{"from": "2026-10-02T12:00:00+08:00", "to": None}]},
    "pause ending before it starts": {"pauses": [{"from": "2026-10-03T12:00:00+08:00", "to": "2026-10-03T11:00:00+08:00"}]},
    "overlapping pauses": {"pauses": [{"from": "2026-10-03T12:00:00+08:00", "to": "2026-10-03T14:00:00+08:00"}, {"from": "2026-10-03T13:00:00+08:00", "to": None}]},
    "a pause not an object": {"pauses": [1]},
    "pauses an object": {"pauses": {}},
    "a day that does not exist": {"received_at": "2026-02-30T09:12:00+08:00"},
    "a time in another shape": {"received_at": "2026-10-03 09:12"},
    "hour 24": {"received_at": "2026-10-03T24:00:00+08:00"},
    "a text that is no time": {"received_at": "soon"},
}
RAW_LINES = {
    "NaN in an extra field": '{"type": "complaint", "id": "C-X", "received_at": "2026-10-03T09:12:00+08:00", "status": "open", "x": NaN}',
    "two objects on a line": '{"type": "complaint", "id": "C-X", "received_at": "2026-10-03T09:12:00+08:00", "status": "open"} {"type": "complaint", "id": "C-Y", "received_at": "2026-10-03T09:12:00+08:00", "status": "open"}',
    "a blank line": "",
    "an indented line": '  {"type": "complaint", "id": "C-X", "received_at": "2026-10-03T09:12:00+08:00", "status": "open"}',
    "duplicate key": '{"type": "complaint", "id": "C-X", "id": "C-Y", "received_at": "2026-10-03T09:12:00+08:00", "status": "open"}',
    "deep nesting": '{"type": "complaint", "id": "C-X", "received_at": "2026-10-03T09:12:00+08:00", "status": "open", "x": ' + "[" * 1100 + "]" * 1100 + "}",
    "a duplicate id": '{"type": "complaint", "id": "C-00001", "received_at": "2026-10-03T09:12:00+08:00", "status": "open"}',
    "an unknown type": '{"type": "complain", "id": "C-X"}',
    "an array": "[1, 2]",
}


def _base() -> dict:
    doc = document(3, 40, 60)
    doc["complaints"] = [{k: v for k, v in c.items()} for c in doc["complaints"]]
    return doc


def _no_reference(self: object) -> None:
    raise AssertionError("the fast path gave up on a valid input")


def _cli(path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool) -> tuple[int, str]:
    monkeypatch.setattr(reading, "FAST_FROM", 0 if fast else 1 << 60)
    result = CliRunner().invoke(main, [str(path), "--format", "json", "--jobs", "1"])
    return result.exit_code, result.output


def _same_as_reference(path: Path, monkeypatch: pytest.MonkeyPatch, proven: bool = False) -> tuple[int, str]:
    if proven:  # the fast path must not give up on it
        monkeypatch.setattr(BlockExport, "reference", _no_reference)
    fast = _cli(path, monkeypatch, True)
    monkeypatch.undo()
    assert fast == _cli(path, monkeypatch, False)
    return fast


@pytest.mark.parametrize("name", sorted(BAD_LINES))
def test_an_invalid_complaint_gives_the_reference_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    bad = {k: v for k, v in {**VALID, **BAD_LINES[name]}.items() if v is not None}
    doc = _base()
    lines = write_jsonl(doc, tmp_path / "m.jsonl")
    text = (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()
    text.insert(lines[5], json.dumps(bad))
    (tmp_path / "m.jsonl").write_text("\n".join(text) + "\n", encoding="utf-8")
    code, output = _same_as_reference(tmp_path / "m.jsonl", monkeypatch)
    assert code in (1, 2)
    # The same complaint in a document.
    doc["complaints"].insert(5, {k: v for k, v in bad.items() if k != "type"})
    write_document(doc, tmp_path / "m.json")
    _same_as_reference(tmp_path / "m.json", monkeypatch)


@pytest.mark.parametrize("name", sorted(RAW_LINES))
def test_a_line_the_fast_reader_cannot_prove_gives_the_reference_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    lines = write_jsonl(_base(), tmp_path / "m.jsonl")
    text = (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()
    text.insert(lines[5], RAW_LINES[name])
    (tmp_path / "m.jsonl").write_text("\n".join(text) + "\n", encoding="utf-8")
    code, _ = _same_as_reference(tmp_path / "m.jsonl", monkeypatch)
    assert code == (1 if name in ("a blank line", "an indented line") else 2)  # a duplicate key is refused (the hardened reference path), never last-wins


def test_invalid_utf8_gives_the_reference_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_jsonl(_base(), tmp_path / "m.jsonl")
    data = (tmp_path / "m.jsonl").read_bytes().replace(b'"C-00003"', b'"C-\xff0003"')
    (tmp_path / "m.jsonl").write_bytes(data)
    assert _same_as_reference(tmp_path / "m.jsonl", monkeypatch)[0] == 2


def test_valid_inputs_give_the_reference_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _base()
    doc["complaints"][4]["received_at"] = doc["complaints"][4]["received_at"][:19] + ".0" + doc["complaints"][4]["received_at"][19:]  # a fraction: still the strict shape
    doc["complaints"][5]["received_at"] = doc["complaints"][5]["received_at"][:16]  # no seconds: pydantic reads the row
    write_jsonl(doc, tmp_path / "m.jsonl")
    write_document(doc, tmp_path / "m.json")
    for path in (tmp_path / "m.jsonl", tmp_path / "m.json"):
        assert _same_as_reference(path, monkeypatch, proven=True)[0] == 1
    doc["complaints"][6]["pauses"] = [{"start": "2026-12-05T00:00:00Z"}]  # field names, not aliases: the reference path decides
    write_jsonl(doc, tmp_path / "m.jsonl")
    assert _same_as_reference(tmp_path / "m.jsonl", monkeypatch)[0] == 1


def test_what_the_fast_path_does_not_read_takes_the_reference_path(tmp_path: Path) -> None:
    doc = _base()
    (tmp_path / "pretty.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    (tmp_path / "one-line.json").write_text(json.dumps(doc), encoding="utf-8")
    no_as_of = copy.deepcopy(doc)
    no_as_of.pop("as_of")
    (tmp_path / "no-as-of.json").write_text(document_text(no_as_of), encoding="utf-8")
    late_contract = write_jsonl(doc, tmp_path / "late.jsonl")
    lines = (tmp_path / "late.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "late.jsonl").write_text("\n".join(lines[1:] + lines[:1]) + "\n", encoding="utf-8")
    assert late_contract
    for name in ("pretty.json", "one-line.json", "no-as-of.json", "late.jsonl"):
        assert not is_block_export(open_export(tmp_path / name, fast_from=0)), name
    write_document(doc, tmp_path / "small.json")
    assert not is_block_export(open_export(tmp_path / "small.json"))  # below FAST_FROM
    assert is_block_export(open_export(tmp_path / "small.json", fast_from=0))


@pytest.mark.parametrize("line", [
    '{"type": "complaint", "id": "C-X", "received_at": "2026-10-03T09:12:00+08:00", "status": "open", "agent": "a", "agent": "b"}',
    '{"type": "complaint", "id": "C-X", "received_at": "2026-10-03T09:12:00+08:00", "status": "open", "x": {"k": 1, "k": 2}}',
])
def test_a_key_given_twice_among_the_extras_steps_aside(tmp_path: Path, line: str) -> None:
    # The reference parser decides about duplicate keys (the hardened one refuses them), never pyarrow.
    lines = write_jsonl(_base(), tmp_path / "m.jsonl")
    text = (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()
    text.insert(lines[5], line)
    (tmp_path / "m.jsonl").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(NotProven):
        _fast(tmp_path / "m.jsonl")


def test_the_input_limits_are_the_reference_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from check_compliance.obligations.reading import lines as reading_lines

    write_jsonl(_base(), tmp_path / "m.jsonl")
    _fast(tmp_path / "m.jsonl")

    def limits(line_bytes: int, depth: int) -> SimpleNamespace:
        value = SimpleNamespace
        return SimpleNamespace(MAX_LINE_BYTES=value(value=line_bytes), MAX_DEPTH=value(value=depth), MAX_INPUT_BYTES=value(value=1 << 40), MAX_DOCUMENT_BYTES=value(value=1 << 40))

    monkeypatch.setattr(reading_lines, "input_limits", lambda: limits(100, 64))
    with pytest.raises(NotProven, match="MAX_LINE_BYTES"):
        _fast(tmp_path / "m.jsonl")
    monkeypatch.setattr(reading_lines, "input_limits", lambda: limits(1 << 20, 2))

    class Refused(Exception):
        pass

    refusing = SimpleNamespace(BadJson=Refused, parse_json=lambda text: (_ for _ in ()).throw(Refused()))
    monkeypatch.setattr(reading_lines.importlib, "import_module", lambda name: refusing)
    with pytest.raises(NotProven, match="refused by the reference parser"):  # a complaint with pauses has 3 brackets
        _fast(tmp_path / "m.jsonl")
