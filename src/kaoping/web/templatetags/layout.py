"""Breadcrumbs for the management layout (docs/web.md, "Layout").

A page fills ``{% block breadcrumbs %}`` of base.html with one trail::

    {% block breadcrumbs %}{% breadcrumbs %}
      {% crumb _("考核活动") "campaigns:list" %}
      {% crumb campaign.name "campaigns:detail" campaign.pk %}
      {% crumb _("参评单位") %}
    {% endbreadcrumbs %}{% endblock %}

A crumb with a URL name links there; the last crumb, without one, is the page itself and carries
``aria-current="page"``. The tags are template builtins (settings ``TEMPLATES`` → ``builtins``), so
a page needs no ``{% load %}`` for them.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_block_tag
def breadcrumbs(content: str) -> SafeString:
    """The trail as an ordered list inside ``<nav aria-label="面包屑">``."""
    return format_html('<nav aria-label="{}" class="breadcrumbs"><ol>{}</ol></nav>', _("面包屑"), content)


@register.simple_tag
def crumb(label: object, url_name: str = "", *args: object) -> SafeString:
    """One step of the trail: a link to ``url_name`` (with ``args``), or the current page without one."""
    if not url_name:
        return format_html('<li><span aria-current="page">{}</span></li>', label)
    return format_html('<li><a href="{}">{}</a></li>', reverse(url_name, args=args), label)
