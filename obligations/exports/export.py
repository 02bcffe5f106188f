"""A system's export read through its mapping: records of the valid complaints, and the quarantine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union
from zoneinfo import ZoneInfo

from pydantic import PrivateAttr

from check_compliance.obligations.errors import InputError, MappingError
from check_compliance.obligations.exports.checks import wanted
from check_compliance.obligations.exports.derived import as_of_text, channel_documents, contract_document
from check_compliance.obligations.exports.fold import Folded, fold
from check_compliance.obligations.exports.mapping import COMPLAINT_FIELDS, FileRef, LoadedMapping, load_mapping
from check_compliance.obligations.exports.readers import read_lookup, read_table
from check_compliance.obligations.exports.validate import set_aside
from check_compliance.obligations.loading import validate_records
from check_compliance.obligations.quarantine import Issue, Quarantined, grouped_problems
from check_compliance.obligations.records import Records

if TYPE_CHECKING:
    import polars as pl

MappingLike = Union[str, Path, LoadedMapping]


class ExportRecords(Records):
    """Records a mapping made of a system's export, holding what a check of them must also say:
    the obligations the export cannot show (`not_tracked`), the complaints set aside
    (`quarantine`: None when the export was read without one) and the export's files (`source`).
    `check` and `Checker.check` report them as the command line does."""

    _not_tracked: dict[str, str] = PrivateAttr(default_factory=dict)
    _quarantine: Optional[tuple[Quarantined, ...]] = PrivateAttr(default=None)
    _source: str = PrivateAttr(default="<export>")
    _mapping: Optional[LoadedMapping] = PrivateAttr(default=None)

    @property
    def not_tracked(self) -> dict[str, str]:
        """Rule id → why the export cannot show it (the mapping's `not_tracked`)."""
        return dict(self._not_tracked)

    @property
    def quarantine(self) -> Optional[tuple[Quarantined, ...]]:
        """The invalid complaints set aside, each with its file, rows and problems; None without a quarantine."""
        return self._quarantine

    @property
    def source(self) -> str:
        """The export as a report names it: its files, comma-separated."""
        return self._source

    def not_tracked_error(self, unknown: Sequence[tuple[str, str, Optional[str]]]) -> MappingError:
        """The error for `not_tracked` rules the rulebook lacks, (rule, message, suggestion), at the mapping's lines."""
        assert self._mapping is not None
        return MappingError(self._mapping.yaml.name, [self._mapping.problem(("not_tracked", rule), message, suggestion) for rule, message, suggestion in unknown])


@dataclass(frozen=True)
class Export:
    """What a mapping made of an export: the records of its valid complaints, and the invalid ones set aside."""

    records: ExportRecords
    quarantine: tuple[Quarantined, ...]
    files: tuple[str, ...]  # the export's files as read (a zip's own path)
    document: dict[str, Any]  # the records as RECORDS.md text (timestamps as exported), for `convert`

    @property
    def not_tracked(self) -> dict[str, str]:
        return self.records.not_tracked

    @property
    def source(self) -> str:
        return self.records.source

    def refuse_invalid(self) -> None:
        """An `InputError` naming every invalid complaint's file, rows and id, grouped by kind, if any."""
        if self.quarantine:
            raise InputError(self.source, grouped_problems(self.quarantine))


def load_export(mapping: MappingLike, files: Optional[Sequence[Union[str, Path]]] = None, *, data_dir: Union[str, Path, None] = None,
                quarantine: bool = False) -> ExportRecords:
    """The records a system's export gives through `mapping` (a mapping file's path, MAPPING.md).

    `files` replace the mapping's `source.files` (paths as given); without them those are read
    under `data_dir` (default: the mapping file's folder). Without `quarantine`, any invalid
    complaint is an `InputError` naming its source file, rows and id (many of one kind grouped:
    the first few and how many more). With it, invalid complaints are set aside into the records'
    `.quarantine` and the rest kept. `check(records)` then reports the quarantine, the mapping's
    `not_tracked` obligations and the export's files as its source, as the command line does.
    """
    export = read_export(mapping, files, data_dir=data_dir)
    if not quarantine:
        export.refuse_invalid()
    records = export.records
    if quarantine:
        records._quarantine = export.quarantine
    return records


def read_export(mapping: MappingLike, files: Optional[Sequence[Union[str, Path]]] = None, *, data_dir: Union[str, Path, None] = None) -> Export:
    """Read an export through `mapping` (a path or a loaded mapping): `files` replace the mapping's
    `source.files` (paths as given); otherwise those are read under `data_dir` (default: the
    mapping file's folder). Invalid complaints come back in `quarantine`, never silently dropped."""
    loaded = mapping if isinstance(mapping, LoadedMapping) else load_mapping(mapping)
    spec = loaded.spec
    folder = Path(data_dir) if data_dir is not None else loaded.folder
    if files:
        refs = [FileRef(path=str(Path(f).resolve())) for f in files]
        folder = Path.cwd()
    else:
        refs = list(spec.source.files)
    table = read_table(loaded, refs, folder, wanted(spec))
    frame = _derive(loaded, table.frame)
    used = _lookups_used(loaded)
    lookups = {name: read_lookup(loaded, name, folder) for name in used}
    zone = spec.contract.timezone
    folded = fold(loaded, frame, lookups, zone)
    contract = contract_document(loaded, folded.frame)
    as_of = as_of_text(loaded, folded.frame, folded.event_instants)
    channels = channel_documents(loaded, folded.frame, contract["effective_on"])
    shell: dict[str, Any] = {"contract": contract, "channels": channels}
    if as_of is not None:
        shell = {"contract": contract, "as_of": as_of, "channels": channels}
    records = validate_records(shell, loaded.yaml.name)
    documents = _documents(folded)
    troubles = _troubles(folded)
    judged = set_aside(documents, ZoneInfo(zone), troubles)
    valid = []
    valid_documents = []
    quarantined = []
    files_of = folded.frame["_file"].to_list()
    rows_of = folded.frame["_rows"].to_list()
    first_rows = folded.frame["row"].to_list()
    for index, (complaint, issues) in enumerate(judged):
        if complaint is not None:
            valid.append(complaint)
            valid_documents.append(documents[index])
        else:
            document = documents[index]
            item_id = document.get("id")
            values = {k: v for k, v in document.items() if k != "source"}
            quarantined.append(Quarantined(item_id if isinstance(item_id, str) else None, table.files[files_of[index]], first_rows[index], rows_of[index], issues, values))
    exported = ExportRecords.model_construct(records.model_fields_set | {"complaints"}, **{**dict(records), "complaints": valid})
    exported._not_tracked = dict(spec.not_tracked)
    exported._source = ", ".join(table.paths)
    exported._mapping = loaded
    document_out = {**shell, "complaints": valid_documents}
    return Export(exported, tuple(quarantined), tuple(table.paths), document_out)


def _derive(mapping: LoadedMapping, frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    for name, spec in mapping.spec.derive.items():
        split = spec.split
        if split.column not in frame.columns:
            raise MappingError(mapping.yaml.name, [mapping.problem(("derive", name, "split", "column"), f"column {split.column!r} is derived later or not at all: derive it first")])
        part = pl.col(split.column).str.split(split.sep).list.get(split.index, null_on_oob=True).str.strip_chars()
        frame = frame.with_columns(pl.when(part == "").then(None).otherwise(part).alias(name))
    return frame


def _lookups_used(mapping: LoadedMapping) -> list[str]:
    from check_compliance.obligations.exports.checks import producers
    from check_compliance.obligations.exports.mapping import ColumnProducer

    names = []
    for _, _, producer in producers(mapping.spec):
        if isinstance(producer, ColumnProducer) and producer.lookup is not None and producer.lookup not in names:
            names.append(producer.lookup)
    return names


def _documents(folded: Folded) -> list[dict[str, Any]]:
    """Each folded complaint as RECORDS.md: fields in its order (absent when null), pauses, then `source`."""
    names = [n for n in COMPLAINT_FIELDS if n in folded.fields]
    columns = names + (["pauses"] if "pauses" in folded.frame.columns else []) + ["x." + n for n in folded.extras]
    has_pauses = "pauses" in folded.frame.columns
    out = []
    for row in folded.frame.select(columns).iter_rows():
        document: dict[str, Any] = {}
        for name, value in zip(names, row):
            if value is not None:
                document[name] = value
        rest = row[len(names):]
        if has_pauses:
            pauses = rest[0]
            rest = rest[1:]
            if pauses:
                document["pauses"] = [{"from": p["from"], **({"to": p["to"]} if p["to"] is not None else {})} for p in pauses]
        if folded.extras:
            document["source"] = dict(zip(folded.extras, rest))
        out.append(document)
    return out


def _troubles(folded: Folded) -> list[tuple[Issue, ...]]:
    """The fold's own problems of each complaint: unreadable and unmapped values, a row without a key."""
    import polars as pl

    from check_compliance.obligations.errors import excerpt

    frame = folded.frame
    pairs = [(name, name) for name in folded.fields] + [(f"source.{n}", "x." + n) for n in folded.extras] + folded.troubles
    flags = [pl.col(prefix + "?").is_not_null() for _, prefix in pairs if prefix + "?" in frame.columns]
    if "_nokey" in frame.columns:
        flags.append(pl.col("_nokey"))
    out: list[tuple[Issue, ...]] = [()] * frame.height
    if not flags:
        return out
    flagged = frame.with_row_index("_i").filter(pl.any_horizontal(flags))
    for row in flagged.iter_rows(named=True):
        issues = []
        if row.get("_nokey"):
            issues.append(Issue("missing", "events.key", "the row has no value in the events key column"))
        for path, prefix in pairs:
            kind = row.get(prefix + "?")
            if kind is None:
                continue
            shown = excerpt(row[prefix + "!"])
            message = f"no `map` entry for {shown} (and no \"*\")" if kind == "unmapped" else f"cannot read {shown} with its column's format or type"
            issues.append(Issue(kind, path, message))
        out[row["_i"]] = tuple(issues)
    return out
