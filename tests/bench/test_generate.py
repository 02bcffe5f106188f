"""The bench generator: same seed same bytes, formats that agree, and planted breaches that are
exactly what OBLIGATIONS.md makes a checker find (judged here by a small independent oracle)."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _records(complaints: int, seed: int, fmt: str = "json", **options: Any) -> bytes:
    out = io.BytesIO()
    gen.write_records(gen.generate(complaints, seed, **options), out, fmt)
    return out.getvalue()


def _from_jsonl(data: bytes) -> dict[str, Any]:
    document: dict[str, Any] = {"channels": [], "complaints": [], "evaluations": [], "reports": [], "disclosures": []}
    for line in data.decode().splitlines():
        record = json.loads(line)
        kind = record.pop("type")
        if kind == "contract":
            document["as_of"] = record.pop("as_of")
            document["contract"] = record
        else:
            document[kind + "s"].append(record)
    return document


# --------------------------------------------------------------------------- the oracle

HOUR, DAY = 3600, 86400
CHINA = timezone(timedelta(hours=8))
FIRST_RESPONSE = {"urgent": 2 * HOUR, "high": 8 * HOUR, "normal": 24 * HOUR, "low": 72 * HOUR}
RESOLUTION = {"urgent": DAY, "high": 3 * DAY, "normal": 7 * DAY, "low": 15 * DAY}


def _t(text: str) -> float:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))  # Python 3.10 reads no "Z"
    return (moment if moment.tzinfo else moment.replace(tzinfo=CHINA)).timestamp()


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=CHINA).timestamp()


def _judge_complaint(c: dict[str, Any], as_of: float, found: set[tuple[Any, ...]], shares: list[tuple[str, str, float]]) -> None:
    cid, received = c["id"], _t(c["received_at"])
    at = {name: _t(c[name]) if c.get(name) else None
          for name in ("registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at")}
    pauses = sorted((_t(p["from"]), _t(p["to"])) for p in c.get("pauses") or [])
    resolved = at["resolved_at"]
    # the data is consistent (else it would be an input error, not a finding) and all known
    assert all(received <= v <= as_of for v in at.values() if v is not None), cid
    assert all(received <= a < b for a, b in pauses), cid
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(pauses, pauses[1:], strict=False)), cid
    assert c["status"] not in ("resolved", "closed") or resolved is not None, cid
    for name in ("feedback_at", "archived_at"):
        event = at[name]
        assert event is None or resolved is not None and event >= resolved, cid

    def running(start: float, end: float) -> float:
        return end - start - sum(max(0.0, min(b, end) - max(a, start)) for a, b in pauses)

    def deadline(obligation: int, rule: str, start: float | None, event: float | None, limit: float) -> None:
        if start is None:
            return
        if event is not None:
            used = running(start, event)
            if used > limit:
                found.add((obligation, rule, cid, "late"))
            else:
                shares.append((cid, rule, used / limit))
        elif running(start, as_of) > limit:
            found.add((obligation, rule, cid, "overdue"))
        elif running(start, as_of) >= 0.8 * limit:
            found.add((obligation, rule, cid, "at_risk"))

    urgency = c.get("urgency") or "normal"
    deadline(2, "first-response", received, at["first_response_at"], FIRST_RESPONSE[urgency])
    deadline(3, "registration", received, at["registered_at"], 24 * HOUR)
    if not (c.get("category") and c.get("urgency")) and (at["registered_at"] or running(received, as_of) > 24 * HOUR):
        found.add((4, "classification", cid, "missing"))
    if c["status"] != "withdrawn":
        deadline(5, "resolution", received, resolved, RESOLUTION[urgency])
        deadline(6, "feedback", resolved, at["feedback_at"], 48 * HOUR)
    deadline(7, "archive", resolved, at["archived_at"], 7 * DAY)


def _judge(document: dict[str, Any]) -> tuple[set[tuple[Any, ...]], list[tuple[str, str, float]]]:
    """What OBLIGATIONS.md makes a checker find (at_risk included), and the share of its limit
    each fulfilled, on-time complaint deadline used."""
    as_of = _t(document["as_of"])
    found: set[tuple[Any, ...]] = set()
    shares: list[tuple[str, str, float]] = []
    for complaint in document["complaints"]:
        _judge_complaint(complaint, as_of, found, shares)

    term_start = date.fromisoformat(document["contract"]["effective_on"])
    last_judged = datetime.fromtimestamp(as_of, CHINA).date()
    for kind in ("phone", "email", "website"):
        spans = [(date.fromisoformat(ch["opened_on"]), date.fromisoformat(ch["closed_on"] or "9999-12-31"))
                 for ch in document["channels"] if ch["kind"] == kind]
        days = (term_start + timedelta(days=n) for n in range((last_judged - term_start).days + 1))
        if any(not any(a <= day <= b for a, b in spans) for day in days):
            found.add((1, "channels-open", kind, "missing"))

    def period_due(obligation: int, rule: str, records: list[dict[str, Any]], field: str, days: int) -> None:
        month = term_start
        while True:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            if _midnight(following) > as_of:
                return
            due, key = _midnight(following + timedelta(days=days)), f"{month}/{following - timedelta(days=1)}"
            times = [_t(r[field]) for r in records if r.get(field) and f"{r['period']['start']}/{r['period']['end']}" == key]
            first = min((x for x in times if x <= as_of), default=None)
            if first is not None and first > due:
                found.add((obligation, rule, key, "late"))
            elif first is None and as_of > due:
                found.add((obligation, rule, key, "overdue"))
            elif first is None and as_of - _midnight(following) >= 0.8 * (due - _midnight(following)):
                found.add((obligation, rule, key, "at_risk"))
            month = following

    period_due(8, "evaluation-due", document["evaluations"], "completed_at", 10)
    period_due(11, "report-due", document["reports"], "submitted_at", 15)
    for e in document["evaluations"]:
        if e.get("completed_at") and _t(e["completed_at"]) <= as_of:
            if not {"satisfaction", "efficiency", "quality"} <= set(e.get("covers") or []):
                found.add((9, "evaluation-coverage", e["id"], "incomplete"))
            if not any(r and r.strip() for r in e.get("recommendations") or []):
                found.add((10, "evaluation-recommendations", e["id"], "missing"))
    for r in document["reports"]:
        if r.get("submitted_at") and _t(r["submitted_at"]) <= as_of:
            sections = r.get("sections") or {}
            if not all((sections.get(s) or "").strip() for s in ("method", "results", "problems", "recommendations")):
                found.add((12, "report-complete", r["id"], "incomplete"))
    for d in document["disclosures"]:
        if d.get("third_party") is True and d.get("consent") is not True:
            found.add((13, "disclosure-consent", d["id"], "prohibited"))
        if (d.get("purpose") or "").strip() not in ("", "contract"):
            found.add((14, "disclosure-purpose", d["id"], "prohibited"))
    return found, shares


def _as_tuples(expected: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(e["obligation"], e["rule"], e["subject"], e["outcome"]) for e in expected}


# --------------------------------------------------------------------------- tests

def test_sample_fixture_is_what_the_documented_command_makes(tmp_path: Path) -> None:
    records, expected = tmp_path / "sample-month.json", tmp_path / "sample-month.expected.json"
    assert gen.main(["--complaints", "300", "--seed", "2026", "--indent", "2",
                     "-o", str(records), "--expected", str(expected)]) == 0
    assert records.read_bytes() == (FIXTURES / "sample-month.json").read_bytes()
    assert expected.read_bytes() == (FIXTURES / "sample-month.expected.json").read_bytes()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_same_seed_gives_the_same_bytes(fmt: str) -> None:
    assert _records(400, 7, fmt) == _records(400, 7, fmt)
    assert _records(400, 7, fmt) != _records(400, 8, fmt)


def test_gzip_output_is_deterministic_and_holds_the_records(tmp_path: Path) -> None:
    paths = [tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"]
    for path in paths:
        assert gen.main(["--complaints", "200", "--seed", "3", "-o", str(path)]) == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert gzip.decompress(paths[0].read_bytes()) == _records(200, 3, "jsonl")


def test_json_and_jsonl_carry_the_same_records() -> None:
    assert json.loads(_records(500, 11, "json")) == _from_jsonl(_records(500, 11, "jsonl"))


def test_pretty_json_is_byte_for_byte_json_dumps() -> None:
    month = gen.generate(50, 5)
    out = io.BytesIO()
    gen.write_records(month, out, "json", indent=2)
    text = out.getvalue().decode()
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_the_sample_month_plants_a_handful_of_each_breach() -> None:
    expected = json.loads((FIXTURES / "sample-month.expected.json").read_text())
    assert expected == sorted(expected, key=lambda e: (e["obligation"], e["rule"], e["subject"], e["outcome"]))
    kinds = Counter((e["rule"], e["outcome"]) for e in expected if e["subject"].startswith("C-"))
    assert set(kinds) == {(k.rule, k.outcome) for k in gen.COMPLAINT_KINDS}
    assert all(2 <= count <= 5 for count in kinds.values()), kinds
    assert _as_tuples(expected) - {(o, r, s, x) for o, r, s, x in _as_tuples(expected) if s.startswith("C-")} == {
        (1, "channels-open", "website", "missing"),
        (9, "evaluation-coverage", "EV-2026-10", "incomplete"),
        (10, "evaluation-recommendations", "EV-2026-09", "missing"),
        (11, "report-due", "2026-10-01/2026-10-31", "late"),
        (12, "report-complete", "RP-2026-10", "incomplete"),
        (13, "disclosure-consent", "D-2", "prohibited"),
        (14, "disclosure-purpose", "D-3", "prohibited"),
    }


@pytest.mark.parametrize("source", ["sample", "generated"])
def test_planted_breaches_are_exactly_what_a_checker_must_find(source: str) -> None:
    if source == "sample":
        document = json.loads((FIXTURES / "sample-month.json").read_text())
        expected = json.loads((FIXTURES / "sample-month.expected.json").read_text())
        boundary = "C-0001"  # fixtures/README.md
    else:  # many breaches, to reach the corners (late resolution at the month's end, and so on)
        month = gen.generate(3000, 19, breach_rate=0.5)
        out = io.BytesIO()
        gen.write_records(month, out, "jsonl")
        document, expected, boundary = _from_jsonl(out.getvalue()), month.expected(), month.boundary
    found, shares = _judge(document)
    assert found == _as_tuples(expected)
    # Unplanted deadlines are met within half their limit; the one boundary case exactly at it.
    at_limit = [(cid, rule) for cid, rule, share in shares if share > 0.5]
    assert at_limit == [(boundary, "first-response")] and max(s for *_, s in shares) == 1.0


def test_the_breach_share_is_exact_and_evenly_spread() -> None:
    month = gen.generate(1100, 23, breach_rate=0.1)
    counts = Counter((e["rule"], e["outcome"]) for e in month.expected() if e["subject"].startswith("C-"))
    assert sum(counts.values()) == 110 and set(counts.values()) == {10}


def test_an_export_uses_every_way_of_writing_a_record() -> None:
    complaints = json.loads(_records(2000, 2))["complaints"]
    stamps = [c["received_at"] for c in complaints]
    assert stamps == sorted(stamps, key=_t)  # ids in order of receipt
    assert {s[19:] for s in stamps} == {"+08:00", "", "Z"}
    assert {c["status"] for c in complaints} == {"open", "resolved", "closed", "withdrawn"}
    assert any(len(c.get("pauses") or []) == 2 for c in complaints)
    assert any("agent" in c for c in complaints) and any(None in c.values() for c in complaints)
    assert not any(c["channel"].startswith("web") and "2026-10-11" <= c["received_at"][:10] <= "2026-10-12"
                   for c in complaints)


@pytest.mark.skipif(gen._orjson is None, reason="orjson is not installed")
def test_orjson_and_json_write_the_same_bytes() -> None:
    for record in json.loads(_records(300, 4))["complaints"]:
        assert gen._orjson.dumps(record) == json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def test_an_as_of_before_the_deadlines_ran_out_is_refused() -> None:
    with pytest.raises(ValueError, match="as_of"):
        gen.generate(10, 1, as_of="2026-11-15T00:00:00+08:00")
