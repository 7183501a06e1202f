"""``manage.py send_reminders``: scan for due reminders (deadlines, overdue answers) and send them.

Run it from a timer (docs/deploy.md, every hour or so). Each reminder is sent once, however often
it runs. ``--queue`` hands the scan to the task queue (``db_worker``) instead of running it here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kaoping.inbox import scanners
from kaoping.inbox.tasks import scan_reminders


class Command(BaseCommand):
    help = "检查即将到期的截止时间和超期事项,发送提醒(每条提醒只发送一次)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="交给后台任务进程(db_worker)执行")
        parser.add_argument("--now", default="", help="按此时间检查(ISO 格式,如 2026-03-01T09:00+08:00),默认当前时间")

    def handle(self, *args: Any, **options: Any) -> None:
        now_text = str(options["now"] or "").strip()
        now: datetime | None = None
        if now_text:
            try:
                now = datetime.fromisoformat(now_text)
            except ValueError:
                raise CommandError(f"时间“{now_text}”格式不对,应为 ISO 格式,如 2026-03-01T09:00+08:00") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        if options["queue"]:
            scan_reminders.enqueue(now.isoformat() if now else "")
            self.stdout.write("已交给后台任务进程检查并发送提醒。")
            return
        result = scanners.scan(now)
        self.stdout.write(f"检查到 {result.reminders} 条提醒,新发送 {result.sent} 条消息。")
        if result.failed:
            raise CommandError(f"有 {len(result.failed)} 项检查出错,详见服务器日志。")
