"""Writes on campaigns: creation from a scheme, participants, phases, deadlines, scheme versions,
publication. Every change is audited in the same transaction (chain ``campaign:<pk>``).

Every write on an existing campaign first calls ``require_writable`` (``kaoping.campaigns.readonly``,
re-exported here): an archived campaign is read-only for everyone."""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.campaigns import hooks, reminders, selectors
from kaoping.campaigns.models import PHASE_ORDER, Campaign, CampaignUnit, Phase, PhaseDeadline, SchemeVersion
from kaoping.campaigns.readonly import CampaignArchived as CampaignArchived  # re-exported: one guard for all apps
from kaoping.campaigns.readonly import archived_message as archived_message
from kaoping.campaigns.readonly import is_archived as is_archived
from kaoping.campaigns.readonly import require_writable as require_writable
from kaoping.engine.model import Category, Component, ComponentMethod, Indicator, ItemKind, Scheme
from kaoping.formats.problems import Problem, SchemeError
from kaoping.orgs.models import Organization

SCHEME_SUFFIXES = (".yaml", ".yml", ".json")
EXCEL_SUFFIXES = (".xlsx",)


class CampaignError(Exception):
    """A refused change; ``messages`` are Chinese and say what to do."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(messages))


class PhaseConflict(CampaignError):
    """The phase changed since the form was loaded (someone else moved it)."""


class IncompleteResults(CampaignError):
    """Units never submitted or have no total: the step needs the organizer's confirmation and a reason."""


def chain_of(campaign: Campaign) -> str:
    return f"campaign:{campaign.pk}"


# -- schemes from files ----------------------------------------------------------------------


def scheme_data_from_upload(*, filename: str, content: bytes, title: str = "") -> dict[str, Any]:
    """Scheme file data (``scheme_to_data`` form) from an uploaded YAML/JSON scheme or an Excel
    量化考核表. Raises SchemeError listing every problem with its location. ``title`` (the
    campaign's name) names a scheme made from an Excel table, which has no name of its own."""
    from kaoping.formats.scheme_file import scheme_to_data

    suffix = Path(filename).suffix.lower()
    if suffix in SCHEME_SUFFIXES:
        scheme = _scheme_from_text(content, json_format=suffix == ".json")
    elif suffix in EXCEL_SUFFIXES:
        scheme = _scheme_from_excel(filename, content, title=title)
    else:
        raise SchemeError(
            [Problem(filename, _("不支持的文件类型:请上传 YAML、JSON 方案文件或 Excel 量化考核表(.xlsx)"))]
        )
    data: dict[str, Any] = scheme_to_data(scheme)
    return data


def _scheme_from_text(content: bytes, *, json_format: bool) -> Scheme:
    from kaoping.formats.scheme_file import parse_scheme_text, scheme_from_data

    text = _decode(content)
    data, problems = parse_scheme_text(text, json_format=json_format)
    if problems:
        raise SchemeError(problems)
    if not isinstance(data, Mapping):
        raise SchemeError([Problem("", _("考核方案文件的顶层应为“键: 值”结构"))])
    if any(isinstance(c, Mapping) and "indicators_file" in c for c in data.get("components") or []):
        raise SchemeError(
            [Problem("components", _("网页上传的方案不能引用其他文件(indicators_file),请改为上传 Excel 量化考核表"))]
        )
    return scheme_from_data(data)


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SchemeError([Problem("", _("文件编码无法识别,请另存为 UTF-8"))])


def _scheme_from_excel(filename: str, content: bytes, *, title: str = "") -> Scheme:
    """Wrap the table's indicator tree in a one-component, one-category scheme the organizer
    completes later (a new scheme version before self-assessment opens).

    The names are Chinese, never the file's name ("indicators"): the scheme is called after the
    campaign (``title``), or the file when its name is Chinese, else 量化考核表; its one component is
    量化考核 and its one category 被考核单位. The ids stay internal."""
    from kaoping.formats.excel_table import read_indicator_table

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(content)
        handle.flush()
        indicators: tuple[Indicator, ...] = read_indicator_table(handle.name)
    if not indicators:
        raise SchemeError([Problem(filename, _("量化考核表中没有指标"))])
    points = sum((i.points for i in indicators if i.kind is ItemKind.NORMAL), Decimal(0))  # bonus/penalty stand apart
    stem = Path(filename).stem.strip()
    name = title.strip() or (stem if re.search(r"[\u4e00-\u9fff]", stem) else _("量化考核表"))
    component = Component(
        id="indicators", name=_("量化考核"), points=points, method=ComponentMethod.INDICATORS, indicators=indicators
    )
    category = Category(id="units", name=_("被考核单位"), components=(component.id,))
    return Scheme(id="excel-import", name=name, year=None, categories=(category,), components=(component,))


def scheme_of_data(data: Mapping[str, Any]) -> Scheme:
    from kaoping.formats.scheme_file import scheme_from_data

    scheme: Scheme = scheme_from_data(data)
    return scheme


# -- campaigns --------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    owner: Organization,
    name: str,
    year: int | None,
    scheme_data: Mapping[str, Any],
    source_name: str,
    actor: Any,
) -> Campaign:
    scheme_of_data(scheme_data)  # raises SchemeError before anything is written
    campaign = Campaign.objects.create(owner=owner, name=name, year=year, created_by=actor)
    SchemeVersion.objects.create(
        campaign=campaign, number=1, data=dict(scheme_data), source_name=source_name, created_by=actor
    )
    audit_record(
        chain=chain_of(campaign),
        action="campaign.create",
        object_type="campaign",
        object_id=campaign.pk,
        actor=actor,
        new={"name": name, "year": year, "owner": owner.name, "scheme": source_name},
    )
    return campaign


@transaction.atomic
def scheme_version_upload(
    *, campaign: Campaign, scheme_data: Mapping[str, Any], source_name: str, reason: str, actor: Any
) -> SchemeVersion:
    """A new scheme version. Once self-assessment has opened the scheme is frozen: a change then
    needs a reason, and units already taking part must still have a category in it."""
    require_writable(campaign, error=CampaignError)
    reason = reason.strip()
    if campaign.scheme_frozen and not reason:
        raise CampaignError(_("方案已冻结(自评已开始),上传新版本必须填写变更原因"))
    scheme = scheme_of_data(scheme_data)
    _check_categories_still_exist(campaign, scheme)
    last = campaign.scheme_versions.order_by("-number").first()
    number = (last.number + 1) if last else 1
    version = SchemeVersion.objects.create(
        campaign=campaign,
        number=number,
        data=dict(scheme_data),
        source_name=source_name,
        reason=reason,
        created_by=actor,
    )
    selectors.forget_scheme(campaign)
    audit_record(
        chain=chain_of(campaign),
        action="scheme.version",
        object_type="campaign",
        object_id=campaign.pk,
        actor=actor,
        field="scheme_version",
        old=last.number if last else None,
        new=number,
        reason=reason,
    )
    return version


def _check_categories_still_exist(campaign: Campaign, scheme: Scheme) -> None:
    known = {c.id for c in scheme.categories}
    used = set(campaign.participants.values_list("category", flat=True))
    missing = sorted(used - known)
    if missing:
        raise CampaignError(
            *(_("新方案中没有类别“%(category)s”,而已有参评单位属于该类别") % {"category": c} for c in missing)
        )


# -- participants -----------------------------------------------------------------------------


@transaction.atomic
def campaign_add_units(
    *, campaign: Campaign, organizations: Iterable[Organization], category: str, actor: Any
) -> list[CampaignUnit]:
    """Add units beneath the campaign's bureau under one scheme category. Units already taking
    part are moved to the category (audited) instead of added twice."""
    require_writable(campaign, error=CampaignError)
    _refuse_when_closed(campaign)
    scheme = selectors.current_scheme(campaign)
    scheme_categories = {c.id: c.name for c in scheme.categories} if scheme else {}
    if category not in scheme_categories:
        raise CampaignError(_("方案中没有类别“%(category)s”") % {"category": category})
    added: list[CampaignUnit] = []
    for org in organizations:
        if not org.is_beneath(campaign.owner):
            raise CampaignError(_("单位“%(name)s”不在本局管辖范围内") % {"name": org.name})
        unit, created = CampaignUnit.objects.get_or_create(
            campaign=campaign, organization=org, defaults={"category": category}
        )
        if not created and unit.category == category:
            continue
        old = None if created else unit.category
        if not created:
            CampaignUnit.objects.filter(pk=unit.pk).update(category=category)
            unit.category = category
        audit_record(
            chain=chain_of(campaign),
            action="unit.add" if created else "unit.category",
            object_type="campaign_unit",
            object_id=unit.pk,
            actor=actor,
            field="category",
            old=old,
            new=category,
        )
        added.append(unit)
    return added


@transaction.atomic
def campaign_remove_unit(*, campaign: Campaign, unit: CampaignUnit, actor: Any, reason: str = "") -> None:
    """Only while the campaign is a draft: once units work in it, nothing is removed."""
    require_writable(campaign, error=CampaignError)
    if campaign.phase != Phase.DRAFT:
        raise CampaignError(_("考核已开始,不能再移除参评单位"))
    audit_record(
        chain=chain_of(campaign),
        action="unit.remove",
        object_type="campaign_unit",
        object_id=unit.pk,
        actor=actor,
        field="organization",
        old=unit.organization.name,
        reason=reason,
    )
    unit.delete()


def _refuse_when_closed(campaign: Campaign) -> None:
    if PHASE_ORDER.index(campaign.phase) >= PHASE_ORDER.index(Phase.FINAL):
        raise CampaignError(_("考核结果已确定或已归档,不能再修改"))


# -- phases and deadlines -----------------------------------------------------------------------


def next_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def previous_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index - 1] if index > 0 else None


@transaction.atomic
def campaign_set_phase(
    *,
    campaign: Campaign,
    expected: str,
    target: str,
    actor: Any,
    reason: str = "",
    incomplete_confirmed: bool = False,
) -> Campaign:
    """Move one step forward, or one step back with a reason. ``expected`` is the phase the
    organizer saw; if someone moved it meanwhile, nothing changes and PhaseConflict says so.

    Archiving is the last step and cannot be undone: an archived campaign is not moved back either."""
    require_writable(campaign, error=CampaignError, updating=True)
    if target not in PHASE_ORDER:
        raise CampaignError(_("未知的阶段“%(phase)s”") % {"phase": target})
    reason = reason.strip()
    going_back = target == previous_phase(expected)
    if target != next_phase(expected) and not going_back:
        raise CampaignError(_("阶段只能逐步推进,不能跳过"))
    if going_back and not reason:
        raise CampaignError(_("退回上一阶段必须填写原因"))
    if target == Phase.SELF_ASSESSMENT and not campaign.participants.exists():
        raise CampaignError(_("还没有参评单位,不能开始自评"))
    if target == Phase.ARCHIVED and campaign.rating_sessions.filter(status="open").exists():
        # An archived campaign is read-only: a session left open could never be closed, and its
        # secrecy key (kaoping.ratings.keys) would never be destroyed.
        raise CampaignError(_("还有未结束的现场测评,请先结束全部现场测评后再归档"))
    if target == Phase.NOTICE and not going_back:
        reason = _require_complete_results(campaign, reason, incomplete_confirmed, _("进入“结果公示”阶段"))
    if target == Phase.FINAL and not going_back:
        refusal = hooks.final_refusal(campaign)
        if refusal:
            raise CampaignError(refusal)
    updated = Campaign.objects.filter(pk=campaign.pk, phase=expected).update(phase=target)
    if not updated:
        raise PhaseConflict(_("阶段已被他人修改,请刷新页面后再操作"))
    hooks.phase_changed(campaign, expected, target, actor)
    reminders.phase_opened(campaign, expected, target)
    audit_record(
        chain=chain_of(campaign),
        action="campaign.phase",
        object_type="campaign",
        object_id=campaign.pk,
        actor=actor,
        field="phase",
        old=expected,
        new=target,
        reason=reason,
    )
    campaign.phase = target
    return campaign


@transaction.atomic
def campaign_set_deadlines(
    *, campaign: Campaign, deadlines: Mapping[str, datetime.datetime | None], actor: Any
) -> list[str]:
    """Set or clear deadlines per phase; returns the phases that changed."""
    require_writable(campaign, error=CampaignError)
    current = {d.phase: d for d in campaign.deadlines.all()}
    changed: list[str] = []
    for phase, when in deadlines.items():
        if phase not in PHASE_ORDER:
            raise CampaignError(_("未知的阶段“%(phase)s”") % {"phase": phase})
        old = current.get(phase)
        if (old.deadline if old else None) == when:
            continue
        if when is None and old is not None:
            old.delete()
        elif old is not None and when is not None:
            PhaseDeadline.objects.filter(pk=old.pk).update(deadline=when)
        elif when is not None:
            PhaseDeadline.objects.create(campaign=campaign, phase=phase, deadline=when)
        audit_record(
            chain=chain_of(campaign),
            action="campaign.deadline",
            object_type="campaign",
            object_id=campaign.pk,
            actor=actor,
            field=f"deadline:{phase}",
            old=old.deadline.isoformat() if old else None,
            new=when.isoformat() if when else None,
        )
        changed.append(phase)
    return changed


@transaction.atomic
def campaign_set_reminder_days(*, campaign: Campaign, days: str, actor: Any) -> bool:
    """Set how many days before a deadline to remind ("7,3,1", as ``DeadlinesForm`` cleans it; ""
    for the site's setting). Returns whether it changed."""
    require_writable(campaign, error=CampaignError)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.reminder_days == days:
        return False
    Campaign.objects.filter(pk=campaign.pk).update(reminder_days=days)
    audit_record(
        chain=chain_of(campaign),
        action="campaign.reminder_days",
        object_type="campaign",
        object_id=campaign.pk,
        actor=actor,
        field="reminder_days",
        old=locked.reminder_days or None,
        new=days or None,
    )
    campaign.reminder_days = days
    return True


@transaction.atomic
def campaign_publish_results(
    *, campaign: Campaign, published: bool, actor: Any, reason: str = "", incomplete_confirmed: bool = False
) -> Campaign:
    require_writable(campaign, error=CampaignError, updating=True)
    if campaign.results_published == published:
        return campaign
    if published and PHASE_ORDER.index(campaign.phase) < PHASE_ORDER.index(Phase.NOTICE):
        raise CampaignError(_("结果须在“结果公示”阶段或之后发布"))
    if published:
        reason = _require_complete_results(campaign, reason, incomplete_confirmed, _("发布结果"))
    if not published and not reason.strip():
        raise CampaignError(_("撤回已发布的结果必须填写原因"))
    Campaign.objects.filter(pk=campaign.pk).update(results_published=published)
    audit_record(
        chain=chain_of(campaign),
        action="campaign.publish" if published else "campaign.unpublish",
        object_type="campaign",
        object_id=campaign.pk,
        actor=actor,
        field="results_published",
        old=not published,
        new=published,
        reason=reason.strip(),
    )
    campaign.results_published = published
    return campaign


def _require_complete_results(campaign: Campaign, reason: str, confirmed: bool, step: str) -> str:
    """The audit reason for a step that shows results: refused (IncompleteResults) while units
    lack a submission or a total, unless the organizer confirmed the list with a reason; the
    list then goes into the reason so the audit log keeps what was known."""
    incomplete = hooks.incomplete_units(campaign) or []  # results builds on campaigns: provided by it
    if not incomplete:
        return reason
    listed = hooks.describe_incomplete(incomplete)
    if not (confirmed and reason.strip()):
        raise IncompleteResults(
            _("有 %(count)s 个单位结果不完整:%(units)s。确需%(step)s,请勾选确认并填写原因")
            % {
                "count": len(incomplete),
                "units": listed,
                "step": step,
            }
        )
    return _("%(reason)s(确认时结果不完整的单位:%(units)s)") % {"reason": reason.strip(), "units": listed}


def problems_as_text(problems: Sequence[Problem]) -> list[str]:
    return [str(p) for p in problems]
