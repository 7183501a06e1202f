"""Crafted .xlsx files for the import tests (issue 10 §4): each takes a valid workbook and breaks
one thing. Deterministic, built in memory; shared by tests/formats, tests/orgs, tests/external and
tests/campaigns (tests/ is on sys.path through the root conftest)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>"
)


def workbook_bytes(rows: list[list[object]], title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def rewrite(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The workbook with its parts changed by ``change`` (a dict name → bytes, in order)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def _after_declaration(xml: bytes, insert: str) -> bytes:
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        return xml[:end] + insert.encode() + xml[end:]
    return insert.encode() + xml


def with_dtd(data: bytes, dtd: str, part: str = SHEET) -> bytes:
    return rewrite(data, lambda parts: parts.__setitem__(part, _after_declaration(parts[part], dtd)))


def _inline_cell(text: bytes) -> bytes:
    return b'<row r="999"><c r="A999" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"


def billion_laughs(data: bytes) -> bytes:
    """Entity bomb in the sheet, referenced from an inline string cell."""

    def change(parts: dict[str, bytes]) -> None:
        xml = _after_declaration(parts[SHEET], LAUGHS)
        parts[SHEET] = xml.replace(
            b"</sheetData>", b'<row r="999"><c r="A999" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
        )

    return rewrite(data, change)


def external_entity(data: bytes) -> bytes:
    def change(parts: dict[str, bytes]) -> None:
        xml = _after_declaration(parts[SHEET], '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
        parts[SHEET] = xml.replace(
            b"</sheetData>", b'<row r="999"><c r="A999" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>'
        )

    return rewrite(data, change)


def doctype_only(data: bytes) -> bytes:
    return with_dtd(data, "<!DOCTYPE worksheet>")


def dtd_in_workbook_part(data: bytes) -> bytes:
    return with_dtd(data, '<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">]>', part=WORKBOOK)


def huge_dimension(data: bytes) -> bytes:
    """Claims A1:XFD1048576: read-only openpyxl pads every row to 16,384 columns, 10**6 times."""

    def change(parts: dict[str, bytes]) -> None:
        xml = parts[SHEET]
        start = xml.index(b"<dimension")
        end = xml.index(b"/>", start) + 2
        parts[SHEET] = xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[end:]

    return rewrite(data, change)


def far_cell(data: bytes) -> bytes:
    """One cell at XFD1048576: openpyxl's normal mode would create every cell up to it."""

    def change(parts: dict[str, bytes]) -> None:
        parts[SHEET] = parts[SHEET].replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        )

    return rewrite(data, change)


def merge_bomb(data: bytes) -> bytes:
    """One merged range of 1.5 million cells (openpyxl makes a MergedCell per covered cell),
    inside every row and column bound so that only the merged-area bound stops it."""

    def change(parts: dict[str, bytes]) -> None:
        parts[SHEET] = parts[SHEET].replace(
            b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:CV15000"/></mergeCells>', 1
        )

    return rewrite(data, change)


def escaped_merge_bomb(data: bytes) -> bytes:
    """The same, its range written with character references that a regex would not see."""

    def change(parts: dict[str, bytes]) -> None:
        parts[SHEET] = parts[SHEET].replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="A1:C&#86;15000"/></mergeCells>',
            1,
        )

    return rewrite(data, change)


def zip_bomb(data: bytes) -> bytes:
    """A 30 MB run of spaces inside the sheet compresses ~1000 to 1."""

    def change(parts: dict[str, bytes]) -> None:
        parts[SHEET] = parts[SHEET].replace(b"</sheetData>", b" " * (30 * 1024 * 1024) + b"</sheetData>")

    return rewrite(data, change)


def traversal_entry(data: bytes) -> bytes:
    return rewrite(data, lambda parts: parts.__setitem__("../../evil.xml", b"<x/>"))


def not_a_zip(_data: bytes) -> bytes:
    return b"<html><body>not a workbook</body></html>"


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def legacy_xls(_data: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048


HOSTILE: dict[str, Callable[[bytes], bytes]] = {
    "billion_laughs": billion_laughs,
    "external_entity": external_entity,
    "doctype_only": doctype_only,
    "dtd_in_workbook_part": dtd_in_workbook_part,
    "huge_dimension": huge_dimension,
    "far_cell": far_cell,
    "merge_bomb": merge_bomb,
    "escaped_merge_bomb": escaped_merge_bomb,
    "zip_bomb": zip_bomb,
    "traversal_entry": traversal_entry,
    "not_a_zip": not_a_zip,
    "truncated": truncated,
    "legacy_xls": legacy_xls,
}
# What each refusal says (a fragment of the Chinese message).
EXPECTED = {
    "billion_laughs": "DTD",
    "external_entity": "DTD",
    "doctype_only": "DTD",
    "dtd_in_workbook_part": "DTD",
    "huge_dimension": "行",
    "far_cell": "行",
    "merge_bomb": "合并单元格",
    "escaped_merge_bomb": "合并单元格",
    "zip_bomb": "压缩炸弹",
    "traversal_entry": "不安全的路径",
    "not_a_zip": ".xlsx",
    "truncated": ".xlsx",
    "legacy_xls": ".xlsx",
}
