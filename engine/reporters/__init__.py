"""Renderers: one format per module, each `render(report) -> str`; this map is the only registry."""

from __future__ import annotations

from collections.abc import Callable

from check_compliance.engine.findings import Report
from check_compliance.engine.reporters import github, json_format, jsonl, junit, markdown, sarif, text

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_format.render,
    "jsonl": jsonl.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "github": github.render,
    "markdown": markdown.render,
}


def render(report: Report, format_name: str) -> str:
    return RENDERERS[format_name](report)
