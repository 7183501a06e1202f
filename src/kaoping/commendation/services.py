"""Every write of a commendation list: drawing it up, deciding on units (excluded by hand, or a tie
on the boundary included/excluded, each with a reason), re-drawing, approval and publication.

Numbers come from the campaign's final results only: the rows of the published version locked by
结果确定 (``publication``), decoded with the engine's codec as ``results.services`` does; nothing
is recomputed here. Each write checks the campaign is writable inside its transaction and is
audited on the campaign's chain (``object_type`` "commendation", ``object_id`` the list's number).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.campaigns import hooks
from kaoping.campaigns.access import campaign_access
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase
from kaoping.campaigns.readonly import require_writable
from kaoping.campaigns.selectors import current_scheme
from kaoping.commendation import rules
from kaoping.commendation.models import Basis, CommendationEntry, CommendationList, Decision, EntryStatus, ListState
from kaoping.engine import codec
from kaoping.engine.model import Scheme
from kaoping.engine.numbers import fixed
from kaoping.engine.results import UnitResult
from kaoping.publication.models import PublishedVersion
from kaoping.results.inputs import unit_key

MAX_TITLE = 200
MAX_REASON = 2000
MAX_N = 10000


class CommendationError(Exception):
    """A refused write; ``messages`` are the Chinese reasons for the user."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass(frozen=True)
class ListInput:
    title: str
    basis: str
    categories: Sequence[str]
    top_n: int | None = None
    per_category: dict[str, int] = field(default_factory=dict)
    grade: str = ""
    star_tier: str = ""


def chain_of(campaign: Campaign | int) -> str:
    return f"campaign:{campaign if isinstance(campaign, int) else campaign.pk}"


def may_manage(user: Any, campaign: Campaign) -> bool:
    """Draws up, decides, approves and publishes: the organizers and administrators of the bureau."""
    return campaign_access(user, campaign).organizer


# -- the final results ----------------------------------------------------------------------------------


def final_version(campaign: Campaign) -> tuple[PublishedVersion | None, str]:
    """The published version locked by 结果确定, or None and the Chinese reason naming what is missing."""
    version = PublishedVersion.objects.filter(campaign=campaign).order_by("-number").first()
    final = campaign.phase in (Phase.FINAL, Phase.ARCHIVED)
    if version is not None and version.final_at is not None and final:
        return version, ""
    missing = hooks.final_refusal(campaign) if campaign.phase != Phase.ARCHIVED else ""
    if not missing:
        missing = _("请在考核活动页将阶段推进到“结果确定”")
    phase = Phase(campaign.phase).label
    return None, _("考核结果尚未确定(当前阶段:%(phase)s),表彰名单只能依据确定后的结果生成。%(missing)s") % {
        "phase": phase,
        "missing": missing,
    }


def final_units(version: PublishedVersion) -> list[tuple[int, UnitResult]]:
    """(campaign unit pk, its result) of every row of the final version, in the stored order."""
    rows = version.rows.order_by("position").values_list("unit_id", "head", "data")
    return [(unit_id, codec.decode_unit(head if head is not None else data)) for unit_id, head, data in rows]


# -- drawing up ----------------------------------------------------------------------------------------


def _text(value: str, label: str, *, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise CommendationError(_("请填写%(label)s") % {"label": label})
    if len(value) > limit:
        raise CommendationError(_("%(label)s最多 %(n)s 个字") % {"label": label, "n": limit})
    return value


def _clean(scheme: Scheme, data: ListInput) -> dict[str, Any]:
    errors: list[str] = []
    title = ""
    try:
        title = _text(data.title, _("名单标题"), limit=MAX_TITLE)
    except CommendationError as error:
        errors.extend(error.messages)
    known = [c.id for c in scheme.categories]
    chosen = [c for c in known if c in set(data.categories)]
    if not chosen or len(chosen) != len(set(data.categories)):
        errors.append(_("请选择至少一个考核类别"))
    fields: dict[str, Any] = {"title": title, "basis": data.basis, "categories": chosen}
    fields.update(top_n=None, per_category={}, grade="", star_tier="")
    if data.basis == Basis.TOP_N:
        per = {c: n for c, n in data.per_category.items() if c in chosen and n is not None}
        for n in [data.top_n, *per.values()]:
            if n is not None and not 1 <= n <= MAX_N:
                errors.append(_("名额须为 1 至 %(max)s 的整数") % {"max": MAX_N})
                break
        if data.top_n is None and any(c not in per for c in chosen):
            errors.append(_("请填写每个类别的名额 N(或填写统一的 N)"))
        fields.update(top_n=data.top_n, per_category=per)
    elif data.basis == Basis.GRADE:
        grades = [band.name for band in scheme.grade_bands]
        if data.grade not in grades:
            errors.append(_("请从方案的等次中选择一个等次") if grades else _("考核方案没有设置等次,不能按等次表彰"))
        fields["grade"] = data.grade
    elif data.basis == Basis.STARS:
        tiers = [tier.name for tier in scheme.stars]
        if data.star_tier not in tiers:
            errors.append(_("请从方案的星级中选择一个星级") if tiers else _("考核方案没有设置星级,不能按星级表彰"))
        fields["star_tier"] = data.star_tier
    else:
        errors.append(_("请选择表彰依据"))
    if errors:
        raise CommendationError(*errors)
    return fields


def _scheme(campaign: Campaign) -> Scheme:
    scheme = current_scheme(campaign)
    if scheme is None:
        raise CommendationError(_("考核活动还没有考核方案"))
    return scheme


@transaction.atomic
def create(*, campaign: Campaign, actor: Any, data: ListInput) -> CommendationList:
    """A new draft; its units are drawn at once when the results are final, else it waits (the page
    says why) and ``draw`` refuses with the reason until they are."""
    require_writable(campaign, error=CommendationError)
    if not may_manage(actor, campaign):
        raise CommendationError(_("只有组织者或管理员可以拟定表彰名单"))
    scheme = _scheme(campaign)
    fields = _clean(scheme, data)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    number = (CommendationList.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
    names = {c.id: c.name for c in scheme.categories}
    commendation = CommendationList.objects.create(
        campaign=campaign,
        number=number,
        category_names={c: names[c] for c in fields["categories"]},
        created_by=actor,
        created_at=timezone.now(),
        **fields,
    )
    _audit(commendation, "commendation.create", actor, new=describe_basis(commendation), reason=commendation.title)
    version, _reason = final_version(campaign)
    if version is not None:
        _draw(commendation, version, scheme)
    return commendation


def describe_basis(commendation: CommendationList) -> str:
    """The basis in words: 各类别前 3 名 / 全部“优秀”等次 / 星级“五星级”, and the categories."""
    names = "、".join(commendation.category_names.get(c, "") for c in commendation.categories)
    if commendation.basis == Basis.TOP_N:
        per = commendation.per_category or {}
        if per:
            counts = "、".join(
                f"{commendation.category_names.get(c, '')}前 {per.get(c, commendation.top_n)} 名"
                for c in commendation.categories
            )
            return counts
        return _("各类别前 %(n)s 名(%(categories)s)") % {"n": commendation.top_n, "categories": names}
    if commendation.basis == Basis.GRADE:
        return _("全部“%(grade)s”等次(%(categories)s)") % {"grade": commendation.grade, "categories": names}
    return _("星级“%(tier)s”(%(categories)s)") % {"tier": commendation.star_tier, "categories": names}


def _rule(commendation: CommendationList, category: str) -> rules.Rule:
    n = (commendation.per_category or {}).get(category, commendation.top_n)
    return rules.Rule(commendation.basis, n, commendation.grade, commendation.star_tier)


def _draw(commendation: CommendationList, version: PublishedVersion, scheme: Scheme) -> None:
    by_category: dict[str, list[UnitResult]] = {}
    pks: dict[str, int] = {}
    for pk, unit in final_units(version):
        by_category.setdefault(unit.category, []).append(unit)
        pks[unit.unit_id] = pk
    decisions = {
        unit_key(unit_id): (include, reason)
        for unit_id, include, reason in commendation.decisions.values_list("unit_id", "include", "reason")
    }
    places = scheme.rounding.total
    commendation.entries.all().delete()
    missing: dict[str, int] = {}
    entries = []
    position = 0
    for category in commendation.categories:
        drawn = rules.draw(by_category.get(category, []), _rule(commendation, category), decisions)
        missing[category] = drawn.missing
        for item in drawn.drawn:
            position += 1
            unit = item.unit
            entries.append(
                CommendationEntry(
                    list=commendation,
                    unit_id=pks[unit.unit_id],
                    position=position,
                    status=item.status,
                    category=category,
                    name=unit.name,
                    total=unit.total,
                    total_text=fixed(unit.total, places) if unit.total is not None else "",
                    grade=unit.grade or "",
                    stars=unit.stars or "",
                    rank=unit.rank,
                    reason=item.reason,
                )
            )
    CommendationEntry.objects.bulk_create(entries)
    commendation.source = version
    commendation.drawn_at = timezone.now()
    commendation.missing = missing
    commendation.save(update_fields=["source", "drawn_at", "missing"])


def _locked(commendation: CommendationList) -> CommendationList:
    require_writable(commendation.campaign_id, error=CommendationError)
    locked = CommendationList.objects.select_for_update().select_related("campaign").get(pk=commendation.pk)
    return locked


def _require_draft(commendation: CommendationList) -> None:
    if commendation.state != ListState.DRAFT:
        raise CommendationError(_("名单已审批,不能再修改"))


def _require_final(commendation: CommendationList) -> PublishedVersion:
    version, reason = final_version(commendation.campaign)
    if version is None:
        raise CommendationError(reason)
    return version


@transaction.atomic
def draw(*, commendation: CommendationList, actor: Any) -> CommendationList:
    """(Re)draw the units from the final results, keeping the organizer's decisions."""
    commendation = _locked(commendation)
    if not may_manage(actor, commendation.campaign):
        raise CommendationError(_("只有组织者或管理员可以生成表彰名单"))
    _require_draft(commendation)
    version = _require_final(commendation)
    _draw(commendation, version, _scheme(commendation.campaign))
    _audit(commendation, "commendation.draw", actor, new=_counts(commendation))
    return commendation


@transaction.atomic
def decide(
    *, commendation: CommendationList, unit: CampaignUnit, actor: Any, include: bool, reason: str
) -> CommendationList:
    """Exclude a unit by hand, or include a unit tied on the boundary, with a written reason; then
    re-draw. ``include`` for a unit excluded by hand takes the exclusion back."""
    commendation = _locked(commendation)
    if not may_manage(actor, commendation.campaign):
        raise CommendationError(_("只有组织者或管理员可以调整表彰名单"))
    _require_draft(commendation)
    version = _require_final(commendation)
    reason = _text(reason, _("理由"), limit=MAX_REASON)
    entry = commendation.entries.filter(unit=unit).first()
    if entry is None:
        raise CommendationError(_("该单位不在名单的考虑范围内"))
    if entry.status == EntryStatus.FLAGGED:
        raise CommendationError(_("该单位按考核结果不得评优(%(why)s),不能列入") % {"why": entry.reason})
    if include and entry.status not in (EntryStatus.TIED, EntryStatus.BY_HAND):
        raise CommendationError(_("只有名次并列待定或手工排除的单位可以列入"))
    if include and entry.status == EntryStatus.BY_HAND:
        Decision.objects.filter(list=commendation, unit=unit).delete()
        action = "commendation.restore"
    else:
        Decision.objects.update_or_create(
            list=commendation,
            unit=unit,
            defaults={"include": include, "reason": reason, "decided_by": actor, "decided_at": timezone.now()},
        )
        action = "commendation.include" if include else "commendation.exclude"
    _draw(commendation, version, _scheme(commendation.campaign))
    _audit(commendation, action, actor, new={"unit": unit.pk}, reason=reason)
    return commendation


def pending(commendation: CommendationList) -> int:
    return commendation.entries.filter(status=EntryStatus.TIED).count()


@transaction.atomic
def approve(*, commendation: CommendationList, actor: Any) -> CommendationList:
    commendation = _locked(commendation)
    if not may_manage(actor, commendation.campaign):
        raise CommendationError(_("只有组织者或管理员可以审批表彰名单"))
    _require_draft(commendation)
    version = _require_final(commendation)
    if commendation.drawn_at is None or commendation.source_id != version.pk:
        raise CommendationError(_("名单还没有依据确定后的结果生成,请先点“生成名单”"))
    tied = pending(commendation)
    if tied:
        raise CommendationError(
            _("还有 %(count)s 个单位名次并列待定,请逐一决定列入或排除(写明理由)后再审批") % {"count": tied}
        )
    if not commendation.entries.filter(status=EntryStatus.LISTED).exists():
        raise CommendationError(_("名单中没有单位,不能审批"))
    commendation.state = ListState.APPROVED
    commendation.approved_by = actor
    commendation.approved_at = timezone.now()
    commendation.save(update_fields=["state", "approved_by", "approved_at"])
    _audit(commendation, "commendation.approve", actor, old=ListState.DRAFT, new=ListState.APPROVED)
    return commendation


@transaction.atomic
def publish(*, commendation: CommendationList, actor: Any) -> CommendationList:
    commendation = _locked(commendation)
    if not may_manage(actor, commendation.campaign):
        raise CommendationError(_("只有组织者或管理员可以发布表彰名单"))
    if commendation.state != ListState.APPROVED:
        raise CommendationError(_("名单审批后才能发布") if commendation.state == ListState.DRAFT else _("名单已发布"))
    commendation.state = ListState.PUBLISHED
    commendation.published_by = actor
    commendation.published_at = timezone.now()
    commendation.save(update_fields=["state", "published_by", "published_at"])
    _audit(commendation, "commendation.publish", actor, old=ListState.APPROVED, new=ListState.PUBLISHED)
    return commendation


def _counts(commendation: CommendationList) -> dict[str, int]:
    statuses = list(commendation.entries.values_list("status", flat=True))
    return {
        "listed": statuses.count(EntryStatus.LISTED),
        "tied": statuses.count(EntryStatus.TIED),
        "excluded": statuses.count(EntryStatus.FLAGGED) + statuses.count(EntryStatus.BY_HAND),
    }


def _audit(
    commendation: CommendationList, action: str, actor: Any, *, old: Any = None, new: Any = None, reason: str = ""
) -> None:
    audit_record(
        chain=chain_of(commendation.campaign_id),
        action=action,
        object_type="commendation",
        object_id=str(commendation.number),
        actor=actor,
        field="commendation",
        old=old,
        new=new,
        reason=reason,
    )
