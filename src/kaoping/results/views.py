"""Standings while the campaign runs, and every number opened to the engine's explanation.

Every page reads the stored result (results.models); none computes. When the data changed since
it was stored, the page says so, shows the recompute's progress and reloads when it is current.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kaoping import listing
from kaoping.assessments import selectors as assess
from kaoping.campaigns import readonly
from kaoping.campaigns.access import campaign_for
from kaoping.engine.explain import explain_unit
from kaoping.engine.numbers import fmt
from kaoping.engine.results import ItemResult
from kaoping.jobs.views import progress_context
from kaoping.results import figures, selectors, services
from kaoping.results.models import StoredUnitResult


@login_required
@require_GET
def standings(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not selectors.can_see_standings(access):
        own = [u for u in assess.visible_units(request.user, access) if access.can_read_as_unit(u.organization)]
        if campaign.results_published and own:
            return HttpResponseRedirect(reverse("results:unit_result", args=[campaign.pk, own[0].pk]))
        raise Http404
    poll_url = f"{reverse('results:standings', args=[campaign.pk])}?poll=1"
    shown = services.standings(campaign)
    if request.GET.get("poll"):
        return _poll_answer(request, campaign, shown, poll_url)
    if shown.stored is None:
        return _computing(request, campaign, shown, poll_url)
    scheme = assess.scheme_for(campaign)
    visible = selectors.visible_stored_units(request.user, access)
    categories, chosen = category_choice(request, scheme, visible)
    q = listing.search_term(request)
    sort = listing.sort_option(request, STANDINGS_SORTS)
    order = _ORDER[sort.key]
    rows: QuerySet[StoredUnitResult] = visible.none()
    components: list[Any] = []
    in_category = 0
    if chosen is not None:
        in_category_rows = visible.filter(category=chosen.id)
        in_category = in_category_rows.count()
        components = [scheme.component(cid) for cid in chosen.components]
        rows = in_category_rows.filter(name__icontains=q) if q else in_category_rows
        rows = rows.order_by(*order)
    page = listing.paginate(rows.only("pk"), request, PAGE_SIZE, count=None if q else in_category)
    ordered = services.listed_units(visible.filter(pk__in=[row.pk for row in page.object_list]).order_by(*order))
    return render(
        request,
        "results/standings.html",
        {
            "campaign": campaign,
            "categories": categories,
            "category": chosen,
            "components": components,
            "rows": _rows(ordered, components),
            "page": page,
            "q": q,
            "sort": sort,
            "sorts": STANDINGS_SORTS,
            "in_category": in_category,
            "flags": shown.flags,
            "published": campaign.results_published,
            **_recompute_context(campaign, shown, poll_url),
        },
    )


def category_choice(request: HttpRequest, scheme: Any, visible: QuerySet[StoredUnitResult]) -> tuple[list[Any], Any]:
    """The scheme's categories that have visible units, and the one asked for (``?category=``) or the first."""
    # one indexed probe per category rather than DISTINCT over every stored row (a recompute leaves
    # the old rows dead until vacuum: at 20,000 units that scan took 100–170 ms)
    categories = [c for c in scheme.categories if visible.filter(category=c.id).exists()] or list(scheme.categories[:1])
    chosen = next((c for c in categories if c.id == request.GET.get("category")), categories[0] if categories else None)
    return categories, chosen


def _recompute_context(campaign: Any, shown: services.Standings, poll_url: str) -> dict[str, Any]:
    """What results/_recompute.html needs: the stored result's time and the job bringing it up to date."""
    context: dict[str, Any] = {
        "campaign": campaign,
        "stale": shown.stale,
        "computed_at": shown.stored.computed_at if shown.stored is not None else None,
        "status_url": poll_url,
    }
    if shown.job is not None:
        retry_url = reverse("results:recompute", args=[campaign.pk])
        context.update(progress_context(shown.job, poll_url=poll_url, retry_url=retry_url))
    return context


def _computing(request: HttpRequest, campaign: Any, shown: services.Standings, poll_url: str) -> HttpResponse:
    """Nothing stored yet: a page that says so, shows the progress and reloads when it is ready
    (it polls ``poll_url``, the page's own URL with ``?poll=1``: the same view, the same access)."""
    if request.headers.get("HX-Request"):
        # a fragment (the explanation panel) asks for itself again until it gets the explanation
        context = {"campaign": campaign, "poll_url": request.get_full_path(), "swap": "outerHTML"}
        return render(request, "results/_computing.html", context)
    return render(request, "results/computing.html", _recompute_context(campaign, shown, poll_url))


def _poll_answer(request: HttpRequest, campaign: Any, shown: services.Standings, poll_url: str) -> HttpResponse:
    """The answer to a page's polling (``?poll=1``): the recompute's progress while it runs; once
    current numbers are stored, ``HX-Refresh`` makes htmx reload the page."""
    if shown.current:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "results/_recompute.html", _recompute_context(campaign, shown, poll_url))


@login_required
@require_POST
def recompute(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Start the recompute again (after a failure); anyone who may see the standings may ask."""
    campaign, access = campaign_for(request.user, campaign_id)
    if not selectors.can_see_standings(access):
        raise Http404
    if readonly.is_archived(campaign):  # its data cannot change, so neither can its result
        messages.error(request, readonly.archived_message())
    else:
        services.request_recompute(campaign, request.user)
    return HttpResponseRedirect(reverse("results:standings", args=[campaign.pk]))


PAGE_SIZE = 100

STANDINGS_SORTS = (
    listing.SortOption("rank", gettext_lazy("按名次")),
    listing.SortOption("total", gettext_lazy("按总分(高→低)")),
    listing.SortOption("name", gettext_lazy("按单位名称")),
)
# An unranked unit or a missing total goes last, ties by name.
_ORDER: dict[str, tuple[Any, ...]] = {
    "rank": (F("rank").asc(nulls_last=True), "name", "pk"),
    "total": (F("total").desc(nulls_last=True), "name", "pk"),
    "name": ("name", "pk"),
}


def _flag_summary(flags: Any) -> list[dict[str, Any]]:
    """One entry per kind of flag: "缺 54 项数据" instead of 54 badges (every message is on the
    unit's result page, where the link goes)."""
    summary: dict[str, dict[str, Any]] = {}
    for flag in flags:
        entry = summary.setdefault(str(flag.code), {"code": str(flag.code), "count": 0, "message": flag.message})
        entry["count"] += 1
    return list(summary.values())


def _rows(units: list[Any], components: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for unit in units:
        by_id = {c.component_id: c for c in unit.components}
        rows.append(
            {
                "unit": unit,
                "pk": unit.unit_id,
                "components": [by_id.get(c.id) for c in components],
                "flags": _flag_summary(unit.flags),
            }
        )
    return rows


@login_required
@require_GET
def unit_result(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.result_unit(request.user, access, unit_id)
    poll_url = f"{reverse('results:unit_result', args=[campaign.pk, unit.pk])}?poll=1"
    shown = services.standings(campaign)
    if request.GET.get("poll"):
        return _poll_answer(request, campaign, shown, poll_url)
    result = services.stored_unit_result(unit)
    if result is None:
        return _computing(request, campaign, shown, poll_url)
    context = {"unit": unit, "result": result, "full_text": explain_unit(result)}
    context["figures"] = figures.unit_figures(request.user, campaign, unit, result)
    return render(request, "results/unit_result.html", {**context, **_recompute_context(campaign, shown, poll_url)})


@login_required
@require_GET
def explain(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    """The engine's explanation for one number: the total, a component, or an item (htmx fragment)."""
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.result_unit(request.user, access, unit_id)
    result = services.stored_unit_result(unit)
    if result is None:
        poll_url = f"{reverse('results:unit_result', args=[campaign.pk, unit.pk])}?poll=1"
        return _computing(request, campaign, services.standings(campaign), poll_url)
    component_id = request.GET.get("component", "")
    item_id = request.GET.get("item", "")
    context: dict[str, Any] = {"campaign": campaign, "unit": unit, "result": result}
    if not component_id:
        context.update(title=str(result.name), text=explain_unit(result))
    else:
        component = selectors.find_component(result, component_id)
        if item_id:
            item = selectors.find_item(component.items, item_id)
            context.update(title=f"{item.item_id} {item.name}", text=_item_text(item), item=item, component=component)
        else:
            context.update(title=component.name, text=component.explanation, component=component)
    template = "results/_explain.html" if request.headers.get("HX-Request") else "results/explain.html"
    return render(request, template, context)


def _item_text(item: ItemResult, depth: int = 0) -> str:
    score = "缺失" if item.score is None else fmt(item.score)
    line = f"{'  ' * depth}{item.item_id} {item.name}:{score}/{fmt(item.max)}"
    if item.explanation:
        line += f"({item.explanation})"
    return "\n".join([line, *(_item_text(child, depth + 1) for child in item.children)])
