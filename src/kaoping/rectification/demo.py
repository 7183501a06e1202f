"""A few problems in the demo campaign, one in each state (整改中, 待复查 with evidence, 已销号,
已超期), made through the services so they are audited like any other write. Idempotent: a campaign
that has problems already is left as it is."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.selectors import current_scheme
from kaoping.orgs.models import User
from kaoping.rectification import services
from kaoping.rectification.models import Problem, Source

# a one-page PDF, the demo's 整改报告
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def load_examples(campaign: Campaign, *, reviewer: str, reporter: str, unit_code: str) -> bool:
    """Problems of the unit ``unit_code`` (its reporter ``reporter``) and of one other unit; False
    when the campaign had problems already or a person or the unit is missing."""
    if Problem.objects.filter(campaign=campaign).exists():
        return False
    checker = User.objects.filter(username=reviewer).first()
    writer = User.objects.filter(username=reporter).first()
    units = list(CampaignUnit.objects.filter(campaign=campaign).select_related("organization", "campaign"))
    unit = next((u for u in units if u.organization.code == unit_code), None)
    if checker is None or writer is None or unit is None:
        return False
    today = timezone.localdate()
    items = _items(campaign, unit)

    def create(target: CampaignUnit, **fields: Any) -> Problem:
        return services.create(unit=target, actor=checker, data=services.ProblemInput(**fields))

    first = items[0] if items else ("", "")
    create(
        unit,
        description="安全工作台账不完整,缺少第三季度隐患排查记录",
        source=Source.REVIEW,
        item_id=first[0],
        item_name=first[1],
        points_lost=Decimal("0.5"),
        responsible_unit="安全办",
        responsible_person="王主任",
        measures="补齐第三季度排查记录,建立月度台账",
    )
    reported = create(
        unit,
        description="经费支出凭证未按项目归档",
        source=Source.SPOT_CHECK,
        source_note=f"{today.year}年实地抽查",
        responsible_unit="财务科",
        responsible_person="李会计",
        measures="按项目重新整理凭证并装订",
    )
    services.report(
        problem=reported,
        actor=writer,
        text="已按项目重新归档并装订成册,附整改报告。",
        done=True,
        upload=DEMO_PDF,
        original_name="经费凭证整改报告.pdf",
    )
    closed = create(
        unit,
        description="教师培训学时登记不全",
        source=Source.INSPECTION,
        source_note="督查检查",
        responsible_unit="人事科",
        measures="补登培训学时,每学期核对一次",
    )
    services.report(problem=closed, actor=writer, text="已补登全部教师的培训学时。", done=True)
    services.recheck(problem=closed, actor=checker, close=True, opinion="经核查,培训学时已登记完整,同意销号。")
    create(
        unit,
        description="校园食堂从业人员健康证过期两人",
        source=Source.INSPECTION,
        source_note="督查检查",
        responsible_unit="总务处",
        deadline=today - datetime.timedelta(days=5),
    )
    other = next((u for u in units if u.pk != unit.pk), None)
    if other is not None:
        create(other, description="课后服务方案未经家长委员会审议", source=Source.MANUAL, responsible_unit="教务处")
    return True


def _items(campaign: Campaign, unit: CampaignUnit) -> list[tuple[str, str]]:
    from kaoping.assessments.selectors import leaf_items

    scheme = current_scheme(campaign)
    if scheme is None:
        return []
    try:
        return [(ref.id, f"{ref.id} {ref.item.name}") for ref in leaf_items(scheme, unit.category)]
    except Http404:  # a unit whose category the scheme does not take: no item to link
        return []
