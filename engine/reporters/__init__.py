"""Renderers: one format per module, each `render(report) -> str`; this map is the only registry."""

from __future__ import annotations

from collections.abc import Callable

from check_compliance.engine.findings import Report
from check_compliance.engine.reporters import github, html, json_format, jsonl, junit, markdown, sarif, text
from check_compliance.obligations.records import Records
from check_compliance.obligations.terms import Terms

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_format.render,
    "jsonl": jsonl.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "github": github.render,
    "markdown": markdown.render,
    "html": html.render,
}
# Views that show more than the report holds (the distributions of the records): given the records
# and terms, they render through these instead.
WITH_RECORDS: dict[str, Callable[[Report, Records, Terms], str]] = {
    "html": html.page,
}


def render(report: Report, format_name: str, records: Records | None = None, terms: Terms | None = None) -> str:
    if records is not None and terms is not None and format_name in WITH_RECORDS:
        return WITH_RECORDS[format_name](report, records, terms)
    return RENDERERS[format_name](report)
