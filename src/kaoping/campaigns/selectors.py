"""Reads about campaigns that several apps share."""

from __future__ import annotations

import datetime
import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    """The engine's view of the campaign's newest scheme version, or None before one is set."""
    version = campaign.current_scheme()
    return scheme_of(version) if version else None


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
    units: list[CampaignUnit]


def phase_steps(campaign: Campaign) -> list[PhaseStep]:
    deadlines = {d.phase: d.deadline for d in campaign.deadlines.all()}
    current = PHASE_ORDER.index(campaign.phase)
    steps = []
    for index, value in enumerate(PHASE_ORDER):
        state = "done" if index < current else "current" if index == current else "todo"
        steps.append(PhaseStep(value, str(Phase(value).label), state, deadlines.get(value)))
    return steps


def units_by_category(campaign: Campaign, units: Iterable[CampaignUnit]) -> list[CategoryUnits]:
    """The units the viewer may see, grouped under the scheme's categories (in scheme order);
    a unit whose category the scheme lacks is listed under its raw id so it is never hidden."""
    scheme = current_scheme(campaign)
    names = {c.id: c.name for c in scheme.categories} if scheme else {}
    grouped: dict[str, list[CampaignUnit]] = {key: [] for key in names}
    for unit in units:
        grouped.setdefault(unit.category, []).append(unit)
    return [CategoryUnits(key, names.get(key, key), members) for key, members in grouped.items()]


def scheme_categories(campaign: Campaign) -> list[tuple[str, str]]:
    scheme = current_scheme(campaign)
    return [(c.id, c.name) for c in scheme.categories] if scheme else []


def version_changes(old: SchemeVersion, new: SchemeVersion) -> list[SchemeChange]:
    from kaoping.formats.scheme_file import diff_schemes

    changes: list[SchemeChange] = diff_schemes(scheme_of(old), scheme_of(new))
    return changes
