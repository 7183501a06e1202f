"""Links from a campaign page (and the home page) to every sub-page the viewer's role needs.

Sub-pages belong to other apps (assessments, results, ratings). A link shows only when its URL
name reverses, so this module never breaks while those apps change their routes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kaoping.campaigns.access import CampaignAccess
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase
from kaoping.campaigns.readonly import is_archived
from kaoping.orgs.models import Department


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    description: str = ""


def url_or_none(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _add(links: list[Link], name: str, args: tuple[object, ...], label: str, description: str = "") -> None:
    url = url_or_none(name, *args)
    if url:
        links.append(Link(label, url, description))


def campaign_links(campaign: Campaign, access: CampaignAccess) -> list[Link]:
    pk = campaign.pk
    links: list[Link] = []
    writable = not is_archived(campaign)
    for unit in _own_units(access):
        label = _("本单位自评:%(unit)s") % {"unit": unit.organization.name}
        if writable and access.can_report_for(unit.organization):
            description = _("填写自评、上传佐证材料、提交")
        else:
            description = _("查看本单位自评与佐证材料")
        _add(links, "assessments:unit_overview", (pk, unit.pk), label, description)
    for department in _departments(access):
        label = _("%(department)s评分") % {"department": department.name}
        _add(links, "assessments:department_items", (pk, department.pk), label, _("本处室负责的指标,各单位逐项评分"))
    if access.organizer or access.review_paths:
        review_description = _("各单位提交状态,审核、核定或调整分数") if writable else _("各单位提交状态与审核结果")
        _add(links, "assessments:campaign_home", (pk,), _("自评与审核进度"), review_description)
    if access.can_see_results:
        _add(links, "results:standings", (pk,), _("成绩排名"), _("各类别得分、等次与排名,每个分数可查看计算说明"))
    if access.organizer or access.leader:
        _add(links, "ratings:session_list", (pk,), _("现场测评"), _("测评会议、评委凭证与投票进度"))
    if access.organizer or access.leader:
        _add(links, "publication:manage", (pk,), _("结果公示"), _("冻结结果版本、公示期、校验码与历次变化"))
    elif campaign.phase in (Phase.NOTICE, Phase.FINAL, Phase.ARCHIVED):
        _add(links, "publication:notice", (pk,), _("公示名单"), _("各类别名次、总分与等次,公示期与校验码"))
    if access.organizer or access.leader or access.review_paths or access.own_unit_ids:
        _add(links, "rectification:ledger", (pk,), _("问题整改"), _("问题清单、整改进展、复查销号与整改台账"))
    if access.organizer or access.leader or access.review_paths:
        _add(links, "inspection:overview", (pk,), _("督查检查"), _("督查组、随机抽签、检查安排与进度、现场检查记录"))
    if access.organizer:
        _add(links, "analytics:analysis", (pk,), _("评委与结果分析"), _("评委一致性、偏离选票、名次稳健性与指标区分度"))
    if access.organizer or (access.any and campaign.phase in (Phase.FINAL, Phase.ARCHIVED)):
        _add(links, "commendation:index", (pk,), _("表彰名单"), _("依据确定后的结果拟定、审批、发布表彰名单"))
    goals = (
        _("各单位、各处室目标任务的完成率,重点工作的节点与进展")
        if not access.own_unit_ids or access.sees_all_units
        else _("本单位目标任务的完成情况")
    )
    _add(links, "goals:overview", (pk,), _("目标任务与重点工作"), goals)
    _add(links, "selection:list", (pk,), _("评选"), _("推荐与自荐、资格审核、投票、公示与荣誉证书"))
    links.append(Link(_("考核方案"), reverse("campaigns:scheme", args=[pk]), _("方案内容与历次变更")))
    if access.organizer:
        units_description = _("添加单位并指定类别") if writable else _("参评单位及其类别")
        links.append(Link(_("参评单位"), reverse("campaigns:units", args=[pk]), units_description))
        _add(links, "assessments:department_mapping", (pk,), _("处室对应"), _("方案中的评分处室对应到本局处室"))
        links.append(Link(_("审计日志"), reverse("audit:campaign_log", args=[pk]), _("全部操作记录与链校验")))
    return links


def _own_units(access: CampaignAccess) -> list[CampaignUnit]:
    """The units the user belongs to in this campaign: as reporter (fills in) or leader (reads)."""
    if not access.own_unit_ids:
        return []
    units = CampaignUnit.objects.filter(campaign=access.campaign, organization_id__in=access.own_unit_ids)
    return list(units.select_related("organization").order_by("organization__name"))


def _departments(access: CampaignAccess) -> list[Department]:
    if not access.department_ids:
        return []
    return list(Department.objects.filter(pk__in=access.department_ids).order_by("name"))
