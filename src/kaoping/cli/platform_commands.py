"""Commands that read the platform's database, so they start Django lazily.

The file commands (validate, score, explain, template) never touch Django; these do.
"""

from __future__ import annotations

import os
import sys

import click

from kaoping.cli.main import KaopingError, main


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.config.settings")
    import django

    django.setup()


@main.command(
    "verify-session",
    help=(
        "独立复算一场现场测评:从原始匿名选票用 SQL 分组重新计算每个已关闭单位的得分,"
        "与系统结果逐一比对,并核验审计哈希链。"
    ),
)
@click.argument("session_id", type=int)
def verify_session_command(session_id: int) -> None:
    _setup_django()
    from kaoping.ratings.models import RatingSession
    from kaoping.ratings.verify import verify_session

    session = RatingSession.objects.filter(pk=session_id).first()
    if session is None:
        raise KaopingError(f"没有编号为 {session_id} 的现场测评")
    report = verify_session(session)
    chain = "完整" if report.chain_ok else "断开"
    click.echo(
        f"{session.name}:复核 {report.checked} 个已关闭单位,{report.ballots} 张选票,"
        f"无效选票组 {report.invalid_sheets} 个;审计链{chain},链头 {report.chain_head}"
    )
    for line in report.discrepancies:
        click.echo(f"不一致:{line}")
    if not report.ok:
        click.echo(f"发现 {len(report.discrepancies)} 处不一致", err=True)
        sys.exit(1)
    click.echo("一致:独立复算结果与系统结果完全相同")
