"""A malformed rule or terms file is an error naming file:line:col and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_compliance import Checker, RulebookError, TermsError, load_rulebook, load_terms

RULES = Path(__file__).resolve().parents[2] / "rules"
RULE = """\
section: "3"
title: {zh: 保密, en: Confidentiality}
rules:
  - id: disclosure-consent
    obligation: 13
    clause: "3.1"
    breach: 6
    party: subject
    title: {zh: 未经同意不得披露, en: No disclosure without consent}
    kind: forbidden
    subject: disclosure
    condition: {field: third_party, eq: true}
    message:
      prohibited: {zh: "披露 {subject}", en: "Disclosed {subject}"}
"""


def _rules(tmp_path: Path, text: str) -> Path:
    (tmp_path / "confidentiality.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(RulebookError) as raised:
        Checker(load_rulebook(_rules(tmp_path, text)), load_terms())
    return str(raised.value)


def test_the_shipped_rulebook_has_every_obligation() -> None:
    rulebook = load_rulebook()
    assert sorted(r.obligation for r in rulebook.rules) == list(range(1, 15))
    assert len({r.id for r in rulebook.rules}) == 14


def test_a_valid_rule_file_loads(tmp_path: Path) -> None:
    assert [r.id for r in load_rulebook(_rules(tmp_path, RULE)).rules] == ["disclosure-consent"]


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    text = _error(tmp_path, RULE.replace("    breach: 6", "    breach: 6\n    severty: error"))
    assert "confidentiality.yaml:8:5: unknown key 'severty'" in text and "(did you mean 'severity'?)" in text


def test_unknown_kind_lists_the_kinds(tmp_path: Path) -> None:
    text = _error(tmp_path, RULE.replace("kind: forbidden", "kind: sometimes"))
    assert "confidentiality.yaml:" in text and "'deadline'" in text and "'always_open'" in text


def test_unknown_operator_in_a_condition(tmp_path: Path) -> None:
    text = _error(tmp_path, RULE.replace("eq: true}", "equals: true}"))
    assert "confidentiality.yaml:12:" in text and "'equals'" in text


def test_unknown_record_field_in_a_condition(tmp_path: Path) -> None:
    text = _error(tmp_path, RULE.replace("field: third_party", "field: thirdparty"))
    assert "disclosure has no field 'thirdparty'" in text and "(did you mean 'third_party'?)" in text


def test_unknown_message_placeholder(tmp_path: Path) -> None:
    text = _error(tmp_path, RULE.replace("Disclosed {subject}", "Disclosed {subjekt}"))
    assert "confidentiality.yaml:14:" in text and "unknown placeholder {subjekt}" in text


def test_message_placeholder_cannot_reach_attributes(tmp_path: Path) -> None:
    text = _error(tmp_path, RULE.replace("Disclosed {subject}", "Disclosed {subject.__class__}"))
    assert "unknown placeholder" in text


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = _error(tmp_path, RULE.replace("    clause: \"3.1\"", "    clause: [3.1"))
    assert "confidentiality.yaml:" in text and "not valid YAML" in text


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    (tmp_path / "more.yaml").write_text(RULE, encoding="utf-8")
    text = _error(tmp_path, RULE)
    assert "duplicate rule id 'disclosure-consent'" in text


def test_yaml_is_data_not_code(tmp_path: Path) -> None:
    text = _error(tmp_path, RULE.replace('section: "3"', 'section: !!python/object/apply:os.system ["true"]'))
    assert "not valid YAML" in text


def test_terms_unknown_key_suggests(tmp_path: Path) -> None:
    path = tmp_path / "terms.yaml"
    path.write_text("limit:\n  registration: 12h\n")
    with pytest.raises(TermsError, match=r"terms.yaml:1:1: unknown key 'limit'.*\(did you mean 'limits'\?\)") as caught:
        load_terms(path)
    problem = caught.value.problems[0]
    assert (problem.path, problem.line, problem.column, problem.suggestion) == ("limit", 1, 1, "limits")


def test_terms_partial_table_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "terms.yaml"
    path.write_text("limits:\n  resolution: {urgent: 12h}\n")
    with pytest.raises(TermsError, match=r"required key 'high' is missing"):
        load_terms(path)


def test_terms_misspelt_limit_is_caught_when_bound_to_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "terms.yaml"
    path.write_text("limits:\n  first_responce: 1h\n")
    with pytest.raises(TermsError, match=r"no rule uses this limit;.*\(did you mean 'first_response'\?\)"):
        Checker(load_rulebook(), load_terms(path))


def test_terms_override_only_what_they_name(tmp_path: Path) -> None:
    path = tmp_path / "terms.yaml"
    path.write_text("limits:\n  registration: PT12H\nevaluation:\n  due_days: 5\n")
    terms = load_terms(path)
    assert str(terms.limit_for("registration", None)) == "12h"
    assert terms.evaluation.due_days == 5 and terms.evaluation.covers == ["satisfaction", "efficiency", "quality"]
    assert str(terms.limit_for("first_response", "urgent")) == "2h"


def test_a_rulebook_past_durable_rules_table_sizes_is_refused(tmp_path: Path) -> None:
    # 90 deadline rules make 270 engine rules share the test `in_term == true`, where
    # durable_rules segfaults at 256; their facts would also pass its 253 properties.
    # Refused when compiled, before any record.
    rule = (RULES / "complaints.yaml").read_text(encoding="utf-8")
    block = rule[rule.index("  - id: registration"):rule.index("  - id: classification")]
    body = "".join(block.replace("id: registration", f"id: registration-{i}") for i in range(90))
    (tmp_path / "many.yaml").write_text('section: "1"\ntitle: {zh: 多, en: Many}\nrules:\n' + body, encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        Checker(load_rulebook(tmp_path), load_terms())
    assert "270 outcome rules share one test; durable_rules holds at most 254" in str(raised.value)
    assert "properties; durable_rules takes at most 253" in str(raised.value)
