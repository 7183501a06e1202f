"""manage.py archive_verify FILE: check an archive file on its own, without importing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaoping.backup.archive import verify_file
from kaoping.backup.container import BackupError


class Command(BaseCommand):
    help = "核验考核归档文件:逐一核对校验和,并重算其中每条审计链的哈希(不写入数据库)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = verify_file(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        campaign = manifest["campaign"]
        self.stdout.write(f"{campaign['name']}:文件完整,导出于 {manifest['exported_at']}")
        for chain, head in manifest["chains"].items():
            self.stdout.write(f"审计链 {chain}:{head['count']} 条记录,链头 {head['head']},核验通过")
