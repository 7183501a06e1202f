"""manage.py restore FILE [--replace]: load a backup into an empty (or, explicitly, any) database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaoping.backup.container import BackupError
from kaoping.backup.full import restore


class Command(BaseCommand):
    help = "从整库备份恢复:先核对校验清单,再在一个事务中写入空数据库并放回佐证材料(docs/backup.md)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="由 backup 生成的备份文件")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="目标数据库已有数据时,删除全部现有数据并以备份内容替换(不可撤销)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore(options["file"], replace=options["replace"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"已恢复 {summary.path}:{summary.tables} 张表,{summary.rows} 行,{summary.evidence_files} 个佐证材料文件。"
            "排名结果将在后台重新计算"
        )
