"""Every YAML rule case under `cases/` (one file per rule), run through the shipped rulebook.

A case patches the file's base records, optionally overrides terms (the file's `terms`, then the
case's), and lists the findings the rule must give (only the keys it names are compared;
`message_contains` checks a piece of the message). `pytest -k first-response` selects a rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support import merge

from check_compliance import Checker, load_rulebook
from check_compliance.obligations.loading import validate_records
from check_compliance.obligations.terms import DEFAULT_TERMS, Terms, _merge

CASES = Path(__file__).parent / "cases"
_CHECKERS: dict[str, Checker] = {}


def _cases():  # type: ignore[no-untyped-def]
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            yield pytest.param(spec, case, id=f"{path.stem}::{case['name']}")


def _checker(terms_patch: dict | None) -> Checker:
    key = repr(terms_patch)
    if key not in _CHECKERS:
        defaults = yaml.safe_load(DEFAULT_TERMS.read_text(encoding="utf-8"))
        terms = Terms.model_validate(_merge(defaults, terms_patch or {}))
        _CHECKERS[key] = Checker(load_rulebook(), terms)
    return _CHECKERS[key]


@pytest.mark.parametrize(("spec", "case"), list(_cases()))
def test_rule_case(spec: dict, case: dict) -> None:
    document = merge(spec["records"], case.get("records", {}))
    terms = merge(spec.get("terms", {}), case.get("terms", {})) or None
    report = _checker(terms).check(validate_records(document, case["name"]))
    got = [f.model_dump(mode="json") for f in report.findings if f.rule == spec["rule"]]
    expected = case["expect"]
    assert len(got) == len(expected), f"expected {expected}, got {[(g['outcome'], g['subject'], g['message']) for g in got]}"
    for want, have in zip(expected, got):
        for key, value in want.items():
            if key == "message_contains":
                assert value in have["message"], have["message"]
                continue
            evidence = ("missing", "gaps", "urgency", "working_delay_seconds", "elapsed_seconds", "clock", "limit")
            actual = have["evidence"].get(key) if key in evidence else have.get(key)
            if key == "subject" and isinstance(value, str):
                actual = have["subject"]["id"]
            assert actual == value, f"{key}: expected {value!r}, got {actual!r} ({have['message']})"
