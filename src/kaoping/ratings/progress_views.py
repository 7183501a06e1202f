"""The live-rating progress board (测评进度大屏): a page for the room's big screen, without the
site menu, showing per unit how many ballots came in of how many are expected, as a chart and as a
table with the same numbers. htmx asks for the fragment again every two seconds while the session
is open. Only counts: no grade and no score (those are on the room board once a unit closes)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kaoping.engine.numbers import fmt
from kaoping.ratings import selectors
from kaoping.ratings.models import SessionStatus

POLL_SECONDS = 2


def progress_state(state: dict[str, Any]) -> dict[str, Any]:
    """Rows and chart data from ``selectors.board_state``: received / expected per unit."""
    rows = []
    for unit in state["units"]:
        received = sum(c["received"] for c in unit["counts"])
        due = sum(c["due"] for c in unit["counts"])
        share = None
        if due:
            share = fmt((Decimal(received) * 100 / due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        rows.append(
            {
                "position": unit["position"],
                "name": unit["name"],
                "status_label": unit["status_label"],
                "counts": unit["counts"],
                "received": received,
                "due": due,
                "share": share,
            }
        )
    chart = {
        "kind": "bar",
        "horizontal": True,
        "integer": True,
        "title": _("各单位已收票数 / 应收票数"),
        "labels": [f"{r['position']}. {r['name']}" for r in rows],
        "axis": _("票数"),
        "series": [
            {"name": _("已收"), "values": [r["received"] for r in rows]},
            {"name": _("应收"), "values": [r["due"] for r in rows]},
        ],
    }
    received_all = sum(r["received"] for r in rows)
    due_all = sum(r["due"] for r in rows)
    return {"rows": rows, "chart": chart, "received": received_all, "due": due_all}


@login_required
@never_cache
@require_GET
def progress(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.board_session(request.user, session_id)
    state = selectors.board_state(session)
    context = {
        "session": session,
        "state": state,
        "open": session.status == SessionStatus.OPEN,
        "poll_seconds": POLL_SECONDS,
        **progress_state(state),
    }
    template = "ratings/_progress.html" if request.GET.get("poll") else "ratings/progress.html"
    return render(request, template, context)
