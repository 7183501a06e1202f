"""What the campaign pages and services need from the apps above campaigns, provided by those apps.

Campaigns sit below assessments and results in the layers (docs/architecture.md), so they never
import them. The campaign page shows how many units have submitted (assessments knows), and a step
that shows results refuses while results are incomplete (results knows): each of those apps
provides its function here at start-up (``AppConfig.ready``). A missing provider is a wiring bug
and raises, never a silent "nothing incomplete".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from kaoping.campaigns.models import Campaign, CampaignUnit


@dataclass(frozen=True)
class SubmissionProgress:
    submitted: int  # submitted, resubmitted or locked
    returned: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


SubmissionCounter = Callable[[QuerySet[CampaignUnit]], SubmissionProgress]
# (campaign, wait) -> the incomplete units (objects whose str() names the unit and what it lacks),
# or None while the result is still being computed and ``wait`` is False
IncompleteFinder = Callable[[Campaign, bool], Sequence[Any] | None]
IncompleteDescriber = Callable[[Sequence[Any]], str]
# (campaign) -> why the results cannot be made final yet, or "" (publication knows)
FinalCheck = Callable[[Campaign], str]
# (campaign, old phase, new phase, actor): after a phase change, inside its transaction
PhaseListener = Callable[[Campaign, str, str, Any], None]
# (last year's campaign, the new campaign, actor) -> Chinese lines saying what was carried over
# ("结转未销号问题 2 个"); inside the transaction that starts the new campaign
CarryOver = Callable[[Campaign, Campaign, Any], list[str]]


@dataclass(frozen=True)
class FigureSourceProvider:
    """Fills in the figures of a rule's ``source`` (``kaoping.engine.sources``) from an app's records.

    ``figures(campaign, units, key)``: campaign unit pk → figure name → value, for the units the
    record knows (a unit it does not know is left out: its figures are missing, never 0); ``key`` is
    the rule's ``source_key`` (a target's name, a key task's number), "" for a source without one.
    ``version(campaign)``: a short text that changes whenever those figures may have changed, so a
    stored result computed before the change is known to be out of date.
    """

    figures: Callable[[Campaign, Sequence[CampaignUnit], str], dict[int, dict[str, Decimal]]]
    version: Callable[[Campaign], str]


@dataclass
class _Providers:
    submission_progress: SubmissionCounter | None = None
    incomplete_units: IncompleteFinder | None = None
    describe_incomplete: IncompleteDescriber | None = None
    final_check: FinalCheck | None = None
    phase_listener: PhaseListener | None = None
    carry_overs: dict[str, CarryOver] = field(default_factory=dict)
    figure_sources: dict[str, FigureSourceProvider] = field(default_factory=dict)


_PROVIDERS = _Providers()


def provide_submission_progress(counter: SubmissionCounter) -> None:
    _PROVIDERS.submission_progress = counter


def provide_readiness(finder: IncompleteFinder, describer: IncompleteDescriber) -> None:
    _PROVIDERS.incomplete_units = finder
    _PROVIDERS.describe_incomplete = describer


def provide_final_step(check: FinalCheck, listener: PhaseListener) -> None:
    _PROVIDERS.final_check = check
    _PROVIDERS.phase_listener = listener


def provide_carry_over(name: str, carry: CarryOver) -> None:
    """Apps whose records outlive a year (open problems, unfinished key tasks) carry them into the
    next year's campaign; ``name`` keeps a provider registered once however often ``ready`` runs."""
    _PROVIDERS.carry_overs[name] = carry


def carry_over(previous: Campaign, campaign: Campaign, actor: Any) -> list[str]:
    lines: list[str] = []
    for name in sorted(_PROVIDERS.carry_overs):
        lines += _PROVIDERS.carry_overs[name](previous, campaign, actor)
    return lines


def provide_figure_source(name: str, provider: FigureSourceProvider) -> None:
    """``name`` is the engine's name of the source (``engine.sources.FIGURE_SOURCES``)."""
    _PROVIDERS.figure_sources[name] = provider


def figure_source(name: str) -> FigureSourceProvider:
    provider = _PROVIDERS.figure_sources.get(name)
    if provider is None:
        raise RuntimeError(f"no app provides the figure source {name!r}")
    return provider


def figure_sources_version(campaign: Campaign, names: Sequence[str]) -> str:
    """What the figures of these sources are at now, for the campaign's data version."""
    return ";".join(f"{name}={figure_source(name).version(campaign)}" for name in sorted(names))


def submission_progress(units: QuerySet[CampaignUnit]) -> SubmissionProgress:
    """How many of ``units`` have submitted their self-assessment ("已提交 38/50")."""
    if _PROVIDERS.submission_progress is None:
        raise RuntimeError("no app provides the submission progress (kaoping.assessments not installed?)")
    return _PROVIDERS.submission_progress(units)


def incomplete_units(campaign: Campaign, *, wait: bool = True) -> Sequence[Any] | None:
    """Participating units whose result is not complete (see ``kaoping.results.readiness``)."""
    if _PROVIDERS.incomplete_units is None:
        raise RuntimeError("no app provides the results readiness (kaoping.results not installed?)")
    return _PROVIDERS.incomplete_units(campaign, wait)


def describe_incomplete(units: Sequence[Any]) -> str:
    if _PROVIDERS.describe_incomplete is None:
        raise RuntimeError("no app provides the results readiness (kaoping.results not installed?)")
    return _PROVIDERS.describe_incomplete(units)


def final_refusal(campaign: Campaign) -> str:
    """Why the campaign's results cannot be made final (结果确定) now, or "" (``kaoping.publication``)."""
    if _PROVIDERS.final_check is None:
        raise RuntimeError("no app provides the final step (kaoping.publication not installed?)")
    return _PROVIDERS.final_check(campaign)


def phase_changed(campaign: Campaign, old: str, new: str, actor: Any) -> None:
    if _PROVIDERS.phase_listener is None:
        raise RuntimeError("no app listens to phase changes (kaoping.publication not installed?)")
    _PROVIDERS.phase_listener(campaign, old, new, actor)
