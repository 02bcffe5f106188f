"""The column contract: a valid block holds exactly what the complaint models hold (extras aside)."""

from __future__ import annotations

from pathlib import Path

from check_compliance import load_records
from check_compliance.obligations.blocks import FIELD_ORDER, block_schema, from_complaints, raw_schema, to_complaints

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample-month.json"


def _fields(complaint) -> dict:  # type: ignore[no-untyped-def]
    data = {name: getattr(complaint, name) for name in FIELD_ORDER if name != "pauses"}
    data["pauses"] = sorted((p.start, p.end) for p in complaint.pauses)
    return data


def test_a_block_round_trips_the_complaints() -> None:
    complaints = load_records(SAMPLE).complaints
    block = from_complaints(complaints)
    assert block.schema == block_schema() and block.num_rows == len(complaints)
    assert block.column("row").to_pylist() == list(range(len(complaints)))
    assert [_fields(c) for c in to_complaints(block)] == [_fields(c) for c in complaints]


def test_both_schemas_name_the_fields_in_records_order() -> None:
    for schema in (raw_schema(), block_schema()):
        assert schema.names == ["row", *FIELD_ORDER]
