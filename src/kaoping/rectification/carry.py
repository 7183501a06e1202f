"""Open problems carried into next year's campaign (``campaigns.hooks.carry_over``).

Each problem not closed (销号) last year, of a unit that takes part again, becomes a problem of the
new campaign with the same source, indicator, points lost, responsibility, measures and deadline,
linked back by ``carried_from``; last year's row is left as it was (its ledger does not change).
Each one is audited on the new campaign's chain. Closed problems stay behind.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.rectification.models import Problem, ProblemState
from kaoping.rectification.services import audit_problem


def carry_open_problems(previous: Campaign, campaign: Campaign, actor: Any) -> list[str]:
    units = {u.organization_id: u for u in CampaignUnit.objects.filter(campaign=campaign)}
    old = (
        Problem.objects.filter(campaign=previous)
        .exclude(state=ProblemState.CLOSED)
        .select_related("unit__organization")
        .order_by("unit__organization__name", "number")
    )
    carried = 0
    now = timezone.now()
    for problem in old:
        unit = units.get(problem.organization_id)
        if unit is None:
            continue  # the unit does not take part this year
        number = (Problem.objects.filter(unit=unit).aggregate(n=Max("number"))["n"] or 0) + 1
        new = Problem.objects.create(
            campaign=campaign,
            unit=unit,
            organization_id=problem.organization_id,
            number=number,
            source=problem.source,
            source_note=problem.source_note,
            item_id=problem.item_id,
            item_name=problem.item_name,
            points_lost=problem.points_lost,
            description=problem.description,
            responsible_unit=problem.responsible_unit,
            responsible_person=problem.responsible_person,
            measures=problem.measures,
            deadline=problem.deadline,
            carried_from=problem,
            created_by=actor,
            created_at=now,
        )
        audit_problem(
            new,
            "problem.create",
            actor,
            new={"source": new.source, "items": new.item_name or None, "deadline": new.deadline.isoformat()},
            reason=_("由“%(name)s”问题 %(n)s 结转(未销号)") % {"name": previous.name, "n": problem.number},
        )
        carried += 1
    return [_("结转未销号的整改问题 %(count)s 个") % {"count": carried}] if carried else []
