"""hypothesis: random bytes and random JSON structures fed to the records loaders raise only CheckError."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

from hardening.records_support import CLEAN, jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from check_compliance import CheckError, load_records
from check_compliance.obligations.loading import parse_records, parse_records_jsonl, validate_records
from check_compliance.obligations.sources import open_records
from check_compliance.obligations.stream import RecordStream

FIELDS = ["id", "received_at", "status", "urgency", "satisfaction", "pauses", "from", "to", "contract", "complaints", "channels", "type",
          "timezone", "effective_on", "term_years", "as_of", "party", "at", "period", "start", "end", "evaluation", "covers", "sections"]
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
           | st.sampled_from(["2026-10-03T09:00:00+08:00", "0001-01-01T00:00:00+14:00", "9999-12-31", "urgent", "closed", "Asia/Shanghai", "\ud800"]))
JSONISH = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=5), inner, max_size=6),
                       max_leaves=30)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_check_errors(load: Any, *args: Any) -> None:
    try:
        result = load(*args)
        if isinstance(result, RecordStream):
            result.to_records()
    except CheckError:
        pass


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    _only_check_errors(parse_records, data)
    _only_check_errors(parse_records_jsonl, data)


@SETTINGS
@given(st.binary(max_size=500), st.sampled_from(["r.json", "r.jsonl", "r.json.gz", "r.jsonl.gz"]), st.booleans())
def test_random_bytes_in_files(data: bytes, name: str, compress: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(gzip.compress(data) if compress else data)
        _only_check_errors(open_records, path)
        _only_check_errors(load_records, path)


@SETTINGS
@given(JSONISH)
def test_random_json_structures(value: Any) -> None:
    _only_check_errors(validate_records, value)
    text = json.dumps(value)
    _only_check_errors(parse_records, text)
    _only_check_errors(parse_records_jsonl, text)


@SETTINGS
@given(st.dictionaries(st.sampled_from(FIELDS), JSONISH, max_size=8), st.integers(0, 2))
def test_random_fields_in_a_valid_export(patch: dict, where: int) -> None:
    doc = json.loads(json.dumps(CLEAN))
    target = [doc, doc["contract"], doc["complaints"][0]][where]
    target.update(patch)
    _only_check_errors(validate_records, doc)
    _only_check_errors(parse_records_jsonl, jsonl(doc))
    quarantine: list = []
    _only_check_errors(validate_records, doc, "<fuzz>", quarantine)
