"""kaoping backup / restore / archive-export / archive-import / archive-verify (docs/backup.md).

Each runs the management command of the same job (kaoping.backup), so the CLI does not import the
backup app; a refusal is its Chinese message and exit code 2, and nothing has been written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kaoping.cli.main import KaopingError, main
from kaoping.cli.platform_commands import _setup_django


def _run(command: str, *args: str, **options: Any) -> None:
    _setup_django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command(command, *args, **options)
    except CommandError as error:
        raise KaopingError(str(error)) from None


@main.command(help="整库备份:全部数据(时间精确到微秒)、佐证材料和校验清单写入一个 .tar.gz 文件。")
@click.argument("file", type=click.Path(path_type=Path))
def backup(file: Path) -> None:
    _run("backup", str(file))


@main.command(
    help="从整库备份恢复到空数据库(先运行 migrate):先核对每个成员的校验和,再在一个事务中写入;"
    "文件损坏或不是考评备份时拒绝,不写入任何内容。"
)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="目标数据库已有数据时,删除全部现有数据并以备份内容替换(不可撤销)。")
def restore(file: Path, replace: bool) -> None:
    _run("restore", str(file), replace=replace)


@main.command(
    "archive-export", help="把一项考核导出为归档文件(数据、佐证材料、审计链、校验清单),交给审计或另一套系统。"
)
@click.argument("campaign_id", type=int)
@click.argument("file", type=click.Path(path_type=Path))
def archive_export(campaign_id: int, file: Path) -> None:
    _run("archive_export", str(campaign_id), str(file))


@main.command("archive-import", help="导入考核归档文件,作为本系统中的一项新考核;审计链核验不通过时拒绝。")
@click.argument("file", type=click.Path(path_type=Path))
def archive_import(file: Path) -> None:
    _run("archive_import", str(file))


@main.command("archive-verify", help="核验考核归档文件:校验和与每条审计链的哈希,不写入数据库。")
@click.argument("file", type=click.Path(path_type=Path))
def archive_verify(file: Path) -> None:
    _run("archive_verify", str(file))
