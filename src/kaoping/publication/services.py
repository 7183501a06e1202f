"""Publishing a frozen results version (结果公示), its notice window, and making it final (结果确定).

Every step is audited on the campaign's chain. Publishing reads only the stored results
(``kaoping.results``): a version is refused while they are being recomputed, so what is frozen is
exactly what every page showed at that moment.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.campaigns.models import Campaign, Phase
from kaoping.campaigns.readonly import require_writable
from kaoping.campaigns.selectors import current_scheme
from kaoping.publication import digest as digests
from kaoping.publication.changes import Changes, compare
from kaoping.publication.models import PublishedUnit, PublishedVersion
from kaoping.results.models import StoredStandings, StoredUnitResult
from kaoping.results.services import standings

# Practice (research: assessment-practice-cn.md): a notice is posted for 5 to 7 days.
NOTICE_DAYS = 7
MIN_NOTICE_DAYS = 1
MAX_NOTICE_DAYS = 60

_ROW_FIELDS = ("unit_id", "position", "category", "name", "rank", "total", "head", "data")


class PublicationError(Exception):
    """A refused step; ``messages`` are Chinese and say what to do."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(messages))


def chain_of(campaign: Campaign | int) -> str:
    return f"campaign:{campaign if isinstance(campaign, int) else campaign.pk}"


def latest(campaign: Campaign) -> PublishedVersion | None:
    return PublishedVersion.objects.filter(campaign=campaign).order_by("-number").first()


def default_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    start = today or timezone.localdate()
    return start, start + datetime.timedelta(days=NOTICE_DAYS - 1)


def window_state(version: PublishedVersion, today: datetime.date | None = None) -> str:
    """公示中 / 未开始 / 已结束 / 结果已确定, as the notice shows it."""
    today = today or timezone.localdate()
    if version.final_at is not None:
        return _("结果已确定")
    if today < version.notice_start:
        return _("公示未开始")
    if today > version.notice_end:
        return _("公示期已结束")
    return _("公示中")


def _check_window(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise PublicationError(_("公示结束日期不能早于开始日期"))
    days = (end - start).days + 1
    if days < MIN_NOTICE_DAYS or days > MAX_NOTICE_DAYS:
        raise PublicationError(
            _("公示期应为 %(low)s 至 %(high)s 天(通常 5 至 7 天),现为 %(days)s 天")
            % {"low": MIN_NOTICE_DAYS, "high": MAX_NOTICE_DAYS, "days": days}
        )


def _stored_rows(campaign: Campaign) -> tuple[str, list[tuple[Any, ...]]]:
    """The stored result's version and rows, read so that both belong to the same worker run."""
    shown = standings(campaign)
    if not shown.current or shown.stored is None:
        raise PublicationError(_("数据有变动,结果正在重新计算。请等计算完成(排名页显示最新结果)后再发布公示"))
    rows = list(StoredUnitResult.objects.filter(campaign=campaign).order_by("position").values_list(*_ROW_FIELDS))
    after = StoredStandings.objects.filter(campaign=campaign).values_list("version", flat=True).first()
    if after != shown.stored.version:
        raise PublicationError(_("结果刚刚更新,请刷新页面核对后再发布"))
    if not rows:
        raise PublicationError(_("还没有任何单位的考核结果,不能发布公示"))
    return shown.stored.version, rows


def digest_of(campaign: str, bureau: str, number: int, rows: Iterable[tuple[str, int | None, str, Any]]) -> str:
    return digests.digest(campaign, bureau, number, rows)


def preview_changes(campaign: Campaign) -> Changes | None:
    """What a new version would change against the latest one (None: nothing published yet or
    the stored result is being recomputed)."""
    previous = latest(campaign)
    if previous is None:
        return None
    try:
        _version, rows = _stored_rows(campaign)
    except PublicationError:
        return None
    return compare(_version_data(previous), {row[0]: row[7] for row in rows})


def category_names(campaign: Campaign) -> dict[str, str]:
    scheme = current_scheme(campaign)
    return {c.id: c.name for c in scheme.categories} if scheme is not None else {}


def _version_data(version: PublishedVersion) -> dict[int, Any]:
    return dict(version.rows.order_by("position").values_list("unit_id", "data"))


@transaction.atomic
def publish(
    *,
    campaign: Campaign,
    actor: Any,
    notice_start: datetime.date,
    notice_end: datetime.date,
    public: bool = False,
    reason: str = "",
    answer_working_days: int = 15,
) -> PublishedVersion:
    """Freeze the stored results as the next published version, with its notice window."""
    require_writable(campaign, error=PublicationError, updating=True)
    locked = Campaign.objects.select_for_update().select_related("owner").get(pk=campaign.pk)
    if locked.phase == Phase.FINAL:
        raise PublicationError(_("结果已确定,不能再发布新的公示版本"))
    if locked.phase != Phase.NOTICE:
        raise PublicationError(_("只有在“结果公示”阶段才能发布公示,请先把考核推进到该阶段"))
    _check_window(notice_start, notice_end)
    reason = reason.strip()
    previous = latest(locked)
    if previous is not None and not reason:
        raise PublicationError(_("发布新的公示版本须说明原因(例如:异议成立,已更正某单位得分)"))
    data_version, rows = _stored_rows(locked)
    changes = compare(_version_data(previous), {row[0]: row[7] for row in rows}) if previous else Changes(())
    if previous is not None and not changes.units:
        raise PublicationError(_("结果与第 %(number)s 版完全相同,无需发布新版本") % {"number": previous.number})
    number = previous.number + 1 if previous else 1
    version = PublishedVersion.objects.create(
        campaign=locked,
        number=number,
        campaign_name=locked.name,
        bureau_name=locked.owner.name,
        digest=digest_of(locked.name, locked.owner.name, number, [(r[2], r[4], r[3], r[7]) for r in rows]),
        data_version=data_version,
        published_at=timezone.now(),
        published_by=actor if getattr(actor, "pk", None) else None,
        notice_start=notice_start,
        notice_end=notice_end,
        public=public,
        public_key=secrets.token_urlsafe(16),
        answer_working_days=answer_working_days,
        reason=reason,
        changes=changes.to_data(),
        category_names=category_names(locked),
        units=len(rows),
    )
    PublishedUnit.objects.bulk_create(
        (PublishedUnit(version=version, **dict(zip(_ROW_FIELDS, row, strict=True))) for row in rows),
        batch_size=500,
    )
    audit_record(
        chain=chain_of(locked),
        action="publication.publish",
        object_type="publication",
        object_id=number,
        actor=actor,
        field="published_version",
        new={
            "version": number,
            "digest": version.digest,
            "notice": f"{notice_start.isoformat()}~{notice_end.isoformat()}",
            "units": len(rows),
            "changed_units": len(changes.units),
        },
        reason=reason,
    )
    return version


@transaction.atomic
def set_public(*, version: PublishedVersion, public: bool, actor: Any) -> PublishedVersion:
    """Show or hide the notice on a page anyone can open without signing in."""
    require_writable(version.campaign_id, error=PublicationError, updating=True)
    if version.public == public:
        return version
    PublishedVersion.objects.filter(pk=version.pk).update(public=public)
    audit_record(
        chain=chain_of(version.campaign_id),
        action="publication.public",
        object_type="publication",
        object_id=version.number,
        actor=actor,
        field="public",
        old=version.public,
        new=public,
    )
    version.public = public
    return version


def check_final(campaign: Campaign) -> str:
    """Why the results cannot be made final now (campaigns.hooks), or ""."""
    version = latest(campaign)
    if version is None:
        return _("还没有发布公示,不能确定结果。请先在“结果公示”页发布公示")
    from kaoping.publication.objections import open_count

    unanswered = open_count(campaign)
    if unanswered:
        return _("还有 %(count)s 条异议未答复,答复后才能确定结果") % {"count": unanswered}
    if timezone.localdate() <= version.notice_end:
        return _("第 %(number)s 版公示期至 %(end)s 结束,公示期满后才能确定结果") % {
            "number": version.number,
            "end": version.notice_end.isoformat(),
        }
    return ""


def on_phase_changed(campaign: Campaign, old: str, new: str, actor: Any) -> None:
    """结果确定 locks the latest version; stepping back to 公示 (with a reason, audited) unlocks it."""
    version = latest(campaign)
    if version is None:
        return
    if new == Phase.FINAL and version.final_at is None:
        PublishedVersion.objects.filter(pk=version.pk).update(final_at=timezone.now())
        _audit_final(campaign, version, actor, final=True)
    elif old == Phase.FINAL and new == Phase.NOTICE and version.final_at is not None:
        PublishedVersion.objects.filter(pk=version.pk).update(final_at=None)
        _audit_final(campaign, version, actor, final=False)


def _audit_final(campaign: Campaign, version: PublishedVersion, actor: Any, *, final: bool) -> None:
    audit_record(
        chain=chain_of(campaign),
        action="publication.final" if final else "publication.unfinal",
        object_type="publication",
        object_id=version.number,
        actor=actor,
        field="final",
        old=not final,
        new=final,
    )


def find_by_digest(typed: str) -> PublishedVersion | None:
    """The published version a printed digest belongs to (the whole 64 characters)."""
    text = digests.normalize(typed)
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        return None
    return PublishedVersion.objects.select_related("campaign", "campaign__owner").filter(digest=text).first()


def recheck(version: PublishedVersion) -> bool:
    """Whether the stored rows still give the printed digest (nothing changed since publishing)."""
    rows = version.rows.order_by("position").values_list("category", "rank", "name", "data")
    return digest_of(version.campaign_name, version.bureau_name, version.number, rows) == version.digest
