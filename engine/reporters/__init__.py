"""Renderers: one format per module, each `render(report) -> str`; this map is the only registry."""

from __future__ import annotations

from collections.abc import Callable

from engine.findings import Report
from engine.reporters import json_format, text

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_format.render,
}


def render(report: Report, format_name: str) -> str:
    return RENDERERS[format_name](report)
