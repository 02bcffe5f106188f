"""Hostile JSON in a records file: each class refused with exit 2, its place and reason, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hardening.records_support import assert_refused, cli, document, jsonl

CONTRACT_LINE = '{"type":"contract","id":"X","effective_on":"2026-01-01","term_years":1}\n'


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return str(path)


def test_deep_nesting_10000_levels_names_max_depth(tmp_path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    assert_refused(cli(_write(tmp_path, "deep.json", '{"contract":' + deep + "}")), "MAX_DEPTH", "CHECK_COMPLIANCE_MAX_DEPTH", "line 1 column")
    assert_refused(cli(_write(tmp_path, "deep.jsonl", CONTRACT_LINE + '{"type":"complaint","x":' + deep + "}\n")), "line 2", "MAX_DEPTH")


def test_nesting_past_max_depth_but_within_the_parser_names_the_path(tmp_path: Path) -> None:
    doc = document(extra=json.loads("[" * 70 + "]" * 70))
    stderr = assert_refused(cli(_write(tmp_path, "r.json", json.dumps(doc))), "MAX_DEPTH of 64 levels", "complaints[0].extra")
    assert "levels)" in stderr  # the path is cut, not 70 levels long
    # Raised through the environment, the same file passes the limit.
    assert cli(_write(tmp_path, "r.json", json.dumps(doc)), env={"CHECK_COMPLIANCE_MAX_DEPTH": "100"}).returncode == 0


def test_integer_of_5000_digits(tmp_path: Path) -> None:
    text = json.dumps(document())[:-1] + ', "x": ' + "9" * 5000 + "}"
    assert_refused(cli(_write(tmp_path, "r.json", text)), "a number beyond the range", "column")


def test_huge_numbers_in_fields(tmp_path: Path) -> None:
    assert_refused(cli(_write(tmp_path, "r.json", json.dumps(document(satisfaction=1e308)))), 'complaints[0].satisfaction (id "C-1")', "integer")
    assert_refused(cli(_write(tmp_path, "r.json", json.dumps(document(satisfaction=10**30)))), "complaints[0].satisfaction")
    doc = document()
    doc["contract"]["term_years"] = 10**18
    assert_refused(cli(_write(tmp_path, "r.json", json.dumps(doc))), "contract.term_years", "100")


@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:00:00-08:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59+14:00"])
def test_instants_in_years_1_and_9999_with_offsets(tmp_path: Path, instant: str) -> None:
    for field in ("received_at", "resolved_at"):
        path = _write(tmp_path, "r.json", json.dumps(document(**{field: instant})))
        assert_refused(cli(path), f'complaints[0].{field} (id "C-1")', "outside 1900-2199")
        assert_refused(cli(_write(tmp_path, "r.jsonl", jsonl(document(**{field: instant})))), "line 5", field, "outside 1900-2199")


def test_contract_effective_in_9999(tmp_path: Path) -> None:
    doc = document()
    doc["contract"]["effective_on"] = "9999-06-01"
    assert_refused(cli(_write(tmp_path, "r.json", json.dumps(doc))), "contract.effective_on", "year 9999")


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-23:59", "99999-01-01", "1e400", "2026-13-01T00:00:00", "x" * 10_000])
def test_extreme_as_of_values(as_of: str) -> None:
    result = cli(str(Path(__file__).parents[1] / "fixtures" / "clean.json"), "--as-of", as_of)
    stderr = assert_refused(result, "--as-of")
    assert len(stderr) < 1000  # the value is excerpted, not echoed


@pytest.mark.parametrize("as_of", ["2199-12-31T23:59:59-12:00", "1900-01-01T00:00:00+14:00"])
def test_as_of_at_the_edges_of_the_years_allowed_is_judged(as_of: str) -> None:
    result = cli(str(Path(__file__).parents[1] / "fixtures" / "clean.json"), "--as-of", as_of)
    assert result.returncode in (0, 1), result.stderr[-2000:]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity(tmp_path: Path, token: str) -> None:
    text = json.dumps(document(satisfaction=1)).replace('"satisfaction": 1', f'"satisfaction": {token}')
    assert_refused(cli(_write(tmp_path, "r.json", text)), f"{token.lstrip('-')} is not a JSON number", "line 1 column")
    assert_refused(cli(_write(tmp_path, "r.jsonl", jsonl(document(satisfaction=1)).replace('"satisfaction": 1', f'"satisfaction": {token}'))), "line 5", token.lstrip('-'))


@pytest.mark.parametrize("where", ["id", "purpose"])
def test_lone_surrogate_in_an_id_or_a_purpose_is_refused_cleanly(tmp_path: Path, where: str) -> None:
    doc = document()
    if where == "id":
        doc["complaints"][0]["id"] = "C-\ud800"
    else:
        doc["disclosures"] = [{"id": "D-1", "party": "B", "information": "customer_information", "at": "2026-10-05T10:00:00+08:00", "purpose": "x\ud800"}]
    escaped = json.dumps(doc)  # "\ud800" as an escape, as JSON writers emit it
    assert_refused(cli(_write(tmp_path, "r.json", escaped)), "lone surrogate", "line 1 column")
    assert_refused(cli(_write(tmp_path, "r.jsonl", jsonl(doc).replace("\\ud800", "\\ud800"))), "lone surrogate")
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")  # the same, encoded raw: not UTF-8
    (tmp_path / "raw.json").write_bytes(raw)
    assert_refused(cli(str(tmp_path / "raw.json")), "not UTF-8 text", "lone surrogate")


def test_not_utf8_and_not_an_object(tmp_path: Path) -> None:
    (tmp_path / "latin1.json").write_bytes(json.dumps(document(category="caf\u00e9"), ensure_ascii=False).encode("latin-1"))
    assert_refused(cli(str(tmp_path / "latin1.json")), "not UTF-8 text", "at byte")
    assert_refused(cli(_write(tmp_path, "list.json", "[1, 2]")), "expected a JSON object", '"[1, 2]"')
