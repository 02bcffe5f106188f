"""Helpers for the mapped-export tests (tests/exports/): a mapping and its export written into a folder."""

from __future__ import annotations

from pathlib import Path

from check_compliance.obligations.exports import Export, read_export

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "mappings"

# A small ServiceNow-like events mapping the tests vary; `{extra}` is spliced into `complaint`.
EVENTS = """\
version: 1
name: test-events
source:
  files: [events.csv]
  null_values: ["?"]
timestamps:
  opened: "%d/%m/%Y %H:%M"
  at: "%d/%m/%Y %H:%M"
shape: events
events:
  key: number
  order: [{column: at, as: time}, {column: seq, as: int}]
  time: at
  state: state
contract: {id: T, timezone: Asia/Shanghai, effective_on: first_of_month, term_years: cover}
as_of: latest
channels: [{id: line, kind: phone, opened_on: 2026-01-01}, {id: mail, kind: email, opened_on: 2026-01-01}, {id: web, kind: website, opened_on: 2026-01-01}]
complaint:
  id: {column: number}
  received_at: {column: opened}
  urgency: {column: priority, row: last, map: {"1": urgent, "2": high, "3": normal, "4": low}}
  first_response_at: {event: first, not_states: [New]}
  resolved_at: {event: final_entry, states: [Resolved, Closed]}
  status: {column: state, row: last, map: {New: open, Active: open, Waiting: open, Resolved: resolved, Closed: closed}}
  pauses: {states: [Waiting]}
"""
HEADER = "number,state,seq,opened,at,priority"


def write(folder: Path, mapping: str, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    path = folder / "mapping.yaml"
    path.write_text(mapping, encoding="utf-8")
    return path


def events(folder: Path, rows: list[str], mapping: str = EVENTS) -> Export:
    return read_export(write(folder, mapping, {"events.csv": "\n".join([HEADER, *rows]) + "\n"}))
