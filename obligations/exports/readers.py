"""Reading an export's files into one table of text columns: CSV/TSV, zip members, Excel, Parquet, JSON.

Every reader gives the same thing: a Polars frame whose columns are the header's names (a repeated
name's n-th repeat is `name#n`), every value text or null (empty cells and `null_values` are null),
plus `_row` (1-based over the data rows of all files, in order) and `_file` (the file's position).
CSV is parsed by pyarrow (any one-character delimiter, quoted newlines, encodings through Python's
codecs, a BOM stripped, blank lines not rows); only the columns the mapping uses are read. Excel
cells (python-calamine) and Parquet values that are not text become text: integral numbers
without `.0`, booleans `true`/`false`, datetimes in their column's time format.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from check_compliance.obligations.errors import InputError, MappingError, Problem, excerpt
from check_compliance.obligations.exports.mapping import FileRef, LoadedMapping
from check_compliance.obligations.exports.timeformat import TimeFormat, iso_of
from check_compliance.obligations.yamlsrc import closest

if TYPE_CHECKING:
    import polars as pl

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Table:
    """The rows of every file of an export, as text columns plus `_row` and `_file`."""

    frame: pl.DataFrame
    files: list[str]  # display names, by `_file` (a zip member as `archive.zip:member.csv`)
    paths: list[str]  # the files as read (a zip's own path)


@dataclass(frozen=True)
class Wanted:
    """A column the mapping reads, and where the mapping names it (for an error at file:line:col)."""

    column: str
    loc: tuple


def read_table(mapping: LoadedMapping, files: Sequence[FileRef], data_dir: Path, wanted: Sequence[Wanted]) -> Table:
    """The rows of `files` (paths relative to `data_dir`) with the `wanted` columns, concatenated in order."""
    import polars as pl

    if not files:
        raise MappingError(mapping.yaml.name, [mapping.problem(("source", "files"), "no export files: list them under source.files or name them on the command line")])
    frames = []
    names = []
    paths = []
    offset = 0
    for index, ref in enumerate(files):
        name, data, fmt = _open(mapping, ref, data_dir)
        names.append(name)
        paths.append(_shown(Path(ref.path) if Path(ref.path).is_absolute() else data_dir / ref.path))
        frame = _read(mapping, name, data, fmt, wanted)
        frame = frame.with_columns(
            (pl.int_range(1, frame.height + 1, dtype=pl.Int64) + offset).alias("_row"),
            pl.lit(index, dtype=pl.Int32).alias("_file"),
        )
        offset += frame.height
        frames.append(frame)
    return Table(pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0], names, paths)


def _shown(path: Path) -> str:
    """A path as reports name it: relative to the working folder when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_lookup(mapping: LoadedMapping, name: str, data_dir: Path) -> dict[str, Optional[str]]:
    """Lookup `name`'s table: key text → value text; the first row for a key wins."""
    spec = mapping.spec.lookups[name]
    ref = FileRef(path=spec.file)
    display, data, fmt = _open(mapping, ref, data_dir, where=("lookups", name, "file"))
    wanted = [Wanted(spec.key, ("lookups", name, "key")), Wanted(spec.value, ("lookups", name, "value"))]
    if fmt == "csv":
        frame = _csv(mapping, display, data, wanted, encoding=spec.encoding, delimiter=spec.delimiter, skip_lines=0, null_values=())
    else:
        frame = _read(mapping, display, data, fmt, wanted)
    table: dict[str, Optional[str]] = {}
    for key, value in zip(frame[spec.key].to_list(), frame[spec.value].to_list()):
        if key is not None and key not in table:
            table[key] = value
    return table


def _open(mapping: LoadedMapping, ref: FileRef, data_dir: Path, where: tuple = ("source", "files")) -> tuple[str, bytes, str]:
    path = Path(ref.path)
    display = _shown(path if path.is_absolute() else data_dir / path)
    full = Path(display)
    try:
        raw = full.read_bytes()
    except OSError as error:
        raise InputError(display, [Problem("", f"cannot read: {error.strerror or error}")]) from None
    suffix = path.suffix.lower()
    if suffix == ".zip" or (ref.member is not None):
        return _member(display, raw, ref.member, mapping)
    return display, raw, _format_of(mapping, display, suffix, where)


def _member(display: str, raw: bytes, member: Optional[str], mapping: LoadedMapping) -> tuple[str, bytes, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as error:
        raise InputError(display, [Problem("", f"not a zip archive ({error})")]) from None
    with archive:
        members = [info.filename for info in archive.infolist() if not info.is_dir() and not info.filename.startswith("__MACOSX/")]
        if member is None:
            if len(members) != 1:
                listed = ", ".join(members[:10]) or "none"
                raise InputError(display, [Problem("", f"holds {len(members)} files ({listed}): name one as {{path: ..., member: NAME}} under source.files")])
            member = members[0]
        if member not in members:
            raise InputError(display, [Problem("", f"has no member {member!r}; members: {', '.join(members[:10])}", suggestion=closest(member, members))])
        try:
            data = archive.read(member)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
            raise InputError(f"{display}:{member}", [Problem("", f"cannot read the member: {error}")]) from None
    name = f"{display}:{member}"
    return name, data, _format_of(mapping, name, Path(member).suffix.lower(), ("source", "files"))


def _format_of(mapping: LoadedMapping, name: str, suffix: str, where: tuple) -> str:
    if mapping.spec.source.format is not None:
        return mapping.spec.source.format
    if suffix in FORMATS:
        return FORMATS[suffix]
    raise MappingError(mapping.yaml.name, [mapping.problem(where, f"cannot tell the format of {name} from its name: set source.format to one of csv, xlsx, parquet, json, jsonl")])


def _read(mapping: LoadedMapping, name: str, data: bytes, fmt: str, wanted: Sequence[Wanted]) -> pl.DataFrame:
    source = mapping.spec.source
    if fmt == "csv":
        return _csv(mapping, name, data, wanted, source.encoding, source.delimiter, source.skip_lines, source.null_values)
    if fmt == "xlsx":
        rows = _excel_rows(mapping, name, data)
    elif fmt == "parquet":
        return _parquet(mapping, name, data, wanted)
    else:
        rows = _json_rows(mapping, name, data, fmt)
    return _from_rows(mapping, name, rows, wanted)


# --- CSV -----------------------------------------------------------------------------------------


def _csv(mapping: LoadedMapping, name: str, data: bytes, wanted: Sequence[Wanted], encoding: str, delimiter: str, skip_lines: int, null_values: Iterable[str]) -> pl.DataFrame:
    import polars as pl
    import pyarrow as pa
    import pyarrow.csv as pacsv

    text = _utf8(name, data, encoding)
    text = _skip(text, skip_lines)
    header = _header(name, text, delimiter)
    index = _columns(mapping, name, header, wanted, delimiter)
    bad: list[tuple[Optional[int], int]] = []

    def invalid(row: Any) -> str:
        bad.append((row.expected_columns, row.actual_columns))
        return "skip"

    read_options = pacsv.ReadOptions(autogenerate_column_names=True, skip_rows_after_names=1, block_size=1 << 24)
    parse_options = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=invalid)
    fields = [f"f{i}" for i in sorted(set(index.values()))]
    convert_options = pacsv.ConvertOptions(column_types={f: pa.string() for f in fields}, include_columns=fields, strings_can_be_null=False, quoted_strings_can_be_null=False)
    try:
        table = pacsv.read_csv(io.BytesIO(text), read_options=read_options, parse_options=parse_options, convert_options=convert_options) if fields else None
    except pa.ArrowInvalid as error:
        message = str(error)
        if "UTF8" in message:
            raise InputError(name, [Problem("", f"not {encoding} text: set source.encoding (for example gb18030 or latin-1)")]) from None
        raise InputError(name, [Problem("", "not a CSV file pyarrow can read (" + message.split(":", 1)[0] + ")")]) from None
    if bad:
        expected, actual = bad[0]
        raise InputError(name, [Problem("", f"{len(bad)} row(s) have a different number of fields than the header ({expected} expected, {actual} in the first): check source.delimiter and quoting")])
    if table is None:
        return pl.DataFrame({w.column: pl.Series([], dtype=pl.String) for w in wanted})
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    nulls = [""] + [v for v in null_values if v != ""]
    columns = {}
    for column, position in index.items():
        series = frame[f"f{position}"]
        columns[column] = pl.select(pl.when(series.is_in(nulls)).then(None).otherwise(series)).to_series().cast(pl.String)
    return pl.DataFrame(columns) if columns else pl.DataFrame({"_": pl.Series([None] * frame.height, dtype=pl.String)}).drop("_")


def _utf8(name: str, data: bytes, encoding: str) -> bytes:
    import codecs

    canonical = codecs.lookup(encoding).name
    if canonical in ("utf-8", "utf-8-sig", "ascii"):
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(name, [Problem("", f"not {encoding} text ({error.reason} at byte {error.start}): set source.encoding")]) from None


def _skip(text: bytes, lines: int) -> bytes:
    start = 0
    for _ in range(lines):
        found = text.find(b"\n", start)
        if found < 0:
            return b""
        start = found + 1
    return text[start:]


def _header(name: str, text: bytes, delimiter: str) -> list[str]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read_options = pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 20)
    parse_options = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=lambda row: "skip")
    try:
        reader = pacsv.open_csv(io.BytesIO(text), read_options=read_options, parse_options=parse_options,
                                convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(4096)}))
        batch = reader.read_next_batch()
    except StopIteration:
        raise InputError(name, [Problem("", "has no header line (is source.skip_lines right?)")]) from None
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error):
            raise InputError(name, [Problem("", "not UTF-8 text: set source.encoding (for example gb18030 or latin-1)")]) from None
        raise InputError(name, [Problem("", "not a CSV file pyarrow can read")]) from None
    if batch.num_rows == 0:
        raise InputError(name, [Problem("", "has no header line (is source.skip_lines right?)")])
    return [batch.column(i)[0].as_py() or "" for i in range(batch.num_columns)]


def deduplicated(header: Sequence[str]) -> list[str]:
    """A repeated header name keeps its first column; its n-th repeat is `name#n`."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        if name in seen:
            seen[name] += 1
            names.append(f"{name}#{seen[name]}")
        else:
            seen[name] = 0
            names.append(name)
    return names


def _columns(mapping: LoadedMapping, name: str, header: Sequence[str], wanted: Sequence[Wanted], delimiter: str = ",") -> dict[str, int]:
    names = deduplicated(header)
    positions = {n: i for i, n in enumerate(names)}
    index: dict[str, int] = {}
    problems = []
    found = any(want.column in positions for want in wanted)
    for want in wanted:
        if want.column in positions:
            index[want.column] = positions[want.column]
        elif want.column not in index:
            if not found:
                # Not one wanted column: the line read as the header is likely a data row (a wrong
                # skip_lines or delimiter), whose values are not shown: they may be personal data.
                hint = "is source.delimiter right?" if len(names) == 1 else "is source.skip_lines right?"
                problems.append(mapping.problem(want.loc, f"column {want.column!r} is not in {name}, nor is any column the mapping names: "
                                                          f"the line read as its header has {len(names)} columns ({hint})"))
                continue
            shown = ", ".join(excerpt(n, 24) for n in names[:20]) + (f", … ({len(names)} in all)" if len(names) > 20 else "")
            problems.append(mapping.problem(want.loc, f"column {want.column!r} is not in {name}; columns: {shown}", suggestion=closest(want.column, names)))
    if problems:
        raise MappingError(mapping.yaml.name, problems)
    return index


# --- Excel, Parquet, JSON --------------------------------------------------------------------------


def _excel_rows(mapping: LoadedMapping, name: str, data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = workbook.sheet_names
        sheet = mapping.spec.source.sheet
        if sheet is None:
            if len(sheets) != 1:
                raise MappingError(mapping.yaml.name, [mapping.problem(("source",), f"{name} has {len(sheets)} sheets ({', '.join(sheets)}): name one as source.sheet")])
            sheet = sheets[0]
        if sheet not in sheets:
            raise MappingError(mapping.yaml.name, [mapping.problem(("source", "sheet"), f"{name} has no sheet {sheet!r}; sheets: {', '.join(sheets)}", suggestion=closest(sheet, sheets))])
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except CalamineError as error:
        raise InputError(name, [Problem("", f"not an Excel workbook calamine can read ({type(error).__name__})")]) from None
    except Exception as error:  # calamine raises its own errors for damaged files; never a traceback
        if isinstance(error, MappingError):
            raise
        raise InputError(name, [Problem("", f"not an Excel workbook calamine can read ({type(error).__name__})")]) from None
    return [list(row) for row in rows[mapping.spec.source.skip_lines:]]


def _parquet(mapping: LoadedMapping, name: str, data: bytes, wanted: Sequence[Wanted]) -> pl.DataFrame:
    import polars as pl
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as error:
        raise InputError(name, [Problem("", f"not a Parquet file pyarrow can read ({type(error).__name__})")]) from None
    header = table.column_names
    index = _columns(mapping, name, header, wanted)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    nulls = [""] + list(mapping.spec.source.null_values)
    columns = {}
    for column, position in index.items():
        series = frame.to_series(position)
        text = _as_text(series, mapping.formats.get(column))
        columns[column] = pl.select(pl.when(text.is_in(nulls)).then(None).otherwise(text)).to_series().cast(pl.String)
    return pl.DataFrame(columns)


def _as_text(series: pl.Series, fmt: Optional[TimeFormat]) -> pl.Series:
    import polars as pl

    if series.dtype == pl.String:
        return series
    if series.dtype == pl.Boolean:
        return pl.select(pl.when(series).then(pl.lit("true")).when(~series).then(pl.lit("false"))).to_series()
    if series.dtype.is_temporal():
        return pl.Series([_cell_text(v, fmt) for v in series.to_list()], dtype=pl.String)
    if series.dtype.is_float():
        return pl.Series([_cell_text(v, fmt) for v in series.to_list()], dtype=pl.String)
    if series.dtype.is_integer():
        return series.cast(pl.String)
    return pl.Series([_cell_text(v, fmt) for v in series.to_list()], dtype=pl.String)


def _json_rows(mapping: LoadedMapping, name: str, data: bytes, fmt: str) -> list[list[Any]]:
    import orjson

    text = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    objects: list[Any] = []
    try:
        if fmt == "jsonl":
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    try:
                        objects.append(orjson.loads(line))
                    except orjson.JSONDecodeError as error:
                        raise InputError(name, [Problem("", f"not valid JSON ({error.msg})", line=number)]) from None
        else:
            document = orjson.loads(text)
            key = mapping.spec.source.records
            if key is not None:
                for part in key.split("."):
                    document = document.get(part) if isinstance(document, dict) else None
            objects = document if isinstance(document, list) else []
            if not isinstance(document, list):
                where = f"under {key!r}" if key else "at its top (set source.records to the key of the list)"
                raise InputError(name, [Problem("", f"holds no list of records {where}")])
    except orjson.JSONDecodeError as error:
        raise InputError(name, [Problem("", f"not valid JSON ({error.msg})", line=error.lineno, column=error.colno)]) from None
    flat = [_flatten(o) if isinstance(o, dict) else None for o in objects]
    for position, item in enumerate(flat, start=1):
        if item is None:
            raise InputError(name, [Problem(f"record {position}", "expected a JSON object")])
    header: list[str] = []
    seen: set[str] = set()
    for item in flat:
        assert item is not None
        for key in item:
            if key not in seen:
                seen.add(key)
                header.append(key)
    return [header] + [[item.get(k) for k in header] for item in flat if item is not None]


def _flatten(value: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            out.update(_flatten(item, name + "."))
        else:
            out[name] = item
    return out


def _from_rows(mapping: LoadedMapping, name: str, rows: list[list[Any]], wanted: Sequence[Wanted]) -> pl.DataFrame:
    import polars as pl

    rows = [row for row in rows if any(_cell_text(v, None) is not None for v in row)]  # blank rows are not rows
    if not rows:
        raise InputError(name, [Problem("", "has no header row (is source.skip_lines right?)")])
    header = [("" if v is None else str(v) if not isinstance(v, float) else _cell_text(v, None) or "") for v in rows[0]]
    index = _columns(mapping, name, header, wanted)
    nulls = set(mapping.spec.source.null_values)
    columns = {}
    for column, position in index.items():
        fmt = mapping.formats.get(column)
        values = []
        for row in rows[1:]:
            text = _cell_text(row[position] if position < len(row) else None, fmt)
            values.append(None if text is None or text in nulls else text)
        columns[column] = pl.Series(values, dtype=pl.String)
    return pl.DataFrame(columns) if columns else pl.DataFrame()


def _cell_text(value: Any, fmt: Optional[TimeFormat]) -> Optional[str]:
    import orjson

    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime(fmt.text) if fmt is not None and not fmt.is_iso else iso_of(value)
    if isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
        return moment.strftime(fmt.text) if fmt is not None and not fmt.is_iso else moment.date().isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return orjson.dumps(value).decode()
