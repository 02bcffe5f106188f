"""Text from the records (ids, messages, waiver reasons, the file name) cannot break any format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from check_compliance import Report
from check_compliance.engine.escaping import shown
from check_compliance.engine.reporters import RENDERERS, github, jsonl, junit, markdown, sarif


def test_junit_keeps_the_message_exact_in_attributes_and_drops_only_illegal_characters(odd: Report) -> None:
    root = ET.fromstring(junit.render(odd))
    failure = root.find(".//failure")
    assert failure is not None
    assert failure.get("message") == odd.findings[0].message.replace("\x01", "\ufffd")
    case = root.find(".//testcase[failure]")
    assert case is not None and case.get("name") == f"complaint {odd.findings[0].subject.id} {odd.findings[0].outcome}"
    skipped = root.find(".//skipped")
    assert skipped is not None and "A | B <ok> & 5%\nsigned" in (skipped.get("message") or "")


def test_sarif_round_trips_every_character(odd: Report) -> None:
    results = json.loads(sarif.render(odd))["runs"][0]["results"]
    assert [r["message"]["text"] for r in results] == [f.message for f in odd.findings]
    location = results[0]["locations"][0]
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "complaints/C-1|<&>,:%"
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "exports/oct%202026%3Av1%2Cfinal.json"


def test_github_commands_stay_one_line_and_decode_to_the_text_shown(odd: Report) -> None:
    lines = github.render(odd).splitlines()
    assert len(lines) == len(odd.findings)
    for line, finding in zip(lines, odd.findings):
        head, _, data = line[2:].partition("::")
        _, _, props = head.partition(" ")
        properties = dict(p.split("=", 1) for p in props.split(","))
        assert _decode(properties["file"]) == "exports/oct 2026:v1,final.json"
        assert finding.subject.id in _decode(properties["title"])
        # Line breaks and controls are shown as escapes (escaping.py), everything else decodes back.
        assert _decode(data).startswith(shown(finding.message))
        assert "\n" not in data and "\r" not in data and "100%25" in data
    assert lines[0].startswith("::error ") and lines[1].startswith("::notice ")


def test_markdown_cells_keep_the_table_shape(odd: Report) -> None:
    rows = [line for line in markdown.render(odd).splitlines() if line.startswith("| `")]
    assert len(rows) == len(odd.findings)
    for row in rows:
        assert row.replace("\\|", "").count("|") == 7  # six columns, nothing leaked
        assert "<b>" not in row and "&lt;b&gt;" in row and "&amp;" in row


def test_jsonl_is_one_parseable_line_per_finding(odd: Report) -> None:
    lines = jsonl.render(odd).splitlines()
    assert [json.loads(line)["message"] for line in lines] == [f.message for f in odd.findings]


def test_every_format_renders_odd_text(odd: Report) -> None:
    for name, render in RENDERERS.items():
        assert render(odd), name


def _decode(text: str) -> str:
    # The inverse of GitHub's escaping, `%25` last so an escaped `%3A` stays literal.
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text
