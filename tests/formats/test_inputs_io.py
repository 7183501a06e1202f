"""Reading units, item scores, figures, ballots and imported scores from CSV/XLSX/JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    ConversionMethod,
    ConversionSpec,
    GradeScale,
    Indicator,
    RaterGroup,
    RatingSpec,
    ScaleGrade,
    Scheme,
)
from kaoping.formats.inputs_io import InputsError, load_inputs, read_inputs

GRADES = (("好", 100), ("良好", 90), ("较好", 80), ("一般", 70), ("差", 50))


def _scheme() -> Scheme:
    rating = RatingSpec(
        scale=GradeScale(
            grades=tuple(ScaleGrade(name, Decimal(value)) for name, value in GRADES),
            abstain="不了解",
        ),
        groups=(
            RaterGroup("leaders", "局领导", Decimal(50)),
            RaterGroup("heads", "处室负责人", Decimal(25)),
            RaterGroup("units", "县区(学校)", Decimal(25)),
        ),
    )
    table = (
        Indicator(
            "1",
            "保障",
            Decimal(6),
            children=(
                Indicator("1.1", "经费", Decimal(2)),
                Indicator("1.2", "班额", Decimal(4)),
            ),
        ),
    )
    return Scheme(
        id="t",
        name="测试方案",
        year=2018,
        categories=(
            Category("county", "县(区)教育行政部门", ("lide", "wukan")),
            Category("school", "局属学校", ("lide", "dangjian")),
        ),
        components=(
            Component("lide", "立德树人述职测评", Decimal(100), ComponentMethod.RATING, rating=rating),
            Component("wukan", "五看五比", Decimal(6), ComponentMethod.INDICATORS, indicators=table),
            Component(
                "dangjian",
                "基层党建工作考核",
                Decimal(300),
                ComponentMethod.IMPORTED,
                conversion=ConversionSpec(ConversionMethod.PROPORTIONAL, raw_max=Decimal(100)),
            ),
        ),
    )


UNITS_CSV = "id,name,category\nnc,南昌县,county\njx,进贤县,县(区)教育行政部门\nez,南昌二中,school\n"


def _write(folder: Path, name: str, text: str, bom: bool = False) -> Path:
    path = folder / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def _messages(problems: Sequence[object]) -> list[str]:
    return [str(p) for p in problems]


def test_reads_all_five_tables_from_csv_with_english_headers(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(tmp_path, "items.csv", "unit,item,self,reviewed,note\nnc,1.1,2,1.5,少一份纪要\n")
    _write(tmp_path, "figures.csv", "unit,item,figure,value\nnc,1.2,standard_class_ratio,80.84\n")
    _write(
        tmp_path,
        "ballots.csv",
        "component,rater,rater_group,rater_unit,unit,grade\n"
        "lide,r1,leaders,,nc,好\nlide,r2,处室负责人,,jx,不了解\nlide,r3,units,ez,nc,良好\n",
    )
    _write(tmp_path, "imported.csv", "unit,component,raw,raw_max\nez,dangjian,92.5,\n")

    inputs, problems = read_inputs(_scheme(), [tmp_path])

    assert problems == []
    assert [u.category for u in inputs.units] == ["county", "county", "school"]
    by_item = {(i.unit_id, i.item_id): i for i in inputs.items}
    assert by_item["nc", "1.1"].self_score == Decimal("2")
    assert by_item["nc", "1.1"].reviewed_score == Decimal("1.5")
    assert by_item["nc", "1.1"].confirmed_score is None
    assert by_item["nc", "1.1"].note == "少一份纪要"
    assert by_item["nc", "1.2"].figures == {"standard_class_ratio": Decimal("80.84")}
    assert by_item["nc", "1.2"].self_score is None
    assert [b.rater_group for b in inputs.ballots] == ["leaders", "heads", "units"]
    assert inputs.ballots[1].grade is None  # 不了解 is an abstention
    assert inputs.ballots[2].rater_unit == "ez"
    assert inputs.imported[0].raw == Decimal("92.5")
    assert inputs.imported[0].raw_max is None


def test_reads_chinese_headers_and_a_bom(tmp_path: Path) -> None:
    _write(tmp_path, "单位.csv", "单位编号,单位名称,类别\nnc,南昌县,county\n", bom=True)
    _write(
        tmp_path,
        "指标得分.csv",
        "单位编号,指标编号,自评分,复核分,不适用,得失分说明\nnc,1.1,,,是,暂无高中\n",
        bom=True,
    )

    inputs, problems = read_inputs(_scheme(), [tmp_path])

    assert problems == []
    assert inputs.units[0].id == "nc"
    assert inputs.items[0].not_applicable is True
    assert inputs.items[0].self_score is None  # blank is missing, never 0


def test_blank_scores_stay_missing_not_zero(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(tmp_path, "items.csv", "unit,item,self,reviewed\nnc,1.1, ,\n")

    inputs, _ = read_inputs(_scheme(), [tmp_path])

    assert inputs.items[0].self_score is None
    assert inputs.items[0].reviewed_score is None


def test_wrong_grade_is_located_to_file_row_and_column(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    rows = "".join(f"lide,r{n},leaders,,nc,好\n" for n in range(10))
    _write(
        tmp_path,
        "ballots.csv",
        "component,rater,rater_group,rater_unit,unit,grade\n" + rows + "lide,rx,leaders,,nc,很好\n",
    )

    _, problems = read_inputs(_scheme(), [tmp_path])

    assert _messages(problems) == ["ballots.csv 第12行 grade: “很好”不在等级表(好/良好/较好/一般/差)中"]


def test_column_is_named_as_the_file_writes_it(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(tmp_path, "选票.csv", "测评项目,评委,评委组,被测评单位,等次\nlide,r1,局领导,nc,优\n")

    _, problems = read_inputs(_scheme(), [tmp_path])

    assert _messages(problems) == ["选票.csv 第2行 等次: “优”不在等级表(好/良好/较好/一般/差)中"]


def test_reports_every_problem_at_once(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV + "nc,重复,county\nxx,某地,乡镇\n")
    _write(tmp_path, "items.csv", "unit,item,self\nnope,1.1,1\nnc,9.9,1\nnc,1,1\nnc,1.1,abc\nnc,1.2,5\n")
    _write(tmp_path, "ballots.csv", "component,rater,rater_group,unit,grade\nwuda,r1,leaders,nc,好\n")
    _write(tmp_path, "imported.csv", "unit,component,raw\nnc,dangjian,90\n")

    _, problems = read_inputs(_scheme(), [tmp_path])
    text = _messages(problems)

    assert "units.csv 第5行 id: 单位编号“nc”重复(已在 units.csv 第2行 出现)" in text
    assert any(t.startswith("units.csv 第6行 category: 类别“乡镇”不在方案中") for t in text)
    assert "items.csv 第2行 unit: 未知单位“nope”(不在单位名单中)" in text
    assert "items.csv 第3行 item: 未知指标“9.9”(不在方案的指标体系中)" in text
    assert "items.csv 第4行 item: 指标“1”不是末级指标,不能直接打分" in text
    assert "items.csv 第5行 self: “abc”不是数字" in text
    assert "items.csv 第6行 self: 得分 5 超过该指标分值 4" in text
    assert any(t.startswith("ballots.csv 第2行 component: 未知考核项目“wuda”") for t in text)
    assert "imported.csv 第2行 unit: 单位“nc”不参加考核项目“基层党建工作考核”" in text
    assert len(text) == 9


def test_item_of_another_category_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(tmp_path, "items.csv", "unit,item,self\nez,1.1,1\n")

    _, problems = read_inputs(_scheme(), [tmp_path])

    assert _messages(problems) == ["items.csv 第2行 item: 指标“1.1”不属于单位“ez”的类别(局属学校)"]


def test_unknown_rater_group_and_rater_unit_are_reported(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(
        tmp_path,
        "ballots.csv",
        "component,rater,rater_group,rater_unit,unit,grade\nlide,r1,群众,zz,nc,好\n",
    )

    _, problems = read_inputs(_scheme(), [tmp_path])

    assert _messages(problems) == [
        "ballots.csv 第2行 rater_unit: 未知单位“zz”(不在单位名单中)",
        "ballots.csv 第2行 rater_group: 评委组“群众”不在方案中(局领导/处室负责人/县区(学校))",
    ]


def test_missing_required_column_names_the_table(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", "id,name\nnc,南昌县\n")

    _, problems = read_inputs(_scheme(), [tmp_path])

    assert "units.csv: 单位名单缺少必需的列“category”(可写作 category/类别/单位类别)" in _messages(problems)


def test_missing_file_and_unsupported_type_are_reported(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    odd = _write(tmp_path, "notes.txt", "hello")

    _, problems = read_inputs(_scheme(), [tmp_path / "units.csv", tmp_path / "nope.csv", odd])

    assert _messages(problems) == [
        f"{tmp_path / 'nope.csv'}: 文件不存在",
        "notes.txt: 不支持的文件类型(支持 .csv、.xlsx、.json)",
    ]


def test_non_utf8_csv_is_reported_not_crashed(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_bytes("id,name,category\nnc,南昌县,county\n".encode("gbk"))

    _, problems = read_inputs(_scheme(), [tmp_path])

    assert "units.csv: 不是 UTF-8 编码的文本文件,请另存为 UTF-8" in _messages(problems)


def test_reads_xlsx_sheets_named_by_table(tmp_path: Path) -> None:
    workbook = Workbook()
    units = workbook.active
    assert units is not None
    units.title = "units"
    units.append(["id", "name", "category"])
    units.append(["nc", "南昌县", "county"])
    figures = workbook.create_sheet("figures")
    figures.append(["unit", "item", "figure", "value"])
    figures.append(["nc", "1.2", "standard_class_ratio", 80.84])
    items = workbook.create_sheet("items")
    items.append(["unit", "item", "self"])
    items.append(["nc", "1.1", "两分"])
    path = tmp_path / "inputs.xlsx"
    workbook.save(path)

    inputs, problems = read_inputs(_scheme(), [path])

    assert _messages(problems) == ["inputs.xlsx [items] 第2行 self: “两分”不是数字"]
    figure_item = next(i for i in inputs.items if i.item_id == "1.2")
    assert figure_item.figures["standard_class_ratio"] == Decimal("80.84")


def test_reads_json_object_of_tables(tmp_path: Path) -> None:
    data = {
        "units": [{"id": "nc", "name": "南昌县", "category": "county"}],
        "items": [{"unit": "nc", "item": "1.1", "self": 1.5, "triggered": True}],
    }
    (tmp_path / "inputs.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    inputs, problems = read_inputs(_scheme(), [tmp_path])

    assert problems == []
    assert inputs.items[0].self_score == Decimal("1.5")
    assert inputs.items[0].triggered is True


def test_json_problem_is_located_by_record(tmp_path: Path) -> None:
    data = {"units": [{"id": "nc", "name": "南昌县", "category": "county"}, {"id": "x"}]}
    (tmp_path / "inputs.json").write_text(json.dumps(data), encoding="utf-8")

    _, problems = read_inputs(_scheme(), [tmp_path])

    assert "inputs.json units 第2条 name: 不能为空" in _messages(problems)


def test_load_inputs_raises_with_all_problems(tmp_path: Path) -> None:
    _write(tmp_path, "items.csv", "unit,item\nnc,1.1\n")

    with pytest.raises(InputsError) as caught:
        load_inputs(_scheme(), [tmp_path])

    assert len(caught.value.problems) == 2  # unknown unit, and no units table at all


def _split_scheme() -> Scheme:
    from kaoping.engine.model import DepartmentShare

    base = _scheme()
    split = Indicator(
        "1",
        "财务",
        Decimal(10),
        children=(
            Indicator(
                "1.1",
                "财务与资产管理",
                Decimal(10),
                departments=(DepartmentShare("财务处", Decimal(6)), DepartmentShare("审计处", Decimal(4))),
            ),
        ),
    )
    wukan = Component("wukan", "五看五比", Decimal(10), ComponentMethod.INDICATORS, indicators=(split,))
    return Scheme(
        id=base.id,
        name=base.name,
        year=base.year,
        categories=base.categories,
        components=(base.components[0], wukan, base.components[2]),
    )


def test_split_item_gets_one_score_per_department(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(tmp_path, "items.csv", "unit,item,department,reviewed\nnc,1.1,财务处,5\nnc,1.1,审计处,4\n")

    inputs, problems = read_inputs(_split_scheme(), [tmp_path])

    assert problems == []
    assert inputs.items[0].department_scores == {"财务处": Decimal(5), "审计处": Decimal(4)}
    assert inputs.items[0].reviewed_score is None


def test_same_department_twice_on_a_split_item_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(tmp_path, "items.csv", "unit,item,department,reviewed\nnc,1.1,财务处,5\nnc,1.1,财务处,4\n")

    _, problems = read_inputs(_split_scheme(), [tmp_path])

    assert _messages(problems) == ["items.csv 第3行 department: 处室“财务处”对该指标重复评分"]


def test_duplicate_rows_are_reported_with_the_first_row(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(tmp_path, "items.csv", "unit,item,self\nnc,1.1,1\nnc,1.1,2\n")
    _write(
        tmp_path,
        "ballots.csv",
        "component,rater,rater_group,unit,grade\nlide,r1,leaders,nc,好\nlide,r1,leaders,nc,差\n",
    )
    _write(tmp_path, "imported.csv", "unit,component,raw,raw_max\nez,dangjian,90,0\nez,dangjian,90,\nez,dangjian,91,\n")

    _, problems = read_inputs(_scheme(), [tmp_path])

    assert _messages(problems) == [
        "items.csv 第3行: 单位“nc”指标“1.1”重复(已在 items.csv 第2行 给出)",
        "ballots.csv 第3行: 评委“r1”对单位“nc”重复投票(已在 ballots.csv 第2行)",
        "imported.csv 第2行 raw_max: 满分必须大于 0",
        "imported.csv 第4行: 单位“ez”的“基层党建工作考核”分数重复(已在 imported.csv 第3行)",
    ]


def test_percent_sign_and_thousands_separator_in_figures(tmp_path: Path) -> None:
    _write(tmp_path, "units.csv", UNITS_CSV)
    _write(tmp_path, "figures.csv", 'unit,item,figure,value\nnc,1.2,ratio,80.84%\nnc,1.2,spend,"77,673"\n')

    inputs, problems = read_inputs(_scheme(), [tmp_path])

    assert problems == []
    assert inputs.items[0].figures == {"ratio": Decimal("80.84"), "spend": Decimal("77673")}
