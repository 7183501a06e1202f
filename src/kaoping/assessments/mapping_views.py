"""The organizer's 处室对应 page: the scheme's departments matched to the bureau's departments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kaoping.assessments import department_map
from kaoping.campaigns.access import campaign_for
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.orgs.models import Department

NONE = "none"


@login_required
def department_mapping(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """GET shows every scheme department with its match; POST stores the organizer's choices."""
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.organizer:
        raise Http404
    departments = department_map.bureau_departments(campaign)
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    archived = is_archived(campaign)
    if request.method == "POST":
        if archived:
            messages.error(request, archived_message())
            return HttpResponseRedirect(request.path)
        rows = department_map.department_map(campaign).rows
        by_pk = {str(d.pk): d for d in departments}
        choices: dict[str, Department | None] = {}
        for index, row in enumerate(rows):
            raw = request.POST.get(f"map_{index}")
            if raw is None:
                continue
            posted[row.scheme_name] = raw
            if raw == NONE or raw == "":
                choices[row.scheme_name] = None
            elif raw in by_pk:
                choices[row.scheme_name] = by_pk[raw]
            else:
                errors[row.scheme_name] = _("所选处室不存在,请刷新页面后重选")
        if not errors:
            try:
                changed = department_map.mapping_save(campaign=campaign, choices=choices, actor=request.user)
            except department_map.MappingError as exc:
                errors = exc.errors or {"": exc.message}
            else:
                if changed:
                    messages.success(request, _("处室对应已保存(%(n)d 项更改)") % {"n": changed})
                else:
                    messages.info(request, _("没有更改"))
                return HttpResponseRedirect(reverse("assessments:department_mapping", args=[campaign.pk]))
    mapping = department_map.department_map(campaign)
    table: list[dict[str, object]] = [
        {
            "index": index,
            "row": row,
            "selected": posted.get(row.scheme_name, str(row.department.pk) if row.department else NONE),
            "error": errors.get(row.scheme_name, ""),
        }
        for index, row in enumerate(mapping.rows)
    ]
    return render(
        request,
        "assessments/department_mapping.html",
        {
            "campaign": campaign,
            "rows": table,
            "departments": departments,
            "unmatched": mapping.unmatched,
            "errors": errors,
            "archived": archived,
            "none": NONE,
        },
        status=422 if errors else 200,
    )
