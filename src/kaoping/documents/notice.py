"""The ranking notice (通报): an official document with the campaign's ranking table as its 附件.

The organizer fills in what only a person can say (版头, 发文字号, title, 主送, body, 落款, date) in a
form prefilled from the campaign (``initial``); the table comes from the latest published version
(``kaoping.publication``, its digest printed under the table) or, before anything is published, from
the stored result (``results.services``), by category: 名次, 单位, 总分, 等次. A body line that starts with "一、" is a
level-1 heading (黑体), one that starts with "(一)" a level-2 heading (楷体), any other a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Campaign
from kaoping.documents import layout
from kaoping.documents.layout import Document, Letterhead, PageBreak, Style, Table
from kaoping.engine.model import Scheme
from kaoping.engine.numbers import fmt
from kaoping.engine.results import UnitResult

HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^[((][一二三四五六七八九十]+[))]")


@dataclass(frozen=True)
class NoticeText:
    issuer: str
    number: str
    title: str
    recipient: str
    body: str
    signature: str
    day: date


def initial(campaign: Campaign) -> dict[str, object]:
    """The form's starting text, from the campaign and its bureau."""
    bureau = campaign.owner.name
    year = campaign.year or timezone.localdate().year
    return {
        "issuer": _("%(bureau)s文件") % {"bureau": bureau},
        "number": _("%(short)s字〔%(year)s〕1号") % {"short": bureau[:2] + "教", "year": year},
        "title": _("关于%(campaign)s结果的通报") % {"campaign": campaign.name},
        "recipient": _("各参评单位:"),
        "body": "\n".join(
            [
                _(
                    "根据工作安排,%(bureau)s组织开展了%(campaign)s。经单位自评、处室评分、复核核定等环节,"
                    "考核结果已经确定,现予以通报。"
                )
                % {"bureau": bureau, "campaign": campaign.name},
                _("一、考核结果"),
                _("各单位考核总分、等次和名次见附件。"),
                _("二、工作要求"),
                _(
                    "希望获得优秀等次的单位再接再厉,发挥示范引领作用;"
                    "各单位要对照考核中发现的问题,认真分析原因,切实抓好整改。"
                ),
            ]
        ),
        "signature": bureau,
        "day": timezone.localdate(),
    }


def ranking_table(scheme: Scheme, units: Sequence[UnitResult]) -> Table:
    """One table, a full-width row naming each category (merged across the columns) above its
    units in rank order. A unit without a total shows 缺项 and no rank or grade."""
    names = {c.id: c.name for c in scheme.categories}
    order = {c.id: index for index, c in enumerate(scheme.categories)}
    by_category: dict[str, list[UnitResult]] = {}
    for unit in units:
        by_category.setdefault(unit.category, []).append(unit)
    rows: list[tuple[str, ...]] = []
    merges: list[tuple[int, int, int, int]] = []
    for category in sorted(by_category, key=lambda c: (order.get(c, len(order)), c)):
        members = sorted(by_category[category], key=lambda u: (u.rank is None, u.rank or 0, u.name))
        heading = _("%(category)s(%(n)d个单位)") % {"category": names.get(category, category), "n": len(members)}
        merges.append((len(rows), 0, len(rows), 3))
        rows.append((heading, heading, heading, heading))
        for unit in members:
            rows.append(
                (
                    "—" if unit.rank is None else str(unit.rank),
                    unit.name,
                    _("缺项") if unit.total is None else fmt(unit.total),
                    unit.grade or "—",
                )
            )
    return Table(
        header=(_("名次"), _("单位"), _("总分"), _("等次")),
        rows=tuple(rows),
        widths=(20.0, 84.0, 26.0, 26.0),
        merges=tuple(merges),
        numeric=frozenset({0, 2, 3}),
    )


def body_blocks(document: Document, body: str) -> None:
    for line in (line.strip() for line in body.splitlines()):
        if not line:
            continue
        if HEADING_1.match(line):
            document.add(Style.HEADING_1, line)
        elif HEADING_2.match(line):
            document.add(Style.HEADING_2, line)
        else:
            document.add(Style.BODY, line)


@dataclass(frozen=True)
class Source:
    """The published version (结果公示) the table was taken from: printed under it, checkable by anyone."""

    number: int
    digest: str  # printed in groups of eight


def notice(
    campaign: Campaign,
    scheme: Scheme,
    text: NoticeText,
    units: Sequence[UnitResult],
    source: Source | None = None,
) -> Document:
    document = Document(
        title=text.title, letterhead=Letterhead(issuer=text.issuer, number=text.number), author=text.signature
    )
    document.add(Style.TITLE, text.title)
    if text.recipient:
        document.add(Style.RECIPIENT, text.recipient)
    body_blocks(document, text.body)
    attachment = _("%(campaign)s结果排名表") % {"campaign": campaign.name}
    document.add(Style.ATTACHMENT_NOTE, _("附件:%(title)s") % {"title": attachment})
    document.add(Style.SIGNATURE, text.signature)
    document.add(Style.DATE, layout.chinese_date(text.day))
    document.blocks.append(PageBreak())
    document.add(Style.ATTACHMENT_LABEL, _("附件"))
    document.add(Style.TABLE_CAPTION, attachment)
    document.blocks.append(ranking_table(scheme, units))
    if source is not None:
        document.add(
            Style.BODY,
            _("本表数据取自第 %(number)s 版结果公示,校验码:%(digest)s(可在考评系统“核验公示校验码”页核验)")
            % {"number": source.number, "digest": source.digest},
        )
    return document
