"""manage.py verify_session <id>: recount a live-rating session from raw ballots and compare."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaoping.ratings.models import RatingSession
from kaoping.ratings.verify import verify_session


class Command(BaseCommand):
    help = "独立复算现场测评:从原始匿名选票用 SQL 分组统计重新计算每个单位的得分,并与系统结果比对"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        session = RatingSession.objects.filter(pk=options["session_id"]).first()
        if session is None:
            raise CommandError(f"没有编号为 {options['session_id']} 的现场测评")
        report = verify_session(session)
        chain = "完整" if report.chain_ok else "断开"
        self.stdout.write(
            f"{session.name}:复核 {report.checked} 个已关闭单位,{report.ballots} 张选票,"
            f"无效选票组 {report.invalid_sheets} 个;审计链{chain},链头 {report.chain_head}"
        )
        for line in report.discrepancies:
            self.stdout.write(f"不一致:{line}")
        if not report.ok:
            raise CommandError(f"发现 {len(report.discrepancies)} 处不一致")
        self.stdout.write("一致:独立复算结果与系统结果完全相同")
