"""整改台账 downloads: Excel (filed as bureaus file tables) and Word. Anyone in the campaign may
download the ledger of what they may see; ``?unit=`` gives one unit's ledger."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from kaoping.campaigns.access import campaign_for
from kaoping.formats.rectification_xlsx import ProblemRow, RateRow
from kaoping.rectification import selectors
from kaoping.rectification.models import Problem
from kaoping.rectification.selectors import Ledger, Tally

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _book(request: HttpRequest, campaign_id: int) -> tuple[str, str, Ledger, list[ProblemRow]]:
    campaign, access = campaign_for(request.user, campaign_id)
    raw = request.GET.get("unit", "")
    unit = selectors.unit_of(access, raw) if raw else None
    units = [unit] if unit else selectors.visible_units(access)
    problems = selectors.visible_problems(access, unit)
    book = selectors.ledger(problems, units)
    title = campaign.name + (f"({unit.organization.name})" if unit else "")
    today = timezone.localdate()
    subtitle = f"{campaign.owner.name}    制表日期:{today.year}年{today.month}月{today.day}日"
    return title, subtitle, book, [_row(p) for p in problems]


def _row(problem: Problem) -> ProblemRow:
    reports = list(problem.reports.all())
    checks = list(problem.rechecks.all())
    latest = reports[-1] if reports else None
    check = checks[-1] if checks else None
    return ProblemRow(
        unit=problem.unit.organization.name,
        number=problem.number,
        source=str(problem.get_source_display()),
        item=problem.item_name or problem.item_id,
        points_lost=problem.points_lost,
        description=problem.description,
        responsible=" ".join(x for x in (problem.responsible_unit, problem.responsible_person) if x),
        measures=problem.measures,
        deadline=problem.deadline.isoformat(),
        state=selectors.status_label(problem),
        progress=f"{timezone.localtime(latest.reported_at):%Y-%m-%d} {latest.text}" if latest else "",
        recheck=f"{'销号' if check.closed else '重新整改'}:{check.opinion}" if check else "",
    )


def _rates(tallies: list[Tally]) -> list[RateRow]:
    return [RateRow(t.label, t.total, t.fixed, t.open, t.overdue, t.rate) for t in tallies]


def _response(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def ledger_xlsx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    from kaoping.formats import filing_xlsx, rectification_xlsx

    title, subtitle, book, rows = _book(request, campaign_id)
    today = timezone.localdate()
    heading = filing_xlsx.Heading(
        campaign=title, bureau=subtitle.split("    ")[0], date=f"{today.year}年{today.month}月{today.day}日", version=""
    )
    content = rectification_xlsx.ledger_workbook(heading, title, rows, _rates(book.by_unit), _rates(book.by_item))
    return _response(content, XLSX, f"{title}问题整改台账.xlsx")


@login_required
@require_GET
def ledger_docx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    from kaoping.rectification.word import ledger_docx as to_docx

    title, subtitle, book, rows = _book(request, campaign_id)
    content = to_docx(title, subtitle, rows, _rates(book.by_unit), _rates(book.by_item))
    return _response(content, DOCX, f"{title}问题整改台账.docx")
