"""Hostile .xlsx files against every reader of workbooks in kaoping.formats (issue 10 §4).

Each crafted file (tests/hostile_xlsx.py) is refused with a Chinese reason before openpyxl builds
anything: DTDs and entities (billion laughs, external entity), zip bombs, absurd extents, unsafe
entry names, files that are not .xlsx at all. Real workbooks still read.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from hostile_xlsx import EXPECTED, HOSTILE, workbook_bytes
from kaoping.formats import xlsx_guard
from kaoping.formats.excel_table import read_indicator_table
from kaoping.formats.inputs_io import InputProblem, _read_file
from kaoping.formats.problems import SchemeError

EXAMPLE_TABLE = Path(__file__).resolve().parents[2] / "examples" / "honggutan-2021" / "indicators.xlsx"
IMPORTED = workbook_bytes([["unit", "component", "raw", "raw_max"], ["u1", "party", 88, 100]], title="imported")


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_guard_refuses_each_hostile_workbook_with_its_reason(name: str) -> None:
    data = HOSTILE[name](IMPORTED)
    with pytest.raises(xlsx_guard.WorkbookRefused) as refused:
        xlsx_guard.open_workbook(io.BytesIO(data), read_only=True)
    assert EXPECTED[name] in refused.value.message


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_indicator_table_reader_refuses_each_with_the_file_named(name: str, tmp_path: Path) -> None:
    path = tmp_path / "量化考核表.xlsx"
    path.write_bytes(HOSTILE[name](EXAMPLE_TABLE.read_bytes()))
    with pytest.raises(SchemeError) as refused:
        read_indicator_table(path)
    [problem] = refused.value.problems
    assert problem.location.endswith("量化考核表.xlsx") and "无法打开 Excel 文件" in problem.message


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_inputs_reader_refuses_each_with_the_file_named(name: str, tmp_path: Path) -> None:
    path = tmp_path / "imported.xlsx"
    path.write_bytes(HOSTILE[name](IMPORTED))
    problems: list[InputProblem] = []
    assert _read_file(path, problems) == []
    [problem] = problems
    assert problem.location == "imported.xlsx"
    assert EXPECTED[name] in problem.message


def test_real_workbooks_pass_the_guard() -> None:
    xlsx_guard.check_workbook(EXAMPLE_TABLE)
    assert read_indicator_table(EXAMPLE_TABLE)
    problems: list[InputProblem] = []
    xlsx_guard.check_workbook(io.BytesIO(IMPORTED))
    assert problems == []


def test_an_xml_bomb_without_the_guard_is_still_stopped_by_defusedxml(tmp_path: Path) -> None:
    """Second line of defence: openpyxl itself, through defusedxml, refuses entity declarations."""
    from defusedxml import DefusedXmlException

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(HOSTILE["billion_laughs"](IMPORTED))
    with pytest.raises(ValueError) as refused:  # openpyxl wraps the parser's exception
        workbook = openpyxl.load_workbook(path, read_only=True)
        list(workbook.worksheets[0].iter_rows(values_only=True))
    causes = [refused.value, refused.value.__cause__, refused.value.__context__]
    assert any(isinstance(cause, DefusedXmlException) for cause in causes)


def test_json_inputs_refuse_deep_nesting_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ballots.json"
    path.write_text('{"ballots":\n' + "[" * 500 + "]" * 500 + "}", encoding="utf-8")
    problems: list[InputProblem] = []
    assert _read_file(path, problems) == []
    [problem] = problems
    assert problem.location == "ballots.json 第2行第64列" and "嵌套层数过深" in problem.message


def test_json_inputs_with_a_5000_digit_number_keep_it_as_text_for_the_row_check(tmp_path: Path) -> None:
    path = tmp_path / "imported.json"
    path.write_text('{"imported": [{"unit": "a", "component": "b", "raw": ' + "9" * 5000 + "}]}", encoding="utf-8")
    problems: list[InputProblem] = []
    [table] = _read_file(path, problems)
    assert problems == [] and table.rows[0].values["raw"] == "9" * 20 + "…"


def test_a_damaged_input_file_is_described_without_an_exception_name(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_bytes(b'{"items": [1, 2')
    problems: list[InputProblem] = []
    _read_file(path, problems)
    assert problems and all("Error" not in p.message for p in problems)
