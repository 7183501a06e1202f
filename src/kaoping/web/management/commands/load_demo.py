"""``manage.py load_demo``: the example campaigns, their units and a demo user for every role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kaoping.orgs.models import Role
from kaoping.web.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示数据(南昌2018、红谷滩2021 两个示例考核及各角色演示账号);可重复运行"

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo(report=self.stdout.write)
        self.stdout.write("")
        self.stdout.write("考核活动:")
        for campaign in result.campaigns:
            self.stdout.write(f"  {campaign.name}({campaign.get_phase_display()})  /campaigns/{campaign.pk}/")
            self.stdout.write(f"    成绩排名:/results/{campaign.pk}/")
        self.stdout.write("")
        self.stdout.write(f"演示账号(密码均为 {DEMO_PASSWORD}):")
        for user in result.users:
            department = f" · {user.department}" if user.department else ""
            self.stdout.write(f"  {user.username:<16} {Role(user.role).label} · {user.display_name}{department}")
