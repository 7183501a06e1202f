"""The ``kaoping`` command: every bad input ends in exit code 2 and a Chinese message, never a
traceback and never a half-written output; the good paths print and write what they promise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import kaoping.engine
from kaoping.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HONGGUTAN = EXAMPLES / "honggutan-2021"
NANCHANG = EXAMPLES / "nanchang-2018"


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _assert_clean_failure(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.fixture
def nanchang_inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(NANCHANG / "inputs", folder)
    return folder


# --------------------------------------------------------------------------- validate


def test_validate_clean_scheme_exits_zero() -> None:
    result = _run("validate", HONGGUTAN / "scheme.yaml")

    assert result.exit_code == 0, result.output
    assert "没有发现问题" in result.stdout


def test_validate_with_inputs_checks_them_too(nanchang_inputs: Path) -> None:
    result = _run("validate", NANCHANG / "scheme.yaml", nanchang_inputs)

    assert result.exit_code == 0, result.output
    assert "输入文件无问题" in result.stdout


def test_validate_reports_bad_inputs_with_their_location(nanchang_inputs: Path) -> None:
    ballots = nanchang_inputs / "ballots.csv"
    lines = ballots.read_text(encoding="utf-8-sig").splitlines()
    lines[11] = lines[11].replace(",好,", ",很好,").replace(",良好,", ",很好,").replace(",较好,", ",很好,")
    ballots.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = _run("validate", NANCHANG / "scheme.yaml", nanchang_inputs)

    _assert_clean_failure(result, "ballots.csv 第12行 grade: “很好”不在等级表(好/良好/较好/一般/差)中")


def test_validate_missing_file() -> None:
    _assert_clean_failure(_run("validate", "no-such-scheme.yaml"), "方案文件不存在:no-such-scheme.yaml")


def test_validate_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text("scheme: {id: x, name: [unclosed\n", encoding="utf-8")

    result = _run("validate", path)

    _assert_clean_failure(result, "scheme.yaml 有", "行")


def test_validate_unknown_rule_kind(tmp_path: Path) -> None:
    text = (HONGGUTAN / "scheme.yaml").read_text(encoding="utf-8")
    path = tmp_path / "scheme.yaml"
    path.write_text(text.replace("kind: deduct_per_unit_short", "kind: deduct_magic"), encoding="utf-8")

    result = _run("validate", path)

    _assert_clean_failure(result, "未知的计分规则", "deduct_magic")


def test_validate_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "scheme.txt"
    path.write_text("x", encoding="utf-8")

    _assert_clean_failure(_run("validate", path), "不支持的方案文件类型")


# --------------------------------------------------------------------------- score


def test_score_writes_json_and_prints_ranked_summary(tmp_path: Path) -> None:
    out = tmp_path / "results.json"

    result = _run("score", HONGGUTAN / "scheme.yaml", HONGGUTAN / "inputs", "--out", out)

    assert result.exit_code == 0, result.output
    assert "【县(区)党委政府】满分 100" in result.stdout
    assert "红谷滩区  99.1  优秀" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["units"][0]["total"] == "99.1"


def test_score_writes_json_and_xlsx_at_once(tmp_path: Path, nanchang_inputs: Path) -> None:
    json_out, xlsx_out = tmp_path / "results.json", tmp_path / "results.xlsx"

    result = _run("score", NANCHANG / "scheme.yaml", nanchang_inputs, "--out", json_out, "--out", xlsx_out)

    assert result.exit_code == 0, result.output
    assert json_out.exists() and xlsx_out.exists()
    assert "【局属学校】满分 600,30 个单位" in result.stdout


def test_score_refuses_unknown_out_extension_before_work(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"

    result = _run("score", HONGGUTAN / "scheme.yaml", HONGGUTAN / "inputs", "--out", out)

    _assert_clean_failure(result, "输出文件 results.csv 的扩展名不支持(应为 .json、.xlsx)")
    assert not out.exists()


def test_score_missing_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "results.json"

    _assert_clean_failure(
        _run("score", HONGGUTAN / "scheme.yaml", HONGGUTAN / "inputs", "--out", out), "输出目录不存在"
    )


def test_score_missing_inputs_file(tmp_path: Path) -> None:
    out = tmp_path / "results.json"

    result = _run("score", HONGGUTAN / "scheme.yaml", tmp_path / "ballots.csv", "--out", out)

    _assert_clean_failure(result, "ballots.csv: 文件不存在")
    assert not out.exists()


def test_score_bad_csv_row_is_located_and_nothing_is_written(tmp_path: Path, nanchang_inputs: Path) -> None:
    out = tmp_path / "results.json"
    out.write_text("previous results", encoding="utf-8")
    items = nanchang_inputs / "items.csv"
    lines = items.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(",")
    cells[lines[0].split(",").index("reviewed")] = "九十"
    lines[2] = ",".join(cells)
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = _run("score", NANCHANG / "scheme.yaml", nanchang_inputs, "--out", out)

    _assert_clean_failure(result, "输入数据有 1 处问题", "items.csv 第3行 reviewed: “九十”不是数字")
    assert out.read_text(encoding="utf-8") == "previous results"


def test_score_unknown_unit_is_reported(tmp_path: Path, nanchang_inputs: Path) -> None:
    imported = nanchang_inputs / "imported.csv"
    imported.write_text(imported.read_text(encoding="utf-8-sig") + "nc99z,dangjian,90\n", encoding="utf-8")

    result = _run("score", NANCHANG / "scheme.yaml", nanchang_inputs, "--out", tmp_path / "r.json")

    _assert_clean_failure(result, "imported.csv 第36行 unit: 未知单位“nc99z”(不在单位名单中)")


def test_score_wrong_grade_reports_every_bad_row(tmp_path: Path, nanchang_inputs: Path) -> None:
    ballots = nanchang_inputs / "ballots.csv"
    text = ballots.read_text(encoding="utf-8-sig")
    ballots.write_text(text + "lide,L01,leaders,,nc2z,优秀,x\nwuda,L01,局领导,,nc2z,甲,y\n", encoding="utf-8")

    result = _run("score", NANCHANG / "scheme.yaml", nanchang_inputs, "--out", tmp_path / "r.json")

    _assert_clean_failure(
        result,
        "输入数据有 2 处问题",
        "ballots.csv 第8802行 grade: “优秀”不在等级表",
        "ballots.csv 第8803行 grade: “甲”不在等级表",
    )


def test_score_scheme_with_problems(tmp_path: Path) -> None:
    text = (HONGGUTAN / "scheme.yaml").read_text(encoding="utf-8")
    path = tmp_path / "scheme.yaml"
    path.write_text(text.replace("kind: deduct_per_unit_short", "kind: nonsense"), encoding="utf-8")

    result = _run("score", path, HONGGUTAN / "inputs", "--out", tmp_path / "r.json")

    _assert_clean_failure(result, "方案 scheme.yaml 有", "未知的计分规则")
    assert not (tmp_path / "r.json").exists()


def test_score_needs_inputs_and_out() -> None:
    _assert_clean_failure(_run("score", HONGGUTAN / "scheme.yaml"), "用法错误:缺少参数")


def test_unexpected_engine_error_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(kaoping.engine, "score", broken)

    result = _run("score", HONGGUTAN / "scheme.yaml", HONGGUTAN / "inputs", "--out", tmp_path / "r.json")

    _assert_clean_failure(result, "处理时发生意外问题(ZeroDivisionError")
    assert not (tmp_path / "r.json").exists()


# --------------------------------------------------------------------------- explain


def test_explain_prints_the_unit_tree() -> None:
    result = _run("explain", HONGGUTAN / "scheme.yaml", HONGGUTAN / "inputs", "--unit", "honggutan")

    assert result.exit_code == 0, result.output
    assert "总分:99.1/100" in result.stdout
    assert "80.84" in result.stdout


def test_explain_accepts_the_unit_name() -> None:
    result = _run("explain", NANCHANG / "scheme.yaml", NANCHANG / "inputs", "--unit", "南昌二中")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("南昌二中")


def test_explain_unknown_unit() -> None:
    result = _run("explain", HONGGUTAN / "scheme.yaml", HONGGUTAN / "inputs", "--unit", "donghu")

    _assert_clean_failure(result, "未找到单位“donghu”")


# --------------------------------------------------------------------------- template


def test_template_refuses_other_extensions(tmp_path: Path) -> None:
    out = tmp_path / "模板.csv"

    _assert_clean_failure(_run("template", "--out", out), "扩展名不支持(应为 .xlsx)")
    assert not out.exists()


def test_template_writes_a_workbook(tmp_path: Path) -> None:
    pytest.importorskip("kaoping.formats.excel_table")
    out = tmp_path / "量化考核表模板.xlsx"

    result = _run("template", "--out", out)

    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"


def test_help_is_chinese() -> None:
    result = _run("--help")

    assert result.exit_code == 0
    assert "考评" in result.stdout
    assert "写出一份空白的 Excel 量化考核表模板" in result.stdout
    assert "用法:" in result.stdout and "显示本帮助并退出" in result.stdout


def test_score_writes_no_output_when_any_output_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaoping.formats import results_io

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results_io, "write_results_xlsx", full_disk)
    json_out, xlsx_out = tmp_path / "results.json", tmp_path / "results.xlsx"

    result = _run("score", HONGGUTAN / "scheme.yaml", HONGGUTAN / "inputs", "--out", json_out, "--out", xlsx_out)

    _assert_clean_failure(result, "无法写入结果文件(No space left on device")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- Excel 量化考核表


def test_validate_excel_table_without_header_row(tmp_path: Path) -> None:
    pytest.importorskip("kaoping.formats.excel_table")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["随便写的标题"])
    sheet.append(["x", "y"])
    path = tmp_path / "量化考核表.xlsx"
    workbook.save(path)

    _assert_clean_failure(_run("validate", path), "量化考核表.xlsx 有 1 处问题", "A1")


def test_validate_damaged_excel_file(tmp_path: Path) -> None:
    pytest.importorskip("kaoping.formats.excel_table")
    path = tmp_path / "量化考核表.xlsx"
    path.write_bytes(b"not a zip file")

    _assert_clean_failure(_run("validate", path), "量化考核表.xlsx 有 1 处问题")


def test_template_passes_validate(tmp_path: Path) -> None:
    pytest.importorskip("kaoping.formats.excel_table")
    path = tmp_path / "模板.xlsx"
    assert _run("template", "--out", path).exit_code == 0

    result = _run("validate", path)

    assert result.exit_code == 0, result.output
    assert "模板.xlsx:没有发现问题" in result.stdout


def test_json_scheme_validates_and_scores_like_yaml(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load((HONGGUTAN / "scheme.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    assert _run("validate", path).exit_code == 0
    result = _run("score", path, HONGGUTAN / "inputs", "--out", tmp_path / "r.json")

    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["units"][0]["total"] == "99.1"


def test_missing_score_shows_as_missing_never_zero(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(HONGGUTAN / "inputs", inputs)
    items = inputs / "items.csv"
    lines = items.read_text(encoding="utf-8-sig").splitlines()
    items.write_text("\n".join(line for line in lines if not line.startswith("honggutan,3,")) + "\n", encoding="utf-8")
    out = tmp_path / "results.json"

    result = _run("score", HONGGUTAN / "scheme.yaml", inputs, "--out", out)

    assert result.exit_code == 0, result.output
    assert "红谷滩区  缺失 ⚑" in result.stdout
    unit = json.loads(out.read_text(encoding="utf-8"))["units"][0]
    assert (unit["total"], unit["grade"], unit["rank"]) == (None, None, None)
    assert [flag["code"] for flag in unit["flags"]] == ["missing_input"]


def test_every_command_and_option_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")

    for name, command in main.commands.items():
        assert f"## `kaoping {name}" in docs, name
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in docs, f"{name} {option}"


def test_scoring_error_is_reported_as_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaoping.engine.scoring import ScoringError

    def refuse(*args: object) -> None:
        raise ScoringError(["单位“x”的类别“乡镇”不在方案中"])

    monkeypatch.setattr(kaoping.engine, "score", refuse)

    result = _run("score", HONGGUTAN / "scheme.yaml", HONGGUTAN / "inputs", "--out", tmp_path / "r.json")

    _assert_clean_failure(result, "方案与输入数据不能一起计分,有 1 处问题", "单位“x”的类别“乡镇”不在方案中")
    assert "意外" not in result.stderr
