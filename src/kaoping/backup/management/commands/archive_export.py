"""manage.py archive_export CAMPAIGN_ID FILE: one campaign, its files and audit chains, checksummed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaoping.backup.archive import export_campaign
from kaoping.backup.container import BackupError
from kaoping.campaigns.models import Campaign, Phase


class Command(BaseCommand):
    help = "导出一项考核的归档文件(数据、佐证材料、审计链和校验清单),可导入另一套考评系统(docs/backup.md)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(pk=options["campaign_id"]).first()
        if campaign is None:
            raise CommandError(f"没有编号为 {options['campaign_id']} 的考核")
        try:
            exported = export_campaign(campaign, options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"已写入 {exported.path}:{campaign.name},{exported.rows} 行,{exported.evidence_files} 个佐证材料文件,"
            f"{len(exported.chains)} 条审计链"
        )
        if campaign.phase != Phase.ARCHIVED:
            self.stderr.write("注意:该考核尚未归档,数据仍可能变化;交给审计的应是归档后导出的文件")
