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


@main.command(
    "problem-counts",
    help=(
        "从整改台账读出一个单位在某次考核中的问题数与已整改数(如上年度问题清单整改情况:"
        "问题 13 条,已整改 11 条),供指标规则使用,不必手工填报。"
    ),
)
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
def problem_counts_command(campaign_id: int, unit_code: str) -> None:
    _setup_django()
    from kaoping.campaigns.models import Campaign, CampaignUnit
    from kaoping.rectification.selectors import percent, problem_counts, rate

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise KaopingError(f"没有编号为 {campaign_id} 的考核")
    unit = CampaignUnit.objects.select_related("organization").filter(campaign=campaign, organization__code=unit_code)
    found = unit.first()
    if found is None:
        raise KaopingError(f"单位代码 {unit_code} 不是《{campaign.name}》的参评单位")
    total, fixed = problem_counts(found.organization, campaign)
    shown = percent(rate(fixed, total)) or "缺(没有登记问题)"
    click.echo(f"{found.organization.name}({campaign.name}):问题 {total} 条,已整改 {fixed} 条,整改率 {shown}")
