"""Reads about campaigns that several apps share."""

from __future__ import annotations

import datetime
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from kaoping.campaigns.models import PHASE_ORDER, Campaign, CampaignUnit, Phase, SchemeVersion
from kaoping.engine.model import Scheme

if TYPE_CHECKING:
    from kaoping.formats.scheme_diff import SchemeChange


_SCHEMES: dict[tuple[int, str], Scheme] = {}
_SCHEMES_LOCK = threading.Lock()
_SCHEMES_KEPT = 64


def scheme_of(version: SchemeVersion) -> Scheme:
    """The engine's Scheme for a version. Versions are immutable, so the parse (≈0.1–0.25 s for a
    100-item scheme) is cached per process, keyed on the content too: a restored database may
    reuse a version id."""
    from kaoping.formats.scheme_file import scheme_from_data

    digest = hashlib.sha256(json.dumps(version.data, sort_keys=True, default=str).encode()).hexdigest()
    key = (version.pk, digest)
    with _SCHEMES_LOCK:
        cached = _SCHEMES.get(key)
    if cached is not None:
        return cached
    scheme: Scheme = scheme_from_data(version.data)
    with _SCHEMES_LOCK:
        _SCHEMES[key] = scheme
        while len(_SCHEMES) > _SCHEMES_KEPT:
            _SCHEMES.pop(next(iter(_SCHEMES)))
    return scheme


def current_scheme(campaign: Campaign) -> Scheme | None:
    """The one way to get a campaign's scheme: the engine's Scheme of its newest version, or None
    before one is set (``kaoping.assessments.selectors.scheme_for`` is the same with a 404).

    The parse is cached per immutable version (``scheme_of``); the campaign object remembers the
    Scheme for the rest of the request (a new version forgets it: ``forget_scheme``)."""
    cached: Scheme | None = getattr(campaign, "_kaoping_scheme", None)
    if cached is not None:
        return cached
    version = campaign.current_version()
    if version is None:
        return None
    scheme = scheme_of(version)
    campaign._kaoping_scheme = scheme  # type: ignore[attr-defined]
    return scheme


def forget_scheme(campaign: Campaign) -> None:
    """A new version was stored: the next ``current_scheme`` reads it."""
    campaign.__dict__.pop("_kaoping_scheme", None)


# -- pages of the campaigns app ----------------------------------------------------------------


@dataclass(frozen=True)
class PhaseStep:
    value: str
    label: str
    state: str  # "done", "current" or "todo"
    deadline: datetime.datetime | None

    @property
    def overdue(self) -> bool:
        """The current phase's deadline has passed (shown, so the organizer can act on it)."""
        from django.utils import timezone

        return self.state == "current" and self.deadline is not None and self.deadline < timezone.now()


@dataclass(frozen=True)
class CategoryUnits:
    id: str
    name: str
    units: list[CampaignUnit]  # the first UNITS_SHOWN_PER_CATEGORY of them
    count: int  # all of them


UNITS_SHOWN_PER_CATEGORY = 100


def phase_steps(campaign: Campaign) -> list[PhaseStep]:
    deadlines = {d.phase: d.deadline for d in campaign.deadlines.all()}
    current = PHASE_ORDER.index(campaign.phase)
    steps = []
    for index, value in enumerate(PHASE_ORDER):
        state = "done" if index < current else "current" if index == current else "todo"
        steps.append(PhaseStep(value, str(Phase(value).label), state, deadlines.get(value)))
    return steps


def units_by_category(
    campaign: Campaign, units: QuerySet[CampaignUnit], shown: int | None = None
) -> list[CategoryUnits]:
    """The units the viewer may see, grouped under the scheme's categories (in scheme order);
    a unit whose category the scheme lacks is listed under its raw id so it is never hidden.

    One count query for all categories and at most ``shown`` units each: a 2,000-unit campaign
    page stays small and fast.
    """
    shown = UNITS_SHOWN_PER_CATEGORY if shown is None else shown
    names = category_names(campaign)
    counts: dict[str, int] = dict(units.order_by().values_list("category").annotate(n=Count("pk")))
    keys = [*names, *sorted(key for key in counts if key not in names)]
    return [
        CategoryUnits(
            key,
            names.get(key, key),
            list(units.filter(category=key).order_by("organization__path")[:shown]) if counts.get(key) else [],
            counts.get(key, 0),
        )
        for key in keys
    ]


def unit_ids_by_code_and_name(campaign: Campaign) -> dict[str, int]:
    """The campaign's units by their organization's code and by its name (for pasted lists)."""
    units = CampaignUnit.objects.filter(campaign=campaign).values_list("pk", "organization__code", "organization__name")
    by_code = {code: pk for pk, code, _name in units}
    return by_code | {name: pk for pk, _code, name in units}


def unit_count(campaign: Campaign) -> int:
    """How many units take part in the campaign (one count query)."""
    return CampaignUnit.objects.filter(campaign=campaign).count()


def category_names(campaign: Campaign) -> dict[str, str]:
    """Scheme category id → name, read from the stored scheme data.

    The data was validated when the version was saved; building the engine Scheme would validate
    it again (0.3-0.6 s for a 100-item scheme) just to read a few names.
    """
    version = campaign.current_version()
    if version is None:
        return {}
    return {str(c["id"]): str(c["name"]) for c in version.data.get("categories", [])}


def scheme_categories(campaign: Campaign) -> list[tuple[str, str]]:
    return list(category_names(campaign).items())


def version_changes(old: SchemeVersion, new: SchemeVersion) -> list[SchemeChange]:
    from kaoping.formats.scheme_file import diff_schemes

    changes: list[SchemeChange] = diff_schemes(scheme_of(old), scheme_of(new))
    return changes
