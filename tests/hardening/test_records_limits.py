"""Bounded time and memory: each limit of limits.py, exceeded, is exit 2 naming it and how to raise it.

The child process runs under a 1 GiB address-space cap (records_support.MEMORY_CAP): a read that
needed more would die of MemoryError, not print the limit's name, so these tests fail.
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pytest
from hardening.records_support import assert_refused, cli, document, jsonl

from check_compliance.obligations.limits import LIMITS, MAX_LINE_BYTES, Limit

MB = 1 << 20


def _gzip(path: Path, head: bytes, filler: bytes, megabytes: int) -> str:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = filler * (MB // len(filler))
    with path.open("wb") as out:
        out.write(packer.compress(head))
        for _ in range(megabytes):
            out.write(packer.compress(block))
        out.write(packer.flush())
    return str(path)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Gzip bombs of 1 GB decompressed (about 1 MB each; the issue's 4.5 MB ones only take longer to make)."""
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "zeros.json.gz": _gzip(folder / "zeros.json.gz", b"", b"\0", 1000),
        "string.json.gz": _gzip(folder / "string.json.gz", b'{"contract": "', b"0", 1000),
        "newlines.jsonl.gz": _gzip(folder / "newlines.jsonl.gz", b"", b"\n", 1000),
        "zeros.jsonl.gz": _gzip(folder / "zeros.jsonl.gz", b"", b"\0", 1000),
    }


def test_gzip_of_zeros_is_refused_at_its_first_byte(bombs: dict[str, str]) -> None:
    assert_refused(cli(bombs["zeros.json.gz"]), "not a records document", "byte 0x00")


def test_gzip_bomb_behind_a_valid_start_names_max_compression_ratio(bombs: dict[str, str]) -> None:
    assert_refused(cli(bombs["string.json.gz"]), "MAX_COMPRESSION_RATIO", "CHECK_COMPLIANCE_MAX_COMPRESSION_RATIO=N")


def test_gzipped_newlines_name_max_compression_ratio(bombs: dict[str, str]) -> None:
    assert_refused(cli(bombs["newlines.jsonl.gz"]), "MAX_COMPRESSION_RATIO")


def test_gzipped_zeros_as_json_lines_stop_at_a_limit(bombs: dict[str, str]) -> None:
    assert_refused(cli(bombs["zeros.jsonl.gz"]), "exceeds the limit MAX_")


def test_compression_ratio_raised_lets_the_bomb_reach_the_next_limit(bombs: dict[str, str]) -> None:
    result = cli(bombs["newlines.jsonl.gz"], env={"CHECK_COMPLIANCE_MAX_COMPRESSION_RATIO": "100000", "CHECK_COMPLIANCE_MAX_INPUT_BYTES": "300_000_000"})
    assert_refused(result, "MAX_INPUT_BYTES")


def test_dev_zero_as_a_file_and_as_standard_input() -> None:
    assert_refused(cli("/dev/zero"), "/dev/zero", "not a records document", "byte 0x00")
    with open("/dev/zero", "rb") as zeros:
        assert_refused(cli("-", stdin=zeros), "not a records document")


def test_longest_json_lines_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(jsonl(document(notes="n" * 5000)))
    stderr = assert_refused(cli(str(path), env={"CHECK_COMPLIANCE_MAX_LINE_BYTES": "2000"}), "line 5", "MAX_LINE_BYTES of 2,000 bytes", "CHECK_COMPLIANCE_MAX_LINE_BYTES=N")
    assert "nnnnn" not in stderr
    assert cli(str(path)).returncode == 0  # the default allows it


def test_a_line_without_end_stops_at_max_line_bytes(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"type": "contract", "id": "' + b"x" * (3 * MB))
    assert_refused(cli(str(path), env={"CHECK_COMPLIANCE_MAX_LINE_BYTES": str(MB)}), "line 1", "MAX_LINE_BYTES")


def test_document_size(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document()) + " " * 3000)
    assert_refused(cli(str(path), env={"CHECK_COMPLIANCE_MAX_DOCUMENT_BYTES": "2000"}), "MAX_DOCUMENT_BYTES", "JSON Lines")
    assert cli(str(path)).returncode == 0


def test_endless_standard_input_stops_at_max_input_bytes(tmp_path: Path) -> None:
    blanks = tmp_path / "blanks"
    blanks.write_bytes(b"\n" * (20 * MB))  # a pipe of blank lines that never stops, cut short
    with blanks.open("rb") as stdin:
        assert_refused(cli("-", stdin=stdin, env={"CHECK_COMPLIANCE_MAX_INPUT_BYTES": str(5 * MB)}), "MAX_INPUT_BYTES")


def test_nesting_depth_limit_is_raisable_and_lowerable(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document()))
    assert_refused(cli(str(path), env={"CHECK_COMPLIANCE_MAX_DEPTH": "2"}), "MAX_DEPTH of 2 levels", "channels[0]")


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1e9"])
def test_a_limit_set_to_nonsense_is_an_error_naming_the_variable(tmp_path: Path, value: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document()))
    assert_refused(cli(str(path), env={"CHECK_COMPLIANCE_MAX_LINE_BYTES": value}), "CHECK_COMPLIANCE_MAX_LINE_BYTES", "whole number")


def test_every_limit_has_a_name_a_default_and_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len({limit.name for limit in LIMITS}) == len(LIMITS)
    for limit in LIMITS:
        assert isinstance(limit, Limit) and limit.default >= 1 and limit.env == f"CHECK_COMPLIANCE_{limit.name}"
        assert limit.value == limit.default
    monkeypatch.setenv("CHECK_COMPLIANCE_MAX_LINE_BYTES", "1_000")
    assert MAX_LINE_BYTES.value == 1000
    assert "CHECK_COMPLIANCE_MAX_LINE_BYTES=N" in MAX_LINE_BYTES.exceeded("a line")


def test_the_readme_lists_every_limit_with_its_default() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Records files", 1)[1].split("\n## ", 1)[0]
    rows = {name: int(default.replace(",", "")) for name, default in re.findall(r"^\| `(\w+)` \| ([\d,]+) \|", section, flags=re.M)}
    assert rows == {limit.name: limit.default for limit in LIMITS}
