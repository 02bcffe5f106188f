"""A deadline's limit keyed by any complaint field (terms), and its errors at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_compliance import Checker, load_rulebook
from check_compliance.obligations.errors import TermsError
from check_compliance.obligations.terms import load_terms


def _terms(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "terms.yaml"
    path.write_text(text, encoding="utf-8")
    return load_terms(path)


def test_a_keyed_table_replaces_the_default_urgency_table_whole(tmp_path: Path) -> None:
    terms = _terms(tmp_path, "limits:\n  resolution: {by: category, values: {network: 2d, billing: 3bd}, default: 5d}\n")
    assert terms.limit_key("resolution", by_table=False) == "category"
    assert [str(terms.limit_at("resolution", v)) for v in ("network", " billing ", "other", None, "  ")] == ["2d", "3bd", "5d", "5d", "5d"]
    assert terms.limit_key("first_response", by_table=True) == "urgency"  # the others keep their table
    assert terms.limit_key("first_response", by_table=False) is None
    Checker(load_rulebook(), terms)  # the shipped rules take it as it is


def test_an_unknown_key_field_is_named_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(TermsError, match=r"terms.yaml:3:9: a limit can be keyed by category, channel, urgency, status, not 'categroy' \(did you mean 'category'\?\)"):
        _terms(tmp_path, "limits:\n  resolution:\n    by: categroy\n    values: {network: 2d}\n    default: 5d\n")


def test_an_unknown_urgency_value_is_named_at_its_key(tmp_path: Path) -> None:
    with pytest.raises(TermsError, match=r"terms.yaml:2:38: unknown urgency 'urgnet'; allowed: urgent, high, normal, low \(did you mean 'urgent'\?\)"):
        _terms(tmp_path, "limits:\n  resolution: {by: urgency, values: {urgnet: 4h}, default: 2d}\n")


def test_an_unknown_status_value_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TermsError, match=r"unknown status 'resolve'.*did you mean 'resolved'"):
        _terms(tmp_path, "limits:\n  resolution: {by: status, values: {resolve: 4h}, default: 2d}\n")


def test_a_table_without_default_must_list_every_allowed_value(tmp_path: Path) -> None:
    with pytest.raises(TermsError, match=r"terms.yaml:2:16: limit 'resolution' by category needs a `default`"):
        _terms(tmp_path, "limits:\n  resolution: {by: category, values: {network: 2d}}\n")
    # by urgency, the four urgencies are every value there is
    terms = _terms(tmp_path, "limits:\n  resolution: {by: urgency, values: {urgent: 1h, high: 2h, normal: 3h, low: 4h}}\n")
    assert str(terms.limit_at("resolution", None)) == "3h"


def test_a_bad_duration_in_a_keyed_table_is_named(tmp_path: Path) -> None:
    with pytest.raises(TermsError, match=r"terms.yaml:2:\d+: .*expected a duration such as 30m"):
        _terms(tmp_path, "limits:\n  resolution: {by: category, values: {network: soon}, default: 5d}\n")
