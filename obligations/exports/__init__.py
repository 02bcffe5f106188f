"""Checking a system's own export: a mapping file (MAPPING.md) says how its CSV, Excel, Parquet or
JSON rows become records.

    export = read_export("mappings/servicenow.yaml")      # records of the valid complaints + quarantine
    records = load_export("mappings/servicenow.yaml")     # the same, any invalid complaint an InputError

The flow: `mapping` (the schema, errors at file:line:col) → `readers` (one table of text columns,
pyarrow's CSV reader, calamine for Excel) → `fold` (Polars: rows, or events grouped by key) →
`derived` (contract, `as_of`, channels) → `validate` (valid `Complaint`s and the quarantine).
"""

from check_compliance.obligations.exports.export import Export, ExportRecords, load_export, read_export
from check_compliance.obligations.exports.mapping import LoadedMapping, load_mapping

__all__ = ["Export", "ExportRecords", "LoadedMapping", "load_export", "load_mapping", "read_export"]
