"""The ``kaoping`` command: validate a scheme, score a campaign, explain a unit, write a template.

Every failure ends with a Chinese message on stderr and exit code 2, never a traceback,
and nothing half-written: outputs go to a temporary file that is renamed on success.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from kaoping.engine.inputs import Inputs
from kaoping.engine.model import Scheme
from kaoping.engine.results import CampaignResult, UnitResult
from kaoping.formats.problems import Problem

EXIT_PROBLEM = 2
SCHEME_SUFFIXES = (".yaml", ".yml", ".json")
EXCEL_SUFFIXES = (".xlsx",)
RESULT_SUFFIXES = (".json", ".xlsx")
DEBUG_ENV = "KAOPING_DEBUG"  # set to 1 to see the traceback of an unexpected error


class KaopingError(click.ClickException):
    """A user-facing failure: Chinese text, exit code 2."""

    exit_code = EXIT_PROBLEM

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)

    def show(self, file: Any = None) -> None:
        click.echo(f"错误:{self.message}", err=True)
        for problem in self.problems:
            click.echo(f"  - {problem}", err=True)


class ChineseHelpFormatter(click.HelpFormatter):
    """click's help layout with Chinese headings."""

    HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法:")

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))


class KaopingContext(click.Context):
    formatter_class = ChineseHelpFormatter


def _chinese_help_option(option: click.Option | None) -> click.Option | None:
    if option is not None:
        option.help = "显示本帮助并退出。"
    return option


class KaopingCommand(click.Command):
    context_class = KaopingContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _chinese_help_option(super().get_help_option(ctx))


class KaopingGroup(click.Group):
    """Shows click's own usage errors in Chinese and turns surprises into a message."""

    context_class = KaopingContext
    command_class = KaopingCommand

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _chinese_help_option(super().get_help_option(ctx))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except KaopingError as error:
            error.show()
            sys.exit(error.exit_code)
        except click.UsageError as error:
            click.echo(f"用法错误:{_usage_message(error)}", err=True)
            click.echo("使用 kaoping --help 或 kaoping 命令 --help 查看用法。", err=True)
            sys.exit(EXIT_PROBLEM)
        except click.ClickException as error:
            click.echo(f"错误:{error.format_message()}", err=True)
            sys.exit(EXIT_PROBLEM)
        except click.Abort:
            click.echo("已取消。", err=True)
            sys.exit(EXIT_PROBLEM)
        except Exception as error:
            if os.environ.get(DEBUG_ENV):
                raise
            click.echo(f"错误:处理时发生意外问题({type(error).__name__}: {error})。", err=True)
            click.echo(f"请把输入文件和这条信息报告给维护者;设置 {DEBUG_ENV}=1 可看到详细信息。", err=True)
            sys.exit(EXIT_PROBLEM)


def _usage_message(error: click.UsageError) -> str:
    message = error.format_message()
    replacements = {
        "Missing argument": "缺少参数",
        "Missing option": "缺少选项",
        "No such option": "没有这个选项",
        "No such command": "没有这个命令",
        "Got unexpected extra argument": "多余的参数",
        "Got unexpected extra arguments": "多余的参数",
        "requires an argument": "需要一个值",
        "Option": "选项",
    }
    for english, chinese in replacements.items():
        message = message.replace(english, chinese)
    return message


@click.group(
    cls=KaopingGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="考评(Kaoping):按考核方案计分、排名、评定等次,并说明每一个分数的来历。",
)
def main() -> None:
    """Entry point ``kaoping`` (see pyproject ``[project.scripts]``)."""


# --------------------------------------------------------------------------- validate


@main.command(
    help="检查考核方案文件(YAML/JSON 方案,或 Excel 量化考核表),列出所有问题及其位置。"
    "可同时给出输入文件,一并检查。无问题退出码为 0,否则为 2。",
)
@click.argument("file", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
def validate(file: Path, inputs: tuple[Path, ...]) -> None:
    _require_file(file, "方案文件")
    suffix = file.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        problems = _excel_table_problems(file)
    elif suffix in SCHEME_SUFFIXES:
        from kaoping.formats.scheme_file import validate_scheme_file

        problems = list(validate_scheme_file(file))
    else:
        raise KaopingError(f"{file.name}:不支持的方案文件类型(支持 .yaml、.yml、.json、.xlsx)")
    if problems:
        raise KaopingError(f"{file.name} 有 {len(problems)} 处问题:", problems)
    if inputs:
        if suffix in EXCEL_SUFFIXES:
            raise KaopingError("检查输入文件需要完整的考核方案(YAML/JSON),而不是量化考核表")
        scheme = _load_scheme(file)
        _load_inputs(scheme, inputs)
        click.echo(f"{file.name}:方案无问题;输入文件无问题。")
        return
    click.echo(f"{file.name}:没有发现问题。")


def _excel_table_problems(path: Path) -> list[Problem]:
    from kaoping.formats.excel_table import read_indicator_table
    from kaoping.formats.problems import SchemeError

    try:
        indicators = read_indicator_table(path)
    except SchemeError as error:
        return list(error.problems)
    click.echo(f"{path.name}:读取到 {sum(len(i.leaves()) for i in indicators)} 个末级指标。")
    return []


# --------------------------------------------------------------------------- score


@main.command(help="按方案对输入数据计分,写出结果文件,并按类别打印排名摘要。")
@click.argument("scheme_path", metavar="SCHEME", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "outs",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="结果文件:results.json 或 results.xlsx(可重复给出)。",
)
def score(scheme_path: Path, inputs: tuple[Path, ...], outs: tuple[Path, ...]) -> None:
    for out in outs:
        _check_out(out, RESULT_SUFFIXES)
    scheme = _load_scheme(scheme_path)
    result = _score(scheme, _load_inputs(scheme, inputs))
    _write_results(scheme, result, outs)
    click.echo(_summary(scheme, result))
    for out in outs:
        click.echo(f"已写入 {out}")


def _write_results(scheme: Scheme, result: CampaignResult, outs: Sequence[Path]) -> None:
    """Write every output to a temporary file first; rename them all only when all succeeded."""
    from kaoping.formats.results_io import write_results_json, write_results_xlsx

    partials = [out.with_name(f".{out.name}.partial{out.suffix}") for out in outs]
    try:
        for out, partial in zip(outs, partials, strict=True):
            writer = write_results_json if out.suffix.lower() == ".json" else write_results_xlsx
            writer(result, partial, scheme)
        for out, partial in zip(outs, partials, strict=True):
            os.replace(partial, out)
    except OSError as error:
        raise KaopingError(f"无法写入结果文件({error.strerror or error}:{error.filename or ''})") from error
    finally:
        for partial in partials:
            partial.unlink(missing_ok=True)


def _summary(scheme: Scheme, result: CampaignResult) -> str:
    lines: list[str] = [f"{result.scheme_name}"]
    for category in scheme.categories:
        units = [u for u in result.units if u.category == category.id]
        if not units:
            continue
        lines.append("")
        lines.append(f"【{category.name}】满分 {scheme.max_for(category.id)},{len(units)} 个单位")
        lines.extend(_summary_line(unit) for unit in units)
    campaign_flags = len(result.flags) + sum(len(u.flags) for u in result.units)
    if campaign_flags:
        lines.append("")
        lines.append(f"共 {campaign_flags} 条提示(缺失数据、并列等),详见结果文件。")
    return "\n".join(lines)


def _summary_line(unit: UnitResult) -> str:
    rank = "—" if unit.rank is None else str(unit.rank)
    total = "缺失" if unit.total is None else str(unit.total)
    extras = [x for x in (unit.grade, unit.stars) if x]
    flag = " ⚑" if unit.flags else ""
    tail = f"  {' '.join(extras)}" if extras else ""
    return f"  {rank:>3}  {unit.name}  {total}{tail}{flag}"


# --------------------------------------------------------------------------- explain


@main.command(help="打印某个单位每一项得分的来历(说明树)。")
@click.argument("scheme_path", metavar="SCHEME", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--unit", "unit_id", required=True, help="单位编号(或单位名称)。")
def explain(scheme_path: Path, inputs: tuple[Path, ...], unit_id: str) -> None:
    scheme = _load_scheme(scheme_path)
    loaded = _load_inputs(scheme, inputs)
    matches = [u for u in loaded.units if unit_id in (u.id, u.name)]
    if not matches:
        raise KaopingError(f"未找到单位“{unit_id}”(请使用单位名单中的编号或名称)")
    result = _score(scheme, loaded)
    from kaoping.engine.explain import explain_unit

    click.echo(explain_unit(result.unit(matches[0].id)))


# --------------------------------------------------------------------------- template


@main.command(help="写出一份空白的 Excel 量化考核表模板。")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("量化考核表模板.xlsx"),
    show_default=True,
    help="模板文件路径(.xlsx)。",
)
def template(out: Path) -> None:
    _check_out(out, EXCEL_SUFFIXES)
    from kaoping.formats.excel_table import write_indicator_template
    from kaoping.formats.results_io import atomic_write

    try:
        atomic_write(out, write_indicator_template)
    except OSError as error:
        raise KaopingError(f"无法写入 {out}({error.strerror or error})") from error
    click.echo(f"已写入 {out}")


# --------------------------------------------------------------------------- shared steps


def _require_file(path: Path, what: str) -> None:
    if not path.exists():
        raise KaopingError(f"{what}不存在:{path}")
    if path.is_dir():
        raise KaopingError(f"{what}应为文件,而 {path} 是目录")


def _check_out(out: Path, suffixes: tuple[str, ...]) -> None:
    if out.suffix.lower() not in suffixes:
        allowed = "、".join(suffixes)
        raise KaopingError(f"输出文件 {out.name} 的扩展名不支持(应为 {allowed})")
    if not out.parent.is_dir():
        raise KaopingError(f"输出目录不存在:{out.parent}")


def _load_scheme(path: Path) -> Scheme:
    _require_file(path, "方案文件")
    if path.suffix.lower() not in SCHEME_SUFFIXES:
        raise KaopingError(f"{path.name}:方案文件应为 .yaml、.yml 或 .json")
    from kaoping.formats.problems import SchemeError
    from kaoping.formats.scheme_file import load_scheme

    try:
        return load_scheme(path)
    except SchemeError as error:
        raise KaopingError(f"方案 {path.name} 有 {len(error.problems)} 处问题:", error.problems) from error


def _load_inputs(scheme: Scheme, paths: Sequence[Path]) -> Inputs:
    from kaoping.formats.inputs_io import read_inputs

    inputs, problems = read_inputs(scheme, paths)
    if problems:
        raise KaopingError(f"输入数据有 {len(problems)} 处问题:", problems)
    return inputs


def _score(scheme: Scheme, inputs: Inputs) -> CampaignResult:
    import kaoping.engine
    from kaoping.engine.rules import RuleError
    from kaoping.engine.scoring import ScoringError

    try:
        return kaoping.engine.score(scheme, inputs)
    except (ScoringError, RuleError) as error:
        problems = [Problem("", message) for message in error.problems]
        raise KaopingError(f"方案与输入数据不能一起计分,有 {len(problems)} 处问题:", problems) from error


# Registers the commands that need the platform's database (imported last: they extend `main`).
from kaoping.cli import backup_commands, platform_commands  # noqa: E402, F401
