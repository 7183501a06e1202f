"""Turning posted form data into service inputs (the services validate; this only reads)."""

from __future__ import annotations

from datetime import date

from django.http import QueryDict

from kaoping.assessments.services import AssessmentError, EntryInput, figure_names
from kaoping.engine.model import Indicator


def entry_input(post: QueryDict, item: Indicator) -> EntryInput:
    figures = {name: post.get(f"figure_{name}", "") for name, _label in figure_names(item)}
    triggered_raw = post.get("triggered", "")
    triggered = {"yes": True, "no": False}.get(triggered_raw)
    return EntryInput(
        self_score=post.get("self_score", ""),
        note=post.get("note", ""),
        figures=figures,
        not_applicable=post.get("not_applicable") in ("on", "1", "true"),
        level=post.get("level", ""),
        triggered=triggered,
    )


def posted_version(post: QueryDict) -> int:
    try:
        return max(int(post.get("version", "0")), 0)
    except ValueError:
        return -1  # never matches a stored version: treated as a conflict


def posted_date(text: str) -> date:
    from django.utils.translation import gettext as _

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AssessmentError(_("日期格式应为 2024-05-01")) from None
