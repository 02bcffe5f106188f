"""The fold (MAPPING.md): producers, pauses from states, a reopened ticket, the derived contract and as_of."""

from __future__ import annotations

import random
from pathlib import Path

from export_support import EVENTS, HEADER, events, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from check_compliance.obligations.exports import read_export


def _complaint(export, number):  # type: ignore[no-untyped-def]
    return next(c for c in export.document["complaints"] if c["id"] == number)


def test_events_fold_into_one_complaint_per_key_in_first_appearance_order(tmp_path: Path) -> None:
    export = events(tmp_path, [
        "B,New,0,1/10/2026 09:00,1/10/2026 09:00,3",
        "A,New,0,2/10/2026 09:00,2/10/2026 09:00,3",
        "B,Active,1,1/10/2026 09:00,1/10/2026 10:00,2",
    ])
    assert [c["id"] for c in export.document["complaints"]] == ["B", "A"]
    b = _complaint(export, "B")
    assert b["received_at"] == "2026-10-01T09:00:00"
    assert b["first_response_at"] == "2026-10-01T10:00:00"
    assert b["urgency"] == "high"  # row: last
    assert b["status"] == "open"
    assert [q for q in export.quarantine] == []


def test_a_reopened_ticket_is_not_resolved(tmp_path: Path) -> None:
    export = events(tmp_path, [
        "A,New,0,1/10/2026 09:00,1/10/2026 09:00,3",
        "A,Resolved,1,1/10/2026 09:00,2/10/2026 09:00,3",
        "A,Active,2,1/10/2026 09:00,3/10/2026 09:00,3",
    ])
    assert "resolved_at" not in _complaint(export, "A")


def test_final_entry_is_the_start_of_the_last_run_in_the_states(tmp_path: Path) -> None:
    export = events(tmp_path, [
        "A,New,0,1/10/2026 09:00,1/10/2026 09:00,3",
        "A,Resolved,1,1/10/2026 09:00,2/10/2026 09:00,3",
        "A,Active,2,1/10/2026 09:00,3/10/2026 09:00,3",
        "A,Resolved,3,1/10/2026 09:00,4/10/2026 09:00,3",
        "A,Closed,4,1/10/2026 09:00,6/10/2026 09:00,3",
    ])
    assert _complaint(export, "A")["resolved_at"] == "2026-10-04T09:00:00"
    assert _complaint(export, "A")["status"] == "closed"


def test_pauses_are_runs_of_waiting_events_and_an_open_one_has_no_end(tmp_path: Path) -> None:
    export = events(tmp_path, [
        "A,New,0,1/10/2026 09:00,1/10/2026 09:00,3",
        "A,Waiting,1,1/10/2026 09:00,1/10/2026 10:00,3",
        "A,Waiting,2,1/10/2026 09:00,1/10/2026 11:00,3",
        "A,Active,3,1/10/2026 09:00,1/10/2026 12:00,3",
        "A,Waiting,4,1/10/2026 09:00,2/10/2026 08:00,3",
    ])
    assert _complaint(export, "A")["pauses"] == [
        {"from": "2026-10-01T10:00:00", "to": "2026-10-01T12:00:00"},
        {"from": "2026-10-02T08:00:00"},
    ]
    assert export.records.complaints[0].pauses[1].end is None


def test_order_columns_then_file_row_break_ties(tmp_path: Path) -> None:
    # Same minute: seq (as int, 10 after 9) decides, not the text order or the file order.
    export = events(tmp_path, [
        "A,Resolved,10,1/10/2026 09:00,1/10/2026 09:30,3",
        "A,New,9,1/10/2026 09:00,1/10/2026 09:30,3",
    ])
    assert _complaint(export, "A")["status"] == "resolved"


def test_as_of_latest_and_the_derived_contract(tmp_path: Path) -> None:
    export = events(tmp_path, [
        "A,New,0,30/9/2026 23:00,30/9/2026 23:00,3",
        "A,Active,1,30/9/2026 23:00,2/10/2027 09:00,3",
    ])
    contract = export.document["contract"]
    assert contract["effective_on"] == "2026-09-01"
    assert contract["term_years"] == 1  # the latest received_at (2026-09-30) is in the first year
    assert export.document["as_of"] == "2027-10-02T09:00:00+08:00"  # an event time counts


def test_term_years_cover_reaches_the_latest_received_at(tmp_path: Path) -> None:
    export = events(tmp_path, [
        "A,New,0,1/10/2026 09:00,1/10/2026 09:00,3",
        "B,New,0,1/10/2027 09:00,1/10/2027 09:00,3",
    ])
    assert export.document["contract"]["term_years"] == 2


def test_unmapped_and_unreadable_values_quarantine_the_complaint(tmp_path: Path) -> None:
    export = events(tmp_path, [
        "A,New,0,1/10/2026 09:00,1/10/2026 09:00,7",
        "B,New,0,31/2/2026 09:00,1/10/2026 09:00,3",
        "C,New,0,1/10/2026 09:00,1/10/2026 09:00,3",
    ])
    assert [c.id for c in export.records.complaints] == ["C"]
    kinds = {q.id: [(i.kind, i.path) for i in q.issues] for q in export.quarantine}
    assert kinds == {"A": [("unmapped", "urgency")], "B": [("unreadable", "received_at")]}
    assert export.quarantine[0].row == 1 and export.quarantine[1].row == 2


def test_an_event_before_received_is_inconsistent(tmp_path: Path) -> None:
    export = events(tmp_path, [
        "A,New,0,1/10/2026 09:00,1/10/2026 09:00,3",
        "A,Active,1,1/10/2026 09:00,1/10/2026 08:00,3",
    ])
    (item,) = export.quarantine
    assert [(i.kind, i.path) for i in item.issues] == [("inconsistent", "first_response_at")]
    assert item.rows == 2


def test_a_row_without_its_key_is_a_complaint_of_its_own_and_invalid(tmp_path: Path) -> None:
    export = events(tmp_path, ["?,New,0,1/10/2026 09:00,1/10/2026 09:00,3"])
    (item,) = export.quarantine
    assert ("missing", "events.key") in [(i.kind, i.path) for i in item.issues]


ROWS = """\
version: 1
name: rows
source: {files: [rows.csv]}
derive:
  ticket_id: {split: {column: ticket, sep: "/", index: 0}}
  owner: {split: {column: ticket, sep: "/", index: 2}}
timestamps: {created: iso, replied: iso, answered: iso}
shape: rows
contract: {id: T, effective_on: 2026-10-01, term_years: 1}
complaint:
  id: {coalesce: [{column: ticket_id}, {row_number: true, prefix: "row-"}]}
  received_at: {column: created}
  first_response_at: {coalesce: [{column: replied}, {column: answered}]}
  status: {const: open}
  extra:
    owner: {column: owner}
    vip: {column: vip, type: bool, true: ["Y"], false: ["N"]}
"""


def test_derive_split_coalesce_row_number_and_extras(tmp_path: Path) -> None:
    export = read_export(write(tmp_path, ROWS, {"rows.csv": (
        "ticket,created,replied,answered,vip\n"
        "T1 / Sales / ann,2026-10-01T09:00:00,,2026-10-01T10:00:00,Y\n"
        "T2 / Ops,2026-10-02T09:00:00+02:00,2026-10-02T09:30:00+02:00,,N\n"
        ",2026-10-03 09:00:00.500,,,\n"
    )}))
    complaints = export.document["complaints"]
    assert [c["id"] for c in complaints] == ["T1", "T2", "row-3"]
    assert complaints[0]["first_response_at"] == "2026-10-01T10:00:00"
    assert complaints[1]["received_at"] == "2026-10-02T09:00:00+02:00"  # the offset is kept
    assert complaints[2]["received_at"] == "2026-10-03T09:00:00.500000"
    assert [c["source"] for c in complaints] == [{"owner": "ann", "vip": True}, {"owner": None, "vip": False}, {"owner": None, "vip": None}]
    assert export.records.complaints[0].model_extra == {"source": {"owner": "ann", "vip": True}}


def test_rows_repeating_an_id_keep_the_first(tmp_path: Path) -> None:
    export = read_export(write(tmp_path, ROWS, {"rows.csv": "ticket,created,replied,answered,vip\nT1,2026-10-01T09:00:00,,,\nT1,2026-10-02T09:00:00,,,\n"}))
    assert [c.received_at.day for c in export.records.complaints] == [1]
    assert [(q.row, [i.kind for i in q.issues]) for q in export.quarantine] == [(2, ["duplicate"])]


def test_a_lookup_gives_the_first_rows_value_and_null_for_a_missing_key() -> None:
    from export_support import MAPPINGS

    export = read_export(MAPPINGS / "it-tickets.yaml")
    urgencies = {c["id"]: c["urgency"] for c in export.document["complaints"]}
    assert urgencies == {"T-1001": "high", "T-1002": "normal", "T-1003": "high", "T-1004": "normal"}


_STATES = ["New", "Active", "Waiting", "Resolved", "Closed"]
_EVENT = st.tuples(st.sampled_from(_STATES), st.integers(0, 3), st.integers(0, 2))  # state, hour after 09:00, seq
_LOGS = st.lists(st.lists(_EVENT, min_size=1, max_size=6), min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_LOGS, st.randoms(use_true_random=False))
def test_rows_shuffled_within_their_order_ties_give_the_same_records(tmp_path_factory, log, rnd: random.Random) -> None:  # type: ignore[no-untyped-def]
    # Keys interleaved in any file order, and events tied on (at, seq) kept in their file order
    # (the file row breaks a tie), fold to the same complaints: pauses and runs never cross keys.
    rows = [(f"K{k}", (hour, seq), f"K{k},{state},{seq},1/10/2026 08:00,1/10/2026 {9 + hour:02d}:00,{1 + k % 4}")
            for k, key_events in enumerate(log) for state, hour, seq in key_events]
    slots = list(range(len(rows)))
    rnd.shuffle(slots)
    ties: dict[tuple, list[int]] = {}
    for index, (key, order, _) in enumerate(rows):
        ties.setdefault((key, order), []).append(index)
    placed: list[str] = [""] * len(rows)
    for members in ties.values():
        for index, slot in zip(members, sorted(slots[i] for i in members)):
            placed[slot] = rows[index][2]
    expected = events(tmp_path_factory.mktemp("a"), [r[2] for r in rows])
    got = events(tmp_path_factory.mktemp("b"), placed)

    def by_id(export):  # type: ignore[no-untyped-def]
        # Complaint order is each key's first appearance in the file: compare complaints by id.
        complaints = sorted(export.document["complaints"], key=lambda c: c["id"])
        quarantined = sorted((q.id, q.rows, [(i.kind, i.path, i.message) for i in q.issues]) for q in export.quarantine)
        return {**export.document, "complaints": complaints}, quarantined

    assert by_id(got) == by_id(expected)


def test_the_events_header_constant_is_what_the_mapping_reads() -> None:
    assert set(HEADER.split(",")) >= {"number", "state", "seq", "opened", "at", "priority"}
    assert "events.csv" in EVENTS
