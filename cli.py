"""The `check-compliance` command: options in, library call, rendered report out, exit code."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Optional

import click

from engine import CheckError, Checker, load_records, load_rulebook, load_terms
from engine.reporters import RENDERERS

EXAMPLES = """
\b
Examples:
  check-compliance fixtures/sample-month.json
  check-compliance records.json --format json -o report.json
  check-compliance records.json --as-of 2026-11-01T00:00:00+08:00 --lang zh
  check-compliance records.json --terms our-contract.yaml --fail-on warning

\b
Exit codes:
  0  no finding at or above --fail-on (default: error)
  1  at least one such finding
  2  the check could not be made (bad arguments, records, rules or terms)
"""


def _as_of(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Optional[datetime]:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"expected an ISO 8601 instant such as 2026-11-01T00:00:00+08:00, got {value!r}") from None


@click.command(epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("records", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "format_name", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True, help="Report format.")
@click.option("--as-of", callback=_as_of, metavar="INSTANT", help="Judge the world as it stood then (overrides the records' as_of). Offset-less: the contract's zone.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of messages.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), help="Directory of rule files (default: the shipped rulebook).")
@click.option("--terms", "terms_file", type=click.Path(dir_okay=False, path_type=Path), help="Terms file overriding the default terms.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here instead of standard output.")
def main(records: Path, format_name: str, as_of: Optional[datetime], fail_on: str, lang: str, rules_dir: Optional[Path], terms_file: Optional[Path], output: Optional[Path]) -> None:
    """Check a month of exported RECORDS (JSON, or JSON Lines as .jsonl) against the contract's rules."""
    try:
        checker = Checker(load_rulebook(rules_dir), load_terms(terms_file))
        loaded = load_records(records)
        if as_of is not None and as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=loaded.contract.zone)
        report = checker.check(loaded, as_of=as_of, lang=lang, source=str(records))  # type: ignore[arg-type]
    except CheckError as error:
        click.echo(error.render(), err=True)
        sys.exit(2)
    rendered = RENDERERS[format_name](report)
    if output is not None:
        try:
            output.write_text(rendered, encoding="utf-8")
        except OSError as error:
            click.echo(f"{output}: cannot write: {error.strerror or error}", err=True)
            sys.exit(2)
    else:
        click.echo(rendered, nl=False)
    sys.exit(report.exit_code(fail_on))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
