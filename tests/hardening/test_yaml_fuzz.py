"""Random bytes, random YAML-ish text and random documents of the right shape, fed to every loader
of a YAML file and to the baseline loader: nothing but a CheckError subclass ever comes out."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from check_compliance import CheckError, load_rulebook, load_terms
from check_compliance.engine.baseline import load_baseline, parse_baseline
from check_compliance.obligations.exports import load_mapping
from check_compliance.obligations.waivers import load_waivers, parse_waivers
from check_compliance.obligations.yamlsrc import YamlSyntaxError, parse_yaml

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of YAML that reach the parser's corners: anchors, aliases, merges, tags, flow and block
# collections, impossible dates, huge numbers, controls, BOMs, keys that collide.
TOKENS = [
    "limits:", "waivers:", "rules:", "section:", "- ", "  ", "\n", ": ", "&a ", "*a", "<<: ", "!!python/object:os.system ",
    "!!set ", "!!binary ", "{", "}", "[", "]", ",", "? ", "2026-02-30", "2026-12-31", "9" * 5000, "1e400", ".nan", "~", "true",
    "'q'", '"\\ud800"', "\x00", "\x1b", "\u202e", "\ufeff", "\t", "\r\n", "---\n", "...\n", "#", "%YAML 1.1\n", "1000000000d",
    "2bd", "PT8H", "-1", "0", "|\n  x\n", ">\n  y\n", "subject: C-0102\n", 'subject: "*"\n',
]
yaml_ish = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.text(max_size=20),
                    st.sampled_from(["4h", "2bd", "1000000000d", "month", "2026-12-31", "first-response", "C-0102", "*", "urgent"]))


def _documents(keys: list[str]) -> st.SearchStrategy[Any]:
    names = st.sampled_from(keys) | st.text(max_size=8)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=5), max_leaves=25)


TERMS_KEYS = ["limits", "registration", "first_response", "resolution", "urgent", "high", "normal", "low", "evaluation", "period", "due_days",
              "covers", "report", "sections", "channels", "required", "at_risk", "calendars", "support", "timezone", "hours", "mon-fri",
              "holidays", "country", "extra_holidays", "clocks", "not_tracked", "unclassified_urgency"]
WAIVER_KEYS = ["waivers", "rule", "clause", "breach", "subject", "subject_type", "reason", "approved_by", "expires"]
RULE_KEYS = ["section", "title", "zh", "en", "rules", "id", "obligation", "clause", "breach", "party", "kind", "deadline", "subject",
             "from", "to", "limit", "message", "late", "fields", "when", "due_days", "term", "record", "delivered"]
MAPPING_KEYS = ["version", "name", "source", "files", "shape", "rows", "contract", "id", "timezone", "complaint", "column", "received_at",
                "timestamps", "derive", "lookups", "channels", "as_of", "not_tracked"]
BASELINE_KEYS = ["version", "contract", "rulebook", "sha256", "as_of", "findings", "rule", "subject", "type", "id", "severity"]


def _loads_cleanly(load: Callable[[], object]) -> None:
    try:
        load()
    except CheckError:
        pass


def _through_file(data: bytes, name: str, load: Callable[[Path], object]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_bytes(data)
        _loads_cleanly(lambda: load(path))


LOADERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "terms": ("terms.yaml", load_terms),
    "waivers": ("waivers.yaml", load_waivers),
    "rules": ("complaints.yaml", lambda path: load_rulebook(path.parent)),
    "mapping": ("mapping.yaml", load_mapping),
    "baseline": ("baseline.json", load_baseline),
}


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(sorted(LOADERS)))
def test_random_bytes(data: bytes, kind: str) -> None:
    _through_file(data, *LOADERS[kind])


@FUZZ
@given(yaml_ish, st.sampled_from(sorted(LOADERS)))
@example("? limits:" + "9" * 5000, "terms")  # found by this test: errors sorted paths with int()
@example("²: 1\n", "waivers")
def test_random_yaml_ish_text(text: str, kind: str) -> None:
    _through_file(text.encode("utf-8", "surrogatepass"), *LOADERS[kind])
    if kind == "waivers":
        _loads_cleanly(lambda: parse_waivers(text))
    if kind == "baseline":
        _loads_cleanly(lambda: parse_baseline(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_documents_of_each_shape(data: st.DataObject) -> None:
    kind, keys = data.draw(st.sampled_from([("terms", TERMS_KEYS), ("waivers", WAIVER_KEYS), ("rules", RULE_KEYS), ("mapping", MAPPING_KEYS)]))
    document = data.draw(_documents(keys))
    _through_file(yaml.safe_dump(document, allow_unicode=True).encode("utf-8", "surrogatepass"), *LOADERS[kind])


@FUZZ
@given(_documents(BASELINE_KEYS))
def test_random_baseline_documents(document: Any) -> None:
    _loads_cleanly(lambda: parse_baseline(json.dumps(document)))
    if isinstance(document, dict):
        shaped = {"contract": "HT-2026-001", "rulebook": {"sha256": "0" * 64}, **document}
        _loads_cleanly(lambda: parse_baseline(json.dumps(shaped)))


plain = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(), st.dates()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4),
    max_leaves=30,
)


@FUZZ
@given(plain, st.booleans())
def test_the_reader_reads_what_safe_load_reads(document: Any, flow: bool) -> None:
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow)
    try:
        read = parse_yaml(text, "x.yaml").data
    except YamlSyntaxError as error:
        # Only what the reader refuses by design: characters safe_dump writes raw.
        assert "is not allowed in a YAML file" in error.message, error.message
        return
    assert read == yaml.safe_load(text)


def test_every_shipped_yaml_file_reads_as_safe_load_reads_it() -> None:
    root = Path(__file__).resolve().parents[2]
    files = [p for p in root.rglob("*.yaml") if ".git" not in p.parts]
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert parse_yaml(text, str(path)).data == yaml.safe_load(text), path
