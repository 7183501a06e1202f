"""``{{ events|audit_lines }}``: audit events as Chinese rows (kaoping.web.audit_describe) in a template."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from kaoping.audit.models import AuditEvent
from kaoping.web.audit_describe import Line, describe

register = template.Library()


@register.filter
def audit_lines(events: Iterable[AuditEvent]) -> list[Line]:
    return describe(events)
