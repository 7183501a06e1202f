"""Links from a campaign page to every sub-page the viewer's role needs.

Sub-pages belong to other apps (assessments, results, ratings). A link shows only when the page
exists (its URL name reverses), so this module never breaks while those apps grow.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Campaign
from kaoping.orgs.access import CampaignAccess

# URL names tried in order for each sub-page; each takes the campaign id as its only argument.
SELF_ASSESSMENT = ("assessments:campaign", "assessments:my_units", "assessments:index")
SCORING = ("assessments:scoring", "assessments:department", "assessments:score_list")
REVIEW = ("assessments:review", "assessments:review_list")
SPOT_CHECKS = ("assessments:spot_checks", "assessments:spotchecks")
STANDINGS = ("results:standings", "results:campaign")
RATING = ("ratings:sessions", "ratings:campaign", "ratings:session_list")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    description: str = ""


def first_url(names: tuple[str, ...], *args: object) -> str | None:
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def campaign_links(campaign: Campaign, access: CampaignAccess) -> list[Link]:
    pk = campaign.pk
    wanted: list[tuple[bool, tuple[str, ...], str, str]] = [
        (
            access.organizer or bool(access.reporter_unit_ids),
            SELF_ASSESSMENT,
            _("单位自评"),
            _("填写自评、上传佐证材料"),
        ),
        (access.organizer or bool(access.department_ids), SCORING, _("处室评分"), _("本处室负责的指标")),
        (access.organizer or bool(access.review_paths), REVIEW, _("审核复核"), _("核定或调整分数")),
        (access.organizer or bool(access.review_paths), SPOT_CHECKS, _("实地抽查"), _("抽查单位与结果")),
        (access.can_see_results, STANDINGS, _("成绩排名"), _("各类别得分、等次与排名")),
        (access.organizer or access.leader, RATING, _("现场测评"), _("测评会议与评委")),
    ]
    links = [Link(_("方案版本"), reverse("campaigns:scheme", args=[pk]), _("方案内容与历次变更"))]
    for allowed, names, label, description in wanted:
        url = first_url(names, pk) if allowed else None
        if url:
            links.append(Link(label, url, description))
    if access.organizer:
        links.append(Link(_("参评单位"), reverse("campaigns:units", args=[pk]), _("添加单位并指定类别")))
        links.append(Link(_("审计日志"), reverse("audit:campaign_log", args=[pk]), _("全部操作记录与链校验")))
    return links
