"""A baseline is of one contract under one rulebook: another's is refused (exit 2, saying which
differs and how to write a new one); one that does not say is refused too; duplicate keys, depth
and size are input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from yaml_inputs import SAMPLE, invoke, refused, rules_dir

from check_compliance import BaselineError
from check_compliance.engine.baseline import BASELINE_VERSION, MAX_BASELINE_BYTES, load_baseline

FIX = "write a new baseline from this check with --write-baseline FILE (without --baseline)"


def _baseline(tmp_path: Path, *args: str) -> Path:
    path = tmp_path / "baseline.json"
    assert invoke(str(SAMPLE), "--write-baseline", str(path), *args).exit_code == 1
    return path


def _edited(path: Path, **changes: object) -> Path:
    document = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            del document[key]
        else:
            document[key] = value
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_written_baseline_names_its_contract_and_rulebook(tmp_path: Path) -> None:
    document = json.loads(_baseline(tmp_path).read_text(encoding="utf-8"))
    report = json.loads(invoke(str(SAMPLE), "--format", "json").output)
    assert document["version"] == BASELINE_VERSION == 2
    assert (document["contract"], document["rulebook"]) == (report["contract"], report["rulebook"])


def test_the_same_checks_baseline_is_accepted(tmp_path: Path) -> None:
    path = _baseline(tmp_path)
    assert invoke(str(SAMPLE), "--baseline", str(path)).exit_code == 0
    report = tmp_path / "report.json"
    invoke(str(SAMPLE), "--format", f"json:{report}")
    assert invoke(str(SAMPLE), "--baseline", str(report)).exit_code == 0  # a JSON report names both too


def test_another_contracts_baseline_is_refused(tmp_path: Path) -> None:
    path = _edited(_baseline(tmp_path), contract="HT-2025-007")
    refused(invoke(str(SAMPLE), "--baseline", str(path)), f"{path}: 1 baseline error",
            'contract: written for contract "HT-2025-007", but this check is of contract "HT-2026-001"', FIX)


def test_another_rulebooks_baseline_is_refused(tmp_path: Path) -> None:
    path = _baseline(tmp_path)
    directory = rules_dir(tmp_path, lambda text: text + "\n# a comment changes the rulebook's sha256\n")
    output = refused(invoke(str(SAMPLE), "--rules", str(directory), "--baseline", str(path)), "rulebook.sha256: written under rulebook sha256", "its findings were judged by other rules", FIX)
    assert "written for contract" not in output  # the same contract: only the rulebook differs
    # Written under that rulebook, it is that rulebook's baseline.
    other = tmp_path / "other.json"
    assert invoke(str(SAMPLE), "--rules", str(directory), "--write-baseline", str(other)).exit_code == 1
    assert invoke(str(SAMPLE), "--rules", str(directory), "--baseline", str(other)).exit_code == 0


def test_both_differences_are_named(tmp_path: Path) -> None:
    path = _edited(_baseline(tmp_path), contract="X", rulebook={"id": "shipped", "sha256": "0" * 64})
    refused(invoke(str(SAMPLE), "--baseline", str(path)), "2 baseline errors", "written for contract", "written under rulebook sha256 000000000000…")


@pytest.mark.parametrize("missing", ["contract", "rulebook"])
def test_a_baseline_that_does_not_say_what_it_is_of_is_refused(tmp_path: Path, missing: str) -> None:
    path = _edited(_baseline(tmp_path), **{missing: None})
    refused(invoke(str(SAMPLE), "--baseline", str(path)), f"{missing}: required field is missing", "write it again with --write-baseline FILE")


def test_a_version_1_baseline_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = _edited(_baseline(tmp_path), version=1, rulebook=None)
    refused(invoke(str(SAMPLE), "--baseline", str(path)), "rulebook: required field is missing", "written before baseline version 2")


def test_a_bad_rulebook_digest(tmp_path: Path) -> None:
    path = _edited(_baseline(tmp_path), rulebook={"sha256": "abc"})
    refused(invoke(str(SAMPLE), "--baseline", str(path)), "rulebook.sha256: String should match pattern")


def test_duplicate_keys_in_a_baseline_name_both_places(tmp_path: Path) -> None:
    path = _baseline(tmp_path)
    text = path.read_text(encoding="utf-8").replace('"id": "C-0102"', '"id": "C-0102", "id": "*"', 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = next(n for n, row in enumerate(lines, 1) if '"id": "*"' in row)
    first, second = lines[line - 1].index('"id"') + 1, lines[line - 1].rindex('"id"') + 1
    refused(invoke(str(SAMPLE), "--baseline", str(path)), f"line {line} column {second}: duplicate key \"id\" (first at line {line} column {first})")


def test_deep_huge_and_oversized_baselines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "baseline.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    refused(invoke(str(SAMPLE), "--baseline", str(path)), "nested too deeply")
    path.write_text('{"findings": [], "x": ' + "9" * 5000 + "}", encoding="utf-8")
    refused(invoke(str(SAMPLE), "--baseline", str(path)), "a number of more than 4,300 digits")
    monkeypatch.setenv("CHECK_COMPLIANCE_MAX_BASELINE_BYTES", "100")
    refused(invoke(str(SAMPLE), "--baseline", str(_baseline(tmp_path))), "larger than 100 bytes (MAX_BASELINE_BYTES)", "CHECK_COMPLIANCE_MAX_BASELINE_BYTES")
    assert MAX_BASELINE_BYTES == 64 * 1024 * 1024


def test_the_library_refuses_at_apply(tmp_path: Path) -> None:
    from check_compliance import Checker, load_records
    from check_compliance.engine.baseline import apply_baseline

    baseline = load_baseline(_edited(_baseline(tmp_path), contract="X"))
    with pytest.raises(BaselineError, match="written for contract"):
        apply_baseline(Checker().check(load_records(SAMPLE)), baseline)
