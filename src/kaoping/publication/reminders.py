"""Reminders about objections (异议): filed, assigned, answered, and answers overdue (kaoping.inbox)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Phase
from kaoping.campaigns.reminders import organizers, unit_people
from kaoping.inbox import scanners
from kaoping.inbox import services as inbox
from kaoping.orgs.models import Role
from kaoping.publication.models import OPEN_STATES, Objection


def _names(objection: Objection) -> dict[str, Any]:
    unit = objection.unit
    return {
        "c": unit.campaign.name,
        "u": unit.organization.name,
        "n": objection.number,
        "i": objection.item_name or _("总分"),
        "d": objection.due_on.isoformat(),
    }


def _link(objection: Objection) -> str:
    unit = objection.unit
    return reverse("publication:objection", args=[unit.campaign_id, unit.pk, objection.number])


def filed(objection: Objection) -> None:
    """The campaign's organizers hear of a new objection, to assign it."""
    names = _names(objection)
    inbox.notify(
        organizers(objection.unit.campaign),
        inbox.Kind.OBJECTION,
        _("%(u)s对「%(c)s」的“%(i)s”提出异议") % names,
        _("%(u)s对考核活动「%(c)s」公示结果中的“%(i)s”提出第 %(n)s 条异议,须在 %(d)s 前书面答复,请分派承办人。")
        % names,
        _link(objection),
        key=f"objection-filed:{objection.pk}",
    )


def assigned(objection: Objection) -> None:
    if objection.assignee is None:
        return
    names = _names(objection)
    inbox.notify(
        [objection.assignee],
        inbox.Kind.OBJECTION,
        _("请答复%(u)s关于“%(i)s”的异议") % names,
        _("考核活动「%(c)s」中%(u)s第 %(n)s 条异议(“%(i)s”)已分派给您,请在 %(d)s 前书面答复。") % names,
        _link(objection),
        key=f"objection-assigned:{objection.pk}:{objection.assignee_id}",
    )


def answered(objection: Objection) -> None:
    """The unit's reporters (and whoever filed it) read the written answer."""
    names = {**_names(objection), "s": objection.get_state_display()}
    people = unit_people(objection.unit, (Role.REPORTER,))
    if objection.filed_by is not None:
        people.append(objection.filed_by)
    inbox.notify(
        people,
        inbox.Kind.OBJECTION,
        _("%(u)s关于“%(i)s”的异议已答复:%(s)s") % names,
        _("考核活动「%(c)s」中%(u)s第 %(n)s 条异议(“%(i)s”)已书面答复,结论:%(s)s。") % names,
        _link(objection),
        key=f"objection-answered:{objection.pk}",
    )


def overdue_objections(now: datetime) -> Iterator[scanners.Reminder]:
    """Open objections past their answer date: the assignee, or the organizers while none is assigned."""
    today = timezone.localdate(now)
    late = (
        Objection.objects.filter(state__in=OPEN_STATES, due_on__lt=today)
        .exclude(unit__campaign__phase=Phase.ARCHIVED)
        .select_related("unit__campaign", "unit__organization", "assignee")
        .order_by("pk")
    )
    for objection in late:
        names = _names(objection)
        people = [objection.assignee] if objection.assignee else organizers(objection.unit.campaign)
        yield scanners.Reminder(
            people,
            inbox.Kind.OVERDUE,
            _("%(u)s关于“%(i)s”的异议已超期未答复") % names,
            _("考核活动「%(c)s」中%(u)s第 %(n)s 条异议(“%(i)s”)的答复期限是 %(d)s,现已超期,请尽快书面答复。") % names,
            _link(objection),
            f"objection-overdue:{objection.pk}",
        )
