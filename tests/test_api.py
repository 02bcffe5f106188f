"""The public API: one small `__all__`, typed, the gate in the library, every error in one tree."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import check_compliance
from check_compliance import (
    BaselineError,
    Checker,
    CheckError,
    EngineError,
    Gate,
    InputError,
    Problem,
    Records,
    RulebookError,
    TermsError,
    WaiverError,
    check,
    load_export,
    load_records,
    load_rulebook,
)
from check_compliance.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample-month.json"


def test_all_is_small_and_every_name_exists() -> None:
    assert len(check_compliance.__all__) <= 20
    for name in check_compliance.__all__:
        assert hasattr(check_compliance, name), name


def test_the_package_is_typed() -> None:
    assert (Path(check_compliance.__file__).parent / "py.typed").exists()


def test_check_and_checker_check_take_the_same_parameters() -> None:
    def after_records(function: object) -> list[tuple[str, object, object]]:
        parameters = list(inspect.signature(function).parameters.values())  # type: ignore[arg-type]
        keyword = [p for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
        return [(p.name, p.default, p.annotation) for p in keyword]

    assert after_records(check) == after_records(Checker.check)
    assert [p for p in inspect.signature(check).parameters][:3] == ["records", "rulebook", "terms"]


def test_the_error_tree_holds_every_error_and_its_docstring_draws_it() -> None:
    for error in (InputError, RulebookError, TermsError, WaiverError, BaselineError, EngineError):
        assert issubclass(error, CheckError)
        assert error.__name__ in check_compliance.__doc__  # type: ignore[operator]
        assert error.__name__ in check_compliance.__all__


def test_a_problem_carries_its_place_as_fields(tmp_path: Path) -> None:
    path = tmp_path / "terms.yaml"
    path.write_text("limits:\n  first_responce: 1h\n", encoding="utf-8")
    with pytest.raises(TermsError) as caught:
        Checker(load_rulebook(), check_compliance.load_terms(path))
    problem = caught.value.problems[0]
    assert isinstance(problem, Problem)
    assert problem.path == "limits.first_responce" and problem.suggestion == "first_response"
    assert problem.line is None and problem.column is None
    yaml_error = tmp_path / "bad.yaml"
    yaml_error.write_text("limits:\n  registration: [1h\n", encoding="utf-8")
    with pytest.raises(TermsError) as caught:
        check_compliance.load_terms(yaml_error)
    (problem,) = caught.value.problems
    assert problem.file == str(yaml_error) and problem.line == 3 and problem.column is not None


def test_load_records_takes_a_path_or_a_document() -> None:
    from_path = load_records(SAMPLE)
    from_document = load_records(from_path.model_dump(mode="json", by_alias=True))
    assert check(from_path).summary == check(from_document).summary


def test_load_export_reads_a_systems_export_through_a_mapping() -> None:
    parameters = inspect.signature(load_export).parameters
    assert list(parameters) == ["mapping", "files", "data_dir", "quarantine"]
    assert parameters["data_dir"].kind is inspect.Parameter.KEYWORD_ONLY and parameters["quarantine"].default is False
    records = load_export(ROOT / "mappings" / "servicenow.yaml")
    assert isinstance(records, Records) and records.complaints
    assert check(records).not_checked  # the mapping's not_tracked, reported by the library's check


def test_the_gate_lives_in_the_library(tmp_path: Path) -> None:
    report = check(load_records(SAMPLE))
    assert Gate().exit_code(Gate().apply(report)) == 1
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        + "".join(
            f"  - breach: {b}\n    subject: '*'\n    reason: accepted\n    approved_by: test\n    expires: 2099-01-01\n" for b in range(1, 7)
        ),
        encoding="utf-8",
    )
    gate = Gate(waivers=waivers, strict_waivers=False)
    gated = gate.apply(report)
    assert gated.summary.waived == report.summary.findings and gate.exit_code(gated) == 0
    (tmp_path / "typo.yaml").write_text("waivers:\n  - rule: first-responce\n    subject: '*'\n    reason: r\n    approved_by: a\n    expires: 2099-01-01\n", encoding="utf-8")
    with pytest.raises(WaiverError) as caught:
        Gate(waivers=tmp_path / "typo.yaml").apply(report)
    assert caught.value.problems[0].suggestion == "first-response"


def test_version_names_the_package_durable_rules_and_the_rulebook() -> None:
    for args in (["--version"], ["-V"], ["check", "--version"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert f"check-compliance {check_compliance.__version__}" in result.output
        assert "durable_rules 2.0.28" in result.output
        assert f"rulebook sha256 {load_rulebook().sha256}" in result.output


def test_the_runtime_never_registers_a_storage_callback(monkeypatch: pytest.MonkeyPatch) -> None:
    # durable_rules 2.0.28 calls PyEval_CallObject (gone in Python 3.13) only from these callbacks:
    # the extension is imported with lazy binding, which holds only while none is ever set.
    from check_compliance.engine import runtime

    callbacks = [name for name in dir(runtime.engine) if re.fullmatch(r"set_\w+_callback", name)]
    assert len(callbacks) == 5
    for name in callbacks:
        monkeypatch.setattr(runtime.engine, name, _refuse(name))
    assert check(load_records(SAMPLE)).summary.errors == 37
    source = Path(runtime.__file__).read_text(encoding="utf-8")
    assert not re.search(r"set_\w+_callback\(", source)


def _refuse(name: str):  # type: ignore[no-untyped-def]
    def refuse(*args: object) -> None:
        raise AssertionError(f"{name} was called")

    return refuse
