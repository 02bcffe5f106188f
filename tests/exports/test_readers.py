"""Readers: CSV options, encodings, zip members, Excel, Parquet and JSON, all read the same way."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from export_support import write

from check_compliance.obligations.errors import InputError
from check_compliance.obligations.exports import read_export

MAPPING = """\
version: 1
name: reader
source:
  files: [{file}]
{source}
timestamps: {{opened: "%Y-%m-%d %H:%M"}}
shape: rows
contract: {{id: T, effective_on: 2026-10-01, term_years: 1}}
complaint:
  id: {{column: 编号}}
  received_at: {{column: opened}}
  category: {{column: category#1}}
  status: {{column: status, map: {{开放: open, 关闭: closed}}}}
  resolved_at: {{column: opened}}
"""
ROWS = [["编号", "category", "opened", "category", "status"], ["C1", "a", "2026-10-01 09:00", "billing", "开放"], ["C2", "b", "2026-10-02 09:00", "line\nbreak", "关闭"]]


def _csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if "\n" in value or delimiter in value else value

    return "".join(delimiter.join(cell(v) for v in row) + newline for row in rows)


def _read(tmp_path: Path, name: str, data: bytes, source: str = ""):  # type: ignore[no-untyped-def]
    return read_export(write(tmp_path, MAPPING.format(file=name, source=source), {name: data}))


def _ids_and_categories(export) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(c["id"], c["category"]) for c in export.document["complaints"]]


EXPECTED = [("C1", "billing"), ("C2", "line\nbreak")]


def test_gb18030_with_a_repeated_header_and_a_quoted_newline(tmp_path: Path) -> None:
    export = _read(tmp_path, "export.csv", _csv(ROWS).encode("gb18030"), "  encoding: gb18030")
    assert _ids_and_categories(export) == EXPECTED
    assert [c["status"] for c in export.document["complaints"]] == ["open", "closed"]


def test_gb18030_read_as_utf8_is_an_input_error_naming_the_encoding(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="source.encoding"):
        _read(tmp_path, "export.csv", _csv(ROWS).encode("gb18030"))


def test_bom_crlf_tab_delimiter_skip_lines_and_blank_lines(tmp_path: Path) -> None:
    body = "exported by the system\r\n\r\n" + _csv(ROWS, delimiter="\t", newline="\r\n").replace("\r\nC2", "\r\n\r\nC2")
    export = _read(tmp_path, "export.tsv", b"\xef\xbb\xbf" + body.encode("utf-8"), '  encoding: utf-8-sig\n  delimiter: "\\t"\n  skip_lines: 2')
    assert _ids_and_categories(export) == EXPECTED
    assert [c.received_at.day for c in export.records.complaints] == [1, 2]
    assert export.quarantine == ()


def test_null_values_are_exact_untrimmed_texts(tmp_path: Path) -> None:
    rows = [ROWS[0], ["C1", "a", "2026-10-01 09:00", "N/A", "开放"], ["C2", "b", "2026-10-02 09:00", " N/A", "关闭"]]
    export = _read(tmp_path, "export.csv", _csv(rows).encode("utf-8"), '  null_values: ["N/A"]')
    assert [c.get("category") for c in export.document["complaints"]] == [None, " N/A"]


def test_a_ragged_row_is_an_input_error_without_its_content(tmp_path: Path) -> None:
    text = _csv(ROWS[:2]) + "C3,secret-phone-number\n"
    with pytest.raises(InputError) as caught:
        _read(tmp_path, "export.csv", text.encode("utf-8"))
    assert "different number of fields" in caught.value.render() and "secret" not in caught.value.render()


def test_a_zip_member(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/incidents.csv", _csv(ROWS))
    export = _read(tmp_path, "export.zip", buffer.getvalue())
    assert _ids_and_categories(export) == EXPECTED
    assert export.files == (str(tmp_path / "export.zip"),) or export.files[0].endswith("export.zip")


def test_a_zip_of_several_members_needs_the_member_named(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", _csv(ROWS))
        archive.writestr("b.csv", _csv(ROWS))
    with pytest.raises(InputError, match="member"):
        _read(tmp_path, "export.zip", buffer.getvalue())
    mapping = MAPPING.format(file="{path: export.zip, member: b.csv}", source="")
    export = read_export(write(tmp_path, mapping, {"export.zip": buffer.getvalue()}))
    assert _ids_and_categories(export) == EXPECTED


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"编号": ["C1", "C2"], "opened": ["2026-10-01 09:00", "2026-10-02 09:00"], "category#1": ["billing", "line\nbreak"], "status": ["开放", "关闭"]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    assert _ids_and_categories(_read(tmp_path, "export.parquet", buffer.getvalue())) == EXPECTED


def test_json_lines_and_a_json_document_with_nested_objects(tmp_path: Path) -> None:
    lines = b'{"id": "C1", "at": "2026-10-01 09:00", "cat": {"name": "billing"}, "status": "open"}\n\n{"id": "C2", "at": "2026-10-02 09:00", "cat": {"name": "x"}, "status": "open"}\n'
    mapping = """\
version: 1
name: json
source: {files: [export.jsonl]}
timestamps: {at: "%Y-%m-%d %H:%M"}
shape: rows
contract: {id: T, effective_on: 2026-10-01, term_years: 1}
complaint: {id: {column: id}, received_at: {column: at}, category: {column: cat.name}, status: {column: status}}
"""
    export = read_export(write(tmp_path, mapping, {"export.jsonl": lines}))
    assert [c["category"] for c in export.document["complaints"]] == ["billing", "x"]
    document = b'{"data": {"tickets": [{"id": "C1", "at": "2026-10-01 09:00", "cat": {"name": "billing"}, "status": "open"}]}}'
    mapping = mapping.replace("export.jsonl]}", 'export.json], records: "data.tickets"}')
    export = read_export(write(tmp_path, mapping, {"export.json": document}))
    assert [c["id"] for c in export.document["complaints"]] == ["C1"]


def test_an_excel_sheet_by_name(tmp_path: Path) -> None:
    data = _xlsx({"说明": [["ignore me"]], "投诉": ROWS})
    export = _read(tmp_path, "export.xlsx", data, "  sheet: 投诉")
    assert _ids_and_categories(export) == EXPECTED


def _xlsx(sheets: dict[str, list[list[str]]]) -> bytes:
    """A minimal workbook (inline strings), written here so the tests need no Excel writer."""
    from xml.sax.saxutils import escape

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
        archive.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>")
        archive.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        entries = "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, start=1))
        archive.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' + entries + "</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + rels + "</Relationships>")
        for i, rows in enumerate(sheets.values(), start=1):
            body = "".join(
                f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>' for c, v in enumerate(row)) + "</row>"
                for r, row in enumerate(rows, start=1)
            )
            archive.writestr(f"xl/worksheets/sheet{i}.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + body + "</sheetData></worksheet>")
    return buffer.getvalue()
