"""Checks an .xlsx before openpyxl opens it: every import of a workbook goes through here.

openpyxl trusts the workbook it reads. A hostile one can make it
- parse a DTD with entity declarations (billion laughs, external entities) — refused by
  defusedxml, which openpyxl uses once it is installed, and refused here for any DTD at all;
- inflate a small zip into gigabytes (zip bomb) — bounded by entry count, total uncompressed
  size and compression ratio, read from the zip directory before anything is inflated;
- build a cell object for every address in a merged range or a declared dimension such as
  A1:XFD1048576 (17 billion cells) — bounded by rows, columns, cells and merged area, counted
  with a streaming parse of each part.
Real workbooks are far below every bound (the examples' 量化考核表 is 11 KB, 60 rows, 8 columns).
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 1_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200  # per entry, uncompressed / compressed; sheets of real workbooks stay far below
NOT_XLSX = "不是有效的 .xlsx 文件(文件已损坏或不是 Excel 2007 以后的格式),请用 Excel 另存为 .xlsx"
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class WorkbookRefused(Exception):
    """The workbook is not opened; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Bounds:
    """How large a workbook may be. Reading in openpyxl's normal mode keeps a Python object per
    cell (≈ 200 bytes), so its callers pass a lower ``cells``."""

    rows: int = 100_000
    columns: int = 500
    cells: int = 1_000_000
    merged_cells: int = 100_000


DEFAULT_BOUNDS = Bounds()


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0
    cells: int = 0
    merged: int = 0
    last_row: int = 0


def check_workbook(source: Path | IO[bytes], bounds: Bounds = DEFAULT_BOUNDS) -> None:
    """Raise WorkbookRefused unless ``source`` is an .xlsx within ``bounds`` without any DTD."""
    try:
        with zipfile.ZipFile(source) as archive:
            check_xml_parts(archive, check_zip_entries(archive), bounds)
    except WorkbookRefused:
        raise
    except Exception:  # BadZipFile, zlib.error, encrypted entries, bad CRC …: never a 500
        raise WorkbookRefused(NOT_XLSX) from None


def check_xml_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], bounds: Bounds = DEFAULT_BOUNDS) -> None:
    """Stream-parse every XML part: no DTD anywhere; sheets within ``bounds``."""
    extent = _Extent()
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels", ".vml")):
            _check_part(archive, info, extent, bounds)


def check_zip_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The entries of an Office package, after the zip-bomb and unsafe-name checks (directory only)."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise WorkbookRefused(f"文件内部的条目过多(超过 {MAX_ENTRIES} 个),已拒收")
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or stat.S_ISLNK(info.external_attr >> 16):
            raise WorkbookRefused("文件内部含有不安全的路径(../、绝对路径或符号链接),已拒收")
        total += info.file_size
        if total > MAX_UNCOMPRESSED or info.file_size > MAX_RATIO * max(info.compress_size, 1) + 65536:
            raise WorkbookRefused(
                f"文件解压后过大(上限 {MAX_UNCOMPRESSED // 1024 // 1024} MB)或压缩比异常(疑似压缩炸弹),已拒收"
            )
    return infos


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, extent: _Extent, bounds: Bounds) -> None:
    extent.last_row = 0
    try:
        with archive.open(info) as part:
            for element in _elements(part):
                _measure(element, extent, bounds)
    except DefusedXmlException:
        raise WorkbookRefused(
            f"文件中的 {info.filename} 含有 DTD 或实体声明(可被用来制造 XML 炸弹或读取服务器上的文件),已拒收。"
            "请用 Office 打开后另存一份再上传"
        ) from None
    except SyntaxError:  # xml.etree.ElementTree.ParseError
        raise WorkbookRefused(f"文件中的 {info.filename} 不是有效的 XML,文件可能已损坏") from None


def _elements(part: IO[bytes]) -> Iterator[Any]:
    for _event, element in iterparse(part, events=("end",), forbid_dtd=True):
        yield element
        element.clear()  # keep memory flat on large sheets


def _measure(element: Any, extent: _Extent, bounds: Bounds) -> None:
    tag = element.tag
    if not tag.startswith(SHEET_NS):
        return
    name = tag[len(SHEET_NS) :]
    if name == "c":
        extent.cells += 1
        column, row = _cell_position(element.get("r"))
        _grow(extent, bounds, row=row, column=column)
        if extent.cells > bounds.cells:
            raise WorkbookRefused(f"工作簿的单元格超过 {bounds.cells:,} 个,已拒收;请拆分后再导入")
    elif name == "row":  # without r, openpyxl puts the row after the previous one
        extent.last_row = _number(element.get("r") or "") or extent.last_row + 1
        _grow(extent, bounds, row=extent.last_row, column=0)
    elif name in ("mergeCell", "dimension") and element.get("ref"):
        min_col, min_row, max_col, max_row = _range(element.get("ref"))
        _grow(extent, bounds, row=max_row, column=max_col)
        if name == "mergeCell":
            extent.merged += (max_col - min_col + 1) * (max_row - min_row + 1)
            if extent.merged > bounds.merged_cells:
                raise WorkbookRefused(f"工作簿的合并单元格总面积超过 {bounds.merged_cells:,} 格,已拒收")


def _grow(extent: _Extent, bounds: Bounds, *, row: int, column: int) -> None:
    extent.rows = max(extent.rows, row)
    extent.columns = max(extent.columns, column)
    if extent.rows > bounds.rows:
        raise WorkbookRefused(f"工作表超过 {bounds.rows:,} 行(第 {extent.rows:,} 行有内容或格式),已拒收")
    if extent.columns > bounds.columns:
        raise WorkbookRefused(f"工作表超过 {bounds.columns} 列,已拒收;请删除右侧多余的列后再导入")


def _cell_position(reference: str | None) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string  # the web imports lazily

    if not reference:
        return 0, 0  # openpyxl places it after the previous cell; rows and cells are still counted
    try:
        letters, row = coordinate_from_string(reference)
        return column_index_from_string(letters), row
    except ValueError:
        raise WorkbookRefused(f"单元格地址“{reference[:20]}”无效,文件可能已损坏") from None


def _range(reference: str) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries

    try:
        bounds = range_boundaries(reference.split()[0])
    except (ValueError, TypeError, IndexError):
        raise WorkbookRefused(f"单元格范围“{reference[:30]}”无效,文件可能已损坏") from None
    min_col, min_row, max_col, max_row = (value or 1 for value in bounds)
    return min_col, min_row, max_col, max_row


def _number(text: str) -> int:
    return int(text[:12]) if text.isascii() and text.isdigit() else 0  # 12 digits: far past any bound


def open_workbook(source: Path | IO[bytes], *, bounds: Bounds = DEFAULT_BOUNDS, read_only: bool) -> Any:
    """``openpyxl.load_workbook`` after :func:`check_workbook`; any failure is WorkbookRefused."""
    from openpyxl import load_workbook  # slow to import; CSV and JSON readers do not need it

    size = _size(source)
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(f"文件过大({size / 1024 / 1024:.1f} MB),上限为 {MAX_FILE_BYTES // 1024 // 1024} MB")
    check_workbook(source, bounds)
    if not isinstance(source, Path):
        source.seek(0)
    try:
        return load_workbook(source, read_only=read_only, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged workbook; none may escape as a 500
        raise WorkbookRefused("无法读取这个 Excel 文件(内容不完整或格式不受支持),请用 Excel 另存为 .xlsx") from None


def _size(source: Path | IO[bytes]) -> int:
    if isinstance(source, Path):
        return source.stat().st_size
    position = source.seek(0, 2)
    source.seek(0)
    return position
