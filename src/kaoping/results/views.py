"""Standings while the campaign runs, and every number opened to the engine's explanation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kaoping import listing
from kaoping.assessments import selectors as assess
from kaoping.campaigns.access import campaign_for
from kaoping.engine.explain import explain_unit
from kaoping.engine.results import ItemResult
from kaoping.results import selectors, services
from kaoping.results.services import unit_key


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
    if request.GET.get("poll"):
        return _poll_answer(services.standings_ready(campaign))
    scheme = assess.scheme_for(campaign)
    shown = services.standings(campaign)
    if shown.units is None:
        return _computing(request, campaign, poll_url)
    units: tuple[Any, ...] = shown.units
    visible = {unit_key(pk) for pk in assess.visible_units(request.user, access).values_list("pk", flat=True)}
    categories = [c for c in scheme.categories if any(u.category == c.id and u.unit_id in visible for u in units)]
    if not categories:
        categories = list(scheme.categories[:1])
    chosen = next((c for c in categories if c.id == request.GET.get("category")), categories[0] if categories else None)
    rows: list[Any] = []
    components: list[Any] = []
    q = listing.search_term(request)
    sort = listing.sort_option(request, STANDINGS_SORTS)
    in_category = 0
    if chosen is not None:
        rows = [u for u in units if u.category == chosen.id and u.unit_id in visible]
        in_category = len(rows)
        components = [scheme.component(cid) for cid in chosen.components]
        if q:
            rows = [u for u in rows if q.casefold() in str(u.name).casefold()]
        rows = _sorted(rows, sort.key)
    page = listing.paginate(rows, request, PAGE_SIZE)
    return render(
        request,
        "results/standings.html",
        {
            "campaign": campaign,
            "categories": categories,
            "category": chosen,
            "components": components,
            "rows": _rows(list(page.object_list), components),
            "page": page,
            "q": q,
            "sort": sort,
            "sorts": STANDINGS_SORTS,
            "in_category": in_category,
            "flags": shown.flags,
            "published": campaign.results_published,
            "stale": shown.stale,
            "computed_at": shown.computed_at,
            "status_url": poll_url,
        },
    )


def _computing(request: HttpRequest, campaign: Any, poll_url: str) -> HttpResponse:
    """Nothing to show yet: a page that says so and reloads itself when the result is ready
    (it polls ``poll_url``, the page's own URL with ``?poll=1``: the same view, the same access)."""
    if request.headers.get("HX-Request"):
        # a fragment (the explanation panel) asks for itself again until it gets the explanation
        context = {"campaign": campaign, "poll_url": request.get_full_path(), "swap": "outerHTML"}
        return render(request, "results/_computing.html", context)
    context = {"campaign": campaign, "poll_url": poll_url, "swap": "none"}
    return render(request, "results/computing.html", context)


def _poll_answer(ready: bool) -> HttpResponse:
    """The answer to a page's polling (``?poll=1``): 204 while computing; once current numbers
    can be shown, ``HX-Refresh`` makes htmx reload the page."""
    if not ready:
        return HttpResponse(status=204)
    response = HttpResponse(status=200)
    response["HX-Refresh"] = "true"
    return response


PAGE_SIZE = 100

# The standings are the engine's computed result (one in-memory tuple per campaign, see
# results.services), not table rows: search and sort work on that tuple, then one page is shown.
STANDINGS_SORTS = (
    listing.SortOption("rank", gettext_lazy("按名次")),
    listing.SortOption("total", gettext_lazy("按总分(高→低)")),
    listing.SortOption("name", gettext_lazy("按单位名称")),
)
_LAST = Decimal("-Infinity")


def _sorted(units: list[Any], key: str) -> list[Any]:
    """Units in the chosen order; an unranked unit or a missing total goes last, ties by name."""
    if key == "total":
        return sorted(units, key=lambda u: (-(u.total if u.total is not None else _LAST), str(u.name)))
    if key == "name":
        return sorted(units, key=lambda u: str(u.name))
    return sorted(units, key=lambda u: (u.rank is None, u.rank or 0, str(u.name)))


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
    campaign_result = services.result_or_start(campaign)
    if request.GET.get("poll"):
        return _poll_answer(campaign_result is not None)
    if campaign_result is None:
        url = f"{reverse('results:unit_result', args=[campaign.pk, unit.pk])}?poll=1"
        return _computing(request, campaign, url)
    result = selectors.unit_result(campaign_result, unit)
    return render(
        request,
        "results/unit_result.html",
        {"campaign": campaign, "unit": unit, "result": result, "full_text": explain_unit(result)},
    )


@login_required
@require_GET
def explain(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    """The engine's explanation for one number: the total, a component, or an item (htmx fragment)."""
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.result_unit(request.user, access, unit_id)
    campaign_result = services.result_or_start(campaign)
    if campaign_result is None:
        return _computing(request, campaign, f"{reverse('results:unit_result', args=[campaign.pk, unit.pk])}?poll=1")
    result = selectors.unit_result(campaign_result, unit)
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
    score = "缺失" if item.score is None else format(item.score.normalize(), "f")
    line = f"{'  ' * depth}{item.item_id} {item.name}:{score}/{format(item.max.normalize(), 'f')}"
    if item.explanation:
        line += f"({item.explanation})"
    return "\n".join([line, *(_item_text(child, depth + 1) for child in item.children)])
