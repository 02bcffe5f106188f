"""Bytes a YAML file must not hold (non-UTF-8, NUL, controls, bidi), byte order marks, and files
that are not files: each a clean exit 2 at file:line:col."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from yaml_inputs import KINDS, SAMPLE, WAIVER, error_class, invoke, load, refused, rules_dir, write

from check_compliance import RulebookError, TermsError
from check_compliance.obligations import yamlsrc
from check_compliance.obligations.waivers import load_waivers

# A valid file of each kind that puts a value on line 3 column 14 (terms, waivers), where a bad byte goes.
TERMS = "limits:\n  registration: 4h\nreport: {due_days: 15}\n"


@pytest.mark.parametrize("kind", KINDS)
def test_non_utf8_bytes_are_placed(tmp_path: Path, kind: str) -> None:
    path, args = write(tmp_path, kind, b"# comment\nname: caf\xc3\xa9 \xe9t\xe9\n")
    refused(invoke(*args), f"{path}:2:12: not UTF-8: byte 0xe9", "save the file as UTF-8")


@pytest.mark.parametrize(
    ("char", "words"),
    [
        ("\0", "a NUL character (U+0000)"),
        ("\x1b", "a control character (U+001B)"),
        ("\x7f", "a control character (U+007F)"),
        ("\x85", "a control character (U+0085)"),
        ("\x9b", "a control character (U+009B)"),
        ("\u202e", "a bidirectional control character (U+202E)"),
        ("\u2066", "a bidirectional control character (U+2066)"),
        ("\ufffe", "a noncharacter (U+FFFE)"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_control_characters_are_placed(tmp_path: Path, kind: str, char: str, words: str) -> None:
    path, args = write(tmp_path, kind, f"# comment\nsection: a{char}b\n")
    refused(invoke(*args), f"{path}:2:11: {words}", "is not allowed in a YAML file (tab, newline and carriage return are)")
    with pytest.raises(error_class(kind), match="is not allowed in a YAML file"):
        load(kind, path)


def test_tab_and_crlf_line_endings_are_fine(tmp_path: Path) -> None:
    path, _ = write(tmp_path, "waivers", WAIVER.replace("\n", "\r\n").replace("reason: Customer asked to be called back after the holiday", '  reason: "Customer\tasked"'.strip()))
    assert load_waivers(path)[0].reason == "Customer\tasked"


def test_a_utf8_byte_order_mark_is_skipped_and_lines_count_from_after_it(tmp_path: Path) -> None:
    path, args = write(tmp_path, "terms", codecs.BOM_UTF8 + TERMS.encode())
    assert load("terms", path).report.due_days == 15
    path, args = write(tmp_path, "terms", codecs.BOM_UTF8 + b"limitz: {}\n")
    refused(invoke(*args), f"{path}:1:1: unknown key 'limitz'")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_are_refused(tmp_path: Path, encoding: str) -> None:
    path, args = write(tmp_path, "terms", TERMS.encode(encoding))
    refused(invoke(*args), f"{path}:1:1: UTF-16 or UTF-32 text", "save the file as UTF-8")


def test_a_directory_named_like_a_rule_file(tmp_path: Path) -> None:
    directory = rules_dir(tmp_path)
    (directory / "x.yaml").mkdir()
    refused(invoke(str(SAMPLE), "--rules", str(directory)), f"{directory / 'x.yaml'}: is not a file", "rename it or move it out")


@pytest.mark.parametrize("kind", ["terms", "waivers"])
def test_a_directory_given_as_a_file(tmp_path: Path, kind: str) -> None:
    directory = tmp_path / "x.yaml"
    directory.mkdir()
    refused(invoke(str(SAMPLE), f"--{kind}", str(directory)), "is a directory")
    with pytest.raises(error_class(kind), match=f"{directory}: cannot read: a directory, not a YAML file"):
        load(kind, directory)


@pytest.mark.parametrize("kind", ["terms", "waivers", "mapping"])
def test_a_missing_file(tmp_path: Path, kind: str) -> None:
    missing = tmp_path / "missing.yaml"
    args = ["--mapping", str(missing)] if kind == "mapping" else [str(SAMPLE), f"--{kind}", str(missing)]
    refused(invoke(*args), f"{missing}: cannot read: no such file")


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite may run as root, who can read a chmod 000 file: the refusal is simulated.
    path, args = write(tmp_path, "terms", TERMS)
    rule_file = rules_dir(tmp_path) / "complaints.yaml"

    def denied(file: Path, *args: object, **kwargs: object) -> object:
        if Path(file) in (path, rule_file):
            raise PermissionError(13, "Permission denied")
        return open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(yamlsrc, "open", denied, raising=False)
    refused(invoke(*args), f"{path}: cannot read: Permission denied")
    with pytest.raises(TermsError, match="cannot read: Permission denied"):
        load("terms", path)
    with pytest.raises(RulebookError, match="cannot read: Permission denied"):
        load("rules", rule_file)
