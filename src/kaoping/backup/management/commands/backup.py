"""manage.py backup FILE: the whole database and the evidence files in one checksummed file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaoping.backup.container import BackupError
from kaoping.backup.full import backup


class Command(BaseCommand):
    help = "整库备份:全部数据表(时间精确到微秒)、佐证材料和校验清单写入一个文件(docs/backup.md)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件,例如 kaoping-2026-12-06.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"已写入 {summary.path}:{summary.tables} 张表,{summary.rows} 行,{summary.evidence_files} 个佐证材料文件"
        )
        if summary.missing_evidence:
            self.stderr.write(
                f"注意:{len(summary.missing_evidence)} 个佐证材料文件在磁盘上缺失或已与上传时不同,"
                "已按现状记录在备份清单中"
            )
