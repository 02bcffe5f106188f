"""The `check-compliance` command: options in, library calls, rendered reports out, exit code."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, Optional

import click

from check_compliance import Checker, CheckError, EngineError, Gate, Problem, Records, load_export, load_rulebook, load_terms, open_records
from check_compliance.engine.baseline import baseline_document
from check_compliance.engine.coverage import refuse_unknown, with_quarantine
from check_compliance.engine.escaping import shown
from check_compliance.engine.reporters import RENDERERS, WITH_RECORDS, render
from check_compliance.engine.runtime import cyclic_gc_paused
from check_compliance.engine.versions import version_text
from check_compliance.engine.writing import refuse_overwrites, write_all
from check_compliance.obligations.errors import OutputError, excerpt
from check_compliance.obligations.exports import LoadedMapping, load_mapping, read_export
from check_compliance.obligations.exports.output import write_records
from check_compliance.obligations.quarantine import Quarantined, write_quarantine
from check_compliance.obligations.reading import open_export
from check_compliance.obligations.records import parse_instant
from check_compliance.obligations.rulebook import DEFAULT_RULES
from check_compliance.obligations.sources import input_size
from check_compliance.obligations.stream import RecordStream

PROGRESS_FROM_BYTES = 50_000_000
CONVERT_EXAMPLES = """
\b
Examples:
  check-compliance convert --mapping mappings/servicenow.yaml -o records.json
  check-compliance convert --mapping mappings/servicenow.yaml export.zip -o records.jsonl --quarantine bad.jsonl

\b
Exit codes:
  0  the records were written (and no more complaints quarantined than --max-quarantined)
  2  they could not be: a bad mapping or export, an invalid complaint without --quarantine, or too many quarantined
"""
EVALUATE_EXAMPLES = """
\b
Examples:
  check-compliance evaluate fixtures/sample-month.json --period 2026-10
  check-compliance evaluate fixtures/sample-month.json --period 2026-10 --format html --lang en -o report-2026-10.html

\b
Exit codes:
  0  the report was drafted
  2  it could not be: bad arguments, records, rules, terms, indicators or recommendations
"""
EXAMPLES = """
\b
Examples:
  check-compliance fixtures/sample-month.json
  check-compliance records.json --format json -o report.json
  check-compliance export.jsonl.gz --format junit:junit.xml --format sarif:report.sarif --format text
  zcat export.jsonl.gz | check-compliance - --format github
  check-compliance records.json --as-of 2026-11-01T00:00:00+08:00 --lang zh
  check-compliance records.json --terms our-contract.yaml --fail-on warning
  check-compliance records.json --waivers waivers.yaml --baseline last-month.json
  check-compliance incidents.csv --mapping mappings/servicenow.yaml --quarantine bad.json
  check-compliance convert --mapping mappings/servicenow.yaml incidents.csv -o records.json

\b
Exit codes:
  0  no finding at or above --fail-on (default: error) that is not waived or in the baseline
  1  at least one such finding (or, with --strict-waivers, a waiver that matched nothing)
  2  the check could not be made (bad arguments, records, rules, terms, waivers or baseline,
     a report that cannot be written, an internal error)
"""
DEBUG_HELP = "On an internal error, show its traceback (to report it)."


class _Commands(click.Group):
    """`check-compliance RECORDS ...` checks; `check-compliance COMMAND ...` runs another command.

    The check is the command people type, so it needs no name: anything that is not the name of
    another command is the records of a check.
    """

    default = "check"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] in ("-h", "--help"):
            # `check-compliance --help` is the help of the command people type.
            args = [self.default, *args]
        elif args[0] not in self.commands and args[0] not in ("-V", "--version"):
            args = [self.default, *args]
        ctx.meta["debug"] = "--debug" in args
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        # Around the command's own option parsing too: a bug there also exits 2, never 1.
        with _exit_on_error(ctx.meta.get("debug", False)):
            return super().invoke(ctx)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit(0)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, add_help_option=False)
@click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version, help="Show this package's, durable_rules' and the rulebook's versions.")
def main() -> None:
    """Check exported records against the contract's rules."""


def _as_of(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Optional[datetime]:
    if value is None:
        return None
    try:
        return parse_instant(value)  # exactly what record timestamps accept, on every Python
    except ValueError as error:
        raise click.BadParameter(f"expected an ISO 8601 instant such as 2026-11-01T00:00:00+08:00, got {excerpt(value)}: {error}") from None


def _formats(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[tuple[str, Optional[Path]]]:
    outputs: list[tuple[str, Optional[Path]]] = []
    for value in values or ("text",):
        name, _, path = value.partition(":")
        if name not in RENDERERS:
            raise click.BadParameter(f"unknown format {name!r}; formats: {', '.join(sorted(RENDERERS))} (optionally NAME:FILE)")
        outputs.append((name, Path(path) if path else None))
    if sum(1 for _, path in outputs if path is None) > 1:
        raise click.BadParameter("only one format can go to standard output (or -o); give the others a file: --format junit:junit.xml")
    return outputs


@main.command("check", epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("records", nargs=-1)
@click.option("--format", "formats", multiple=True, callback=_formats, metavar="NAME[:FILE]", help=f"Report format, repeatable: {', '.join(sorted(RENDERERS))}; NAME:FILE writes that view to FILE. Default: text.")
@click.option("--as-of", callback=_as_of, metavar="INSTANT", help="Judge the world as it stood then (overrides the records' as_of). Offset-less: the contract's zone.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of messages.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), help="Directory of rule files (default: the shipped rulebook).")
@click.option("--terms", "terms_file", type=click.Path(dir_okay=False, path_type=Path), help="Terms file overriding the default terms.")
@click.option("--waivers", "waivers_file", type=click.Path(dir_okay=False, path_type=Path), help="Accepted findings (rule, subject, reason, approver, expiry): reported as waived, never failing.")
@click.option("--strict-waivers", is_flag=True, help="A waiver that matched nothing fails the gate.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path), help="A JSON report of an earlier run: fail only on findings not in it.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), help="Write this run's findings as a baseline file.")
@click.option("--jobs", type=click.IntRange(min=1), default=lambda: len(os.sched_getaffinity(0)), show_default="all cores", help="Processes judging the complaints of a JSON document or a JSON Lines file (JSON Lines from standard input or gzipped use one); the report is the same for any number.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report (the format without :FILE) here instead of standard output.")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False, path_type=Path), help="A mapping file: check a system's own export (CSV, zip, xlsx, Parquet, JSON) through it. EXPORT files replace its source.files.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), help="Folder of the mapping's source.files and lookups (default: the mapping's folder).")
@click.option("--quarantine", "quarantine_file", type=click.Path(dir_okay=False, path_type=Path), help="Set invalid complaints (of a records file or a mapped export) aside into FILE (.json or .jsonl) and check the rest; the gate still fails on them unless --max-quarantined allows.")
@click.option("--max-quarantined", type=click.IntRange(min=0), help="Quarantined complaints the gate accepts (default 0: any fails it, exit 2).")
@click.option("--debug", is_flag=True, help=DEBUG_HELP)
@click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version, help="Show this package's, durable_rules' and the rulebook's versions.")
def check_command(records: tuple[str, ...], formats: list[tuple[str, Optional[Path]]], as_of: Optional[datetime], fail_on: str, lang: str, rules_dir: Optional[Path],
                  terms_file: Optional[Path], waivers_file: Optional[Path], strict_waivers: bool, baseline_file: Optional[Path],
                  write_baseline: Optional[Path], jobs: int, output: Optional[Path], mapping_file: Optional[Path], data_dir: Optional[Path],
                  quarantine_file: Optional[Path], max_quarantined: Optional[int], debug: bool) -> None:
    """Check exported RECORDS against the contract's rules: a JSON document, JSON Lines (.jsonl,
    read as a stream), either gzipped (.gz), or - for standard input. With --mapping, RECORDS
    are a system's own export files (none: the mapping's source.files)."""
    to_terminal = output is None and any(path is None for _, path in formats)
    with _exit_on_error(debug):
        _export_options(records, mapping_file, data_dir, quarantine_file, max_quarantined)
        if output is not None and all(path is not None for _, path in formats):
            _fail("-o names no report: every --format has its own FILE; add a --format NAME without :FILE for it")
        # Every file this run writes, refused before anything is written if it is one it reads.
        targets = [path or output for _, path in formats]
        outputs = [p for p in (*targets, write_baseline, quarantine_file) if p is not None]
        read = [Path(r) for r in records if r != "-"] + [p for p in (mapping_file, terms_file, waivers_file, baseline_file) if p is not None]
        refuse_overwrites(outputs, read + sorted((rules_dir or DEFAULT_RULES).glob("*.yaml")))
        terms = load_terms(terms_file)
        checker = Checker(load_rulebook(rules_dir), terms)
        gate = Gate(waivers_file, baseline_file, fail_on=fail_on, strict_waivers=strict_waivers, max_quarantined=max_quarantined or 0)  # type: ignore[arg-type]
        gate.bind(checker.rules)
        if mapping_file is not None:
            mapping = _mapping_inputs(mapping_file, records, data_dir, outputs)
            exported = load_export(mapping, list(records) or None, data_dir=data_dir, quarantine=quarantine_file is not None)
            refuse_unknown(exported, [r.id for r in checker.rules])  # before a long check, not after it
            _keep_quarantine(quarantine_file, exported.quarantine, exported.source)
            report = checker.check(exported, as_of=_zoned(as_of, exported), lang=lang, source=exported.source, jobs=jobs)  # type: ignore[arg-type]
        else:
            set_aside: Optional[list[Quarantined]] = [] if quarantine_file is not None else None
            with _progress(records[0], to_terminal) as progress, cyclic_gc_paused():
                # A quarantine sets complaints aside one by one, and the page's distributions read
                # every complaint: both are the reference path's work.
                reference = set_aside is not None or any(name in WITH_RECORDS for name, _ in formats)
                export = open_records(records[0], progress, quarantine=set_aside) if reference else open_export(records[0], progress)
                if any(name in WITH_RECORDS for name, _ in formats) and isinstance(export, RecordStream):
                    export = export.to_records()  # held in memory for the page
                report = checker.check(export, as_of=_zoned(as_of, export), lang=lang, source=records[0], jobs=jobs)  # type: ignore[arg-type]
            if quarantine_file is not None and set_aside is not None:  # complete once the check has read a stream
                write_quarantine(quarantine_file, set_aside, records[0])
                report = with_quarantine(report, set_aside)
        held = exported if mapping_file is not None else export
        report = gate.apply(report)
        code = gate.exit_code(report)
        # Everything is rendered before anything is written: a failure leaves no report behind.
        files = [(write_baseline, baseline_document(report))] if write_baseline is not None else []
        standard_output = None
        for (name, _), target in zip(formats, targets):
            rendered = render(report, name, held if isinstance(held, Records) else None, terms)
            if target is not None:
                files.append((target, rendered))
            else:
                standard_output = rendered
        write_all(files)
        if standard_output is not None:
            _print(standard_output)
    sys.exit(code)


@contextmanager
def _exit_on_error(debug: bool = False) -> Iterator[None]:
    """A check that could not be made exits 2 with the reasons, never a traceback or 0/1."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # usage errors (exit 2) and --help/--version (exit 0): click's own
    except CheckError as error:
        if debug and isinstance(error, EngineError):  # the engine's fault is a bug too
            traceback.print_exc(file=sys.stderr)
        _fail(error.render())
    except KeyboardInterrupt:
        _fail("interrupted: no check was made")
    except Exception as error:  # a bug: still exit 2, so a gate never passes on it
        if debug:
            traceback.print_exc(file=sys.stderr)
        first_line = (str(error).splitlines() or [""])[0]
        short = first_line if len(first_line) <= 200 else first_line[:200] + "…"
        _fail(f"internal error: {type(error).__name__}: {short}, please report it" + ("" if debug else " (--debug shows where)"))


def _fail(message: str) -> NoReturn:
    # Messages quote file names and record values: shown, so none can act on the terminal.
    try:
        _emit(sys.stderr, "".join(shown(line) + "\n" for line in message.split("\n")))
    except OSError:
        pass  # standard error itself cannot be written: the exit code still says it
    sys.exit(2)


def _emit(stream: Any, text: str) -> None:
    """`text` as UTF-8 whatever the locale, so the bytes are the same everywhere."""
    binary = getattr(stream, "buffer", None)
    if binary is None:
        stream.write(text)
        stream.flush()
    else:
        stream.flush()
        binary.write(text.encode("utf-8"))
        binary.flush()


def _print(text: str) -> None:
    """The report on standard output; a full disk or a closed pipe never becomes a traceback
    (README: Exit codes and outputs)."""
    try:
        _emit(sys.stdout, text)
    except BrokenPipeError:
        # The reader stopped reading (`| head`): the check was made; its exit code stands.
        _silence_stdout()
    except OSError as error:
        _silence_stdout()
        raise OutputError("standard output", [Problem("", f"cannot write: {error.strerror or error}")]) from error


def _silence_stdout() -> None:
    # What could not be written must not be retried at exit, where it would print a traceback.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _zoned(as_of: Optional[datetime], export: object) -> Optional[datetime]:
    if as_of is not None and as_of.tzinfo is None:
        contract = getattr(export, "contract", None)
        if contract is not None:
            return as_of.replace(tzinfo=contract.zone)
    return as_of


@contextmanager
def _progress(records: str, report_to_terminal: bool) -> Iterator[Optional[Callable[[int], Any]]]:
    """A progress bar on stderr for a big stream, only where a person watches: never in CI logs,
    never when stderr is not a terminal, never when the report itself is piped from stdout."""
    # Only a stream reports progress; a JSON document is parsed in one go.
    size = input_size(records) if records.endswith(".jsonl") else None
    watched = sys.stderr.isatty() and not os.environ.get("CI") and (not report_to_terminal or sys.stdout.isatty())
    if not (watched and size and size >= PROGRESS_FROM_BYTES):
        yield None
        return
    with click.progressbar(length=size, label="reading", file=sys.stderr) as bar:
        yield bar.update


# --- A system's own export, through a mapping file (MAPPING.md) -----------------------------------

_NOT_RECORDS = {".csv": "CSV", ".tsv": "TSV", ".txt": "text", ".xlsx": "Excel", ".xls": "Excel", ".xlsm": "Excel", ".zip": "zip", ".parquet": "Parquet"}


def _export_options(records: tuple[str, ...], mapping: Optional[Path], data_dir: Optional[Path], quarantine: Optional[Path], max_quarantined: Optional[int]) -> None:
    """Refuse option combinations that cannot mean what they say; hint at a mapping for a CSV or zip."""
    if max_quarantined is not None and quarantine is None:
        _fail("--max-quarantined needs --quarantine FILE: the complaints it allows must be written somewhere")
    if mapping is not None:
        return
    if data_dir is not None:
        _fail("--data-dir is the folder of a mapping's files: give --mapping FILE")
    if len(records) != 1:
        _fail(f"expected one records file (or export files with --mapping FILE), got {len(records)}")
    hint = _export_hint(records[0])
    if hint is not None:
        _fail(hint)


def _export_hint(path: str) -> Optional[str]:
    """The way forward for a system's export given as if it were records: a mapping file."""
    kind = _NOT_RECORDS.get(Path(path).suffix.lower())
    if kind is None and path != "-":
        try:
            with open(path, "rb") as handle:
                kind = "zip" if handle.read(4) == b"PK\x03\x04" else None
        except OSError:
            return None
    if kind is None:
        return None
    return (f"{path}: a {kind} export is not a records file (RECORDS.md). Describe its columns in a mapping file and check it "
            f"through that: check-compliance {path} --mapping MAPPING.yaml (examples in mappings/; README: \"Checking a system's export\"), "
            f"or write records from it with check-compliance convert --mapping MAPPING.yaml {path} -o records.json")


def _mapping_inputs(mapping_file: Path, files: Sequence[str], data_dir: Optional[Path], outputs: Sequence[Path]) -> LoadedMapping:
    """The mapping, once the files it names itself (found where read_export finds them) are known
    not to be among the outputs."""
    mapping = load_mapping(mapping_file)
    folder = Path.cwd() if files else data_dir if data_dir is not None else mapping.folder
    named = [] if files else [Path(ref.path) for ref in mapping.spec.source.files]
    refuse_overwrites(outputs, [folder / path for path in named + [Path(lookup.file) for lookup in mapping.spec.lookups.values()]])
    return mapping


def _keep_quarantine(path: Optional[Path], items: Optional[Sequence[Quarantined]], source: str) -> None:
    if path is not None:
        write_quarantine(path, items or (), source)


@main.command("convert", epilog=CONVERT_EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("exports", nargs=-1)
@click.option("--mapping", "mapping_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The mapping file saying how the export becomes records.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), help="Folder of the mapping's source.files and lookups (default: the mapping's folder).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The records to write: a JSON document (.json) or JSON Lines (.jsonl).")
@click.option("--quarantine", "quarantine_file", type=click.Path(dir_okay=False, path_type=Path), help="Set invalid complaints aside into FILE (.json or .jsonl) instead of stopping.")
@click.option("--max-quarantined", type=click.IntRange(min=0), help="Quarantined complaints accepted before exit 2 (default 0).")
@click.option("--debug", is_flag=True, help=DEBUG_HELP)
def convert_command(exports: tuple[str, ...], mapping_file: Path, data_dir: Optional[Path], output: Path, quarantine_file: Optional[Path], max_quarantined: Optional[int],
                    debug: bool) -> None:
    """Write the records (RECORDS.md) a mapping makes of a system's EXPORT files (none: the mapping's
    source.files), so they can be seen, kept and checked later."""
    with _exit_on_error(debug):
        _export_options(exports, mapping_file, data_dir, quarantine_file, max_quarantined)
        outputs = [output] + ([quarantine_file] if quarantine_file is not None else [])
        refuse_overwrites(outputs, [Path(e) for e in exports] + [mapping_file])
        exported = read_export(_mapping_inputs(mapping_file, exports, data_dir, outputs), list(exports) or None, data_dir=data_dir)
        if quarantine_file is None:
            exported.refuse_invalid()
        _keep_quarantine(quarantine_file, exported.quarantine, exported.source)
        write_records(output, exported.document)
    count = len(exported.quarantine)
    click.echo(f"{output}: {len(exported.records.complaints)} complaints, {len(exported.records.channels)} channels" + (f"; {count} quarantined into {quarantine_file}" if quarantine_file else ""), err=True)
    sys.exit(2 if count > (max_quarantined or 0) else 0)


@main.command("evaluate", epilog=EVALUATE_EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("records")
@click.option("--period", required=True, metavar="PERIOD", help="The evaluation period: a month (2026-10), a day in it, or start/end.")
@click.option("--format", "format_name", type=click.Choice(["html", "markdown"]), default="markdown", show_default=True, help="The report's format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here instead of standard output.")
@click.option("--as-of", callback=_as_of, metavar="INSTANT", help="Judge the world as it stood then (overrides the records' as_of).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="zh", show_default=True, help="Language of the report.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), help="Directory of rule files (default: the shipped rulebook).")
@click.option("--terms", "terms_file", type=click.Path(dir_okay=False, path_type=Path), help="Terms file overriding the default terms.")
@click.option("--indicators", "indicators_file", type=click.Path(dir_okay=False, path_type=Path), help="Indicators and targets (default: rules/indicators.yaml).")
@click.option("--recommendations", "recommendations_file", type=click.Path(dir_okay=False, path_type=Path), help="Recommendation rules (default: rules/recommendations.yaml).")
def evaluate_command(records: str, period: str, format_name: str, output: Optional[Path], as_of: Optional[datetime], lang: str, rules_dir: Optional[Path],
                     terms_file: Optional[Path], indicators_file: Optional[Path], recommendations_file: Optional[Path]) -> None:
    """Draft Party B's evaluation report (2.3) of one PERIOD from RECORDS, in the contract's four
    sections (method, results, problems, recommendations), for Party B to review and submit."""
    from check_compliance.engine.evaluation.session import draft  # only `evaluate` reads the indicators and recommendations

    with _exit_on_error():
        text = draft(records, period, format_name, as_of=as_of, lang=lang, rules_dir=rules_dir, terms_file=terms_file,
                     indicators_file=indicators_file, recommendations_file=recommendations_file)
        if output is not None:
            write_all([(output, text)])
        else:
            _print(text)
    sys.exit(0)


if __name__ == "__main__":
    main()
