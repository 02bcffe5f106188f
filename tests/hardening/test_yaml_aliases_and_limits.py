"""Anchors, aliases and merge keys refused (billion laughs costs nothing); size, depth and value limits."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from yaml_inputs import BILLION_LAUGHS, KINDS, WAIVER, error_class, invoke, load, refused, write

from check_compliance.obligations.yamlsrc import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES, YamlSyntaxError, parse_yaml


@pytest.mark.parametrize("kind", KINDS)
def test_billion_laughs_exits_2_at_the_first_anchor(tmp_path: Path, kind: str) -> None:
    path, args = write(tmp_path, kind, BILLION_LAUGHS)
    refused(invoke(*args), f"{path}:1:4: an anchor (&a) is not allowed", "write each value out in full")


@pytest.mark.parametrize("kind", KINDS)
def test_billion_laughs_costs_almost_no_memory(tmp_path: Path, kind: str) -> None:
    path, _ = write(tmp_path, kind, BILLION_LAUGHS)
    tracemalloc.start()
    try:
        with pytest.raises(error_class(kind), match="anchor"):
            load(kind, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # expanded, it is 3-4 GB


def test_an_alias_without_its_anchor_and_a_merge_key(tmp_path: Path) -> None:
    path, args = write(tmp_path, "waivers", "waivers:\n  - *w\n")
    refused(invoke(*args), f"{path}:2:5: an alias (*w) is not allowed", "expand to gigabytes")
    path, args = write(tmp_path, "terms", "limits:\n  <<: {registration: 4h}\n")
    refused(invoke(*args), f"{path}:2:3: the merge key `<<` is not allowed")


def test_alias_message_says_why() -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        parse_yaml("a: &x 1\n", "x.yaml")
    assert "anchors and aliases are refused" in str(raised.value)
    with pytest.raises(YamlSyntaxError) as raised:
        parse_yaml("- [1]\n- *x\n", "x.yaml")
    assert "x.yaml:2:3:" in str(raised.value)


def test_file_larger_than_the_limit_is_refused_and_the_limit_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    padding = "# " + "x" * 1000 + "\n"
    body = padding * (MAX_YAML_BYTES // len(padding) + 1) + WAIVER
    path, args = write(tmp_path, "waivers", body)
    refused(invoke(*args), f"{path}:", f"larger than {MAX_YAML_BYTES:,} bytes (MAX_YAML_BYTES)", "CHECK_COMPLIANCE_MAX_YAML_BYTES")
    monkeypatch.setenv("CHECK_COMPLIANCE_MAX_YAML_BYTES", str(2 * MAX_YAML_BYTES))
    assert len(load("waivers", path)) == 1
    for wrong in ("lots", "²", "-5", "9" * 5000):
        monkeypatch.setenv("CHECK_COMPLIANCE_MAX_YAML_BYTES", wrong)
        refused(invoke(*args), "CHECK_COMPLIANCE_MAX_YAML_BYTES", "expected a whole number of bytes")


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    padding = "#" * (MAX_YAML_BYTES - len(WAIVER) - 1) + "\n"
    path, _ = write(tmp_path, "waivers", padding + WAIVER)
    assert path.stat().st_size == MAX_YAML_BYTES and len(load("waivers", path)) == 1


def test_endless_input_is_read_only_to_the_limit(tmp_path: Path) -> None:
    refused(invoke(str(tmp_path / "x.json"), "--terms", "/dev/zero"), "/dev/zero:", "MAX_YAML_BYTES")


def test_nesting_deeper_than_the_limit(tmp_path: Path) -> None:
    deep = "a: " + "[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1) + "\n"
    path, args = write(tmp_path, "terms", deep)
    refused(invoke(*args), f"{path}:1:{MAX_YAML_DEPTH + 3}: nested more than {MAX_YAML_DEPTH} levels deep (MAX_YAML_DEPTH)")
    # Exactly at the limit it is YAML the loader reads (and the terms refuse as an unknown key).
    at_limit = "a: " + "[" * (MAX_YAML_DEPTH - 1) + "]" * (MAX_YAML_DEPTH - 1) + "\n"
    assert parse_yaml(at_limit, "x.yaml").data is not None
    refused(invoke(*write(tmp_path, "terms", "x: " + "[" * 10_000)[1]), "MAX_YAML_DEPTH")


def test_more_values_than_the_limit(tmp_path: Path) -> None:
    many = "[" + ",".join(["1"] * MAX_YAML_NODES) + "]\n"  # the list itself is one more value
    path, args = write(tmp_path, "waivers", many)
    refused(invoke(*args), f"{path}:1:", f"more than {MAX_YAML_NODES:,} values (MAX_YAML_NODES)")
    assert len(parse_yaml("[" + ",".join(["1"] * (MAX_YAML_NODES - 1)) + "]\n", "x.yaml").data) == MAX_YAML_NODES - 1


def test_keys_that_are_collections_tags_and_python_objects(tmp_path: Path) -> None:
    path, args = write(tmp_path, "terms", "? [a, b]\n: 1\n")
    refused(invoke(*args), f"{path}:1:3: a key must be a single value")
    path, args = write(tmp_path, "terms", "limits: !!omap [{registration: 4h}]\n")
    refused(invoke(*args), f"{path}:1:9: not valid YAML: the tag 'tag:yaml.org,2002:omap' is not supported")
    path, args = write(tmp_path, "waivers", "waivers: !!python/object/apply:os.system [echo]\n")
    refused(invoke(*args), f"{path}:1:10: not valid YAML")


def test_impossible_scalars_are_placed(tmp_path: Path) -> None:
    path, args = write(tmp_path, "waivers", WAIVER.replace("2026-12-31", "2026-02-30"))
    refused(invoke(*args), f"{path}:6:14: not a valid date or time")
    path, args = write(tmp_path, "terms", "evaluation:\n  due_days: " + "9" * 5000 + "\n")
    refused(invoke(*args), f"{path}:2:13: an integer of 5,000 digits is too long")


def test_billion_laughs_is_refused_before_anything_is_expanded() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(YamlSyntaxError, match="x.yaml:1:4: an anchor"):
            parse_yaml(BILLION_LAUGHS, "x.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_the_readme_states_these_limits() -> None:
    from check_compliance.engine.baseline import MAX_BASELINE_BYTES
    from check_compliance.obligations.durations import MAX_DAYS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### YAML files", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(" `"): line for line in section.splitlines() if line.startswith("| `")}
    assert f"{MAX_YAML_BYTES:,} bytes" in rows["MAX_YAML_BYTES"] and "CHECK_COMPLIANCE_MAX_YAML_BYTES" in rows["MAX_YAML_BYTES"]
    assert f"{MAX_YAML_NODES:,} values" in rows["MAX_YAML_NODES"]
    assert f"{MAX_YAML_DEPTH} levels" in rows["MAX_YAML_DEPTH"]
    assert f"{MAX_DAYS} days (100 years)" in rows["MAX_DAYS"]
    from check_compliance.obligations.waivers import MAX_SUBJECT_CHARS, MAX_SUBJECT_SETS

    assert f"{MAX_SUBJECT_CHARS} characters" in rows["MAX_SUBJECT_CHARS"] and f"{MAX_SUBJECT_SETS} `[...]` sets" in rows["MAX_SUBJECT_SETS"]
    assert f"{MAX_BASELINE_BYTES // 2**20} MiB" in rows["MAX_BASELINE_BYTES"] and "CHECK_COMPLIANCE_MAX_BASELINE_BYTES" in rows["MAX_BASELINE_BYTES"]


def test_a_waivers_subject_pattern_is_bounded(tmp_path: Path) -> None:
    # fnmatch translates "[[[[…" in time quadratic in its length: 50,000 of them took minutes.
    from check_compliance.obligations.waivers import MAX_SUBJECT_CHARS, MAX_SUBJECT_SETS

    path, args = write(tmp_path, "waivers", WAIVER.replace("subject: C-0102", "subject: '" + "[" * 50_000 + "'"))
    refused(invoke(*args), f"{path}:3:14: expected an id or pattern of at most {MAX_SUBJECT_CHARS} characters (MAX_SUBJECT_CHARS), got 50,000")
    path, args = write(tmp_path, "waivers", WAIVER.replace("subject: C-0102", "subject: '" + "[" * (MAX_SUBJECT_SETS + 1) + "'"))
    refused(invoke(*args), f"{path}:3:14: expected at most {MAX_SUBJECT_SETS} character sets [...] in a pattern (MAX_SUBJECT_SETS), got 11")
    path, _ = write(tmp_path, "waivers", WAIVER.replace("subject: C-0102", "subject: '" + "[C]" * MAX_SUBJECT_SETS + "x" * (MAX_SUBJECT_CHARS - 3 * MAX_SUBJECT_SETS) + "'"))
    assert len(load("waivers", path)[0].subject) == MAX_SUBJECT_CHARS
