"""manage.py archive_import FILE: a campaign archive as a new campaign of this installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaoping.backup.archive import import_campaign, verify_imported
from kaoping.backup.container import BackupError


class Command(BaseCommand):
    help = "导入考核归档文件,作为本系统中的一项新考核;先核对校验清单和审计链(docs/backup.md)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = import_campaign(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        checks = verify_imported(campaign)
        broken = [chain for chain, check in checks.items() if not check.ok]
        if broken:
            raise CommandError(f"已导入“{campaign.name}”,但审计链 {broken[0]} 核验不通过")
        events = sum(check.count for check in checks.values())
        self.stdout.write(
            f"已导入“{campaign.name}”(新编号 {campaign.pk}):{len(checks)} 条审计链共 {events} 条记录,全部核验通过"
        )
