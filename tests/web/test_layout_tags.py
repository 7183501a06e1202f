"""The management layout's pieces without a browser: the marked menu section and the breadcrumb tags."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template

from kaoping.web.context import NavItem, active_item

ITEMS = [
    NavItem("首页", "/"),
    NavItem("考核活动", "/campaigns/", also=("/assess/", "/results/", "/rating/campaign/", "/audit/")),
    NavItem("单位", "/orgs/"),
    NavItem("用户", "/orgs/users/"),
]


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/", "首页"),
        ("/campaigns/", "考核活动"),
        ("/campaigns/3/units/", "考核活动"),
        ("/assess/3/review/unit/9/", "考核活动"),
        ("/results/3/unit/9/explain/", "考核活动"),
        ("/audit/campaign/3/", "考核活动"),
        ("/orgs/", "单位"),
        ("/orgs/categories/", "单位"),
        ("/orgs/users/", "用户"),  # the longest prefix wins over /orgs/
        ("/orgs/users/membership/4/password/", "用户"),
        ("/account/", None),  # the account link in the header marks itself
    ],
)
def test_the_section_of_a_page_is_its_longest_matching_prefix(path: str, section: str | None) -> None:
    found = active_item(ITEMS, path)
    assert (found.label if found else None) == section


def test_one_menu_item_is_marked_on_a_campaign_page(organizer: Any, client_for: Any, campaign: Any) -> None:
    html = client_for(organizer).get(f"/assess/{campaign.pk}/").content.decode()
    assert html.count('aria-current="page"') == 2  # the menu's 考核活动 and the last breadcrumb
    assert '<nav aria-label="面包屑" class="breadcrumbs">' in html


def test_breadcrumbs_link_each_step_and_mark_the_page_itself(db: Any) -> None:
    template = Template(
        '{% breadcrumbs %}{% crumb _("考核活动") "campaigns:list" %}{% crumb name "campaigns:detail" 7 %}'
        '{% crumb _("参评单位") %}{% endbreadcrumbs %}'
    )
    html = template.render(Context({"name": "<b>2024</b>"}))
    assert html == (
        '<nav aria-label="面包屑" class="breadcrumbs"><ol>'
        '<li><a href="/campaigns/">考核活动</a></li>'
        '<li><a href="/campaigns/7/">&lt;b&gt;2024&lt;/b&gt;</a></li>'
        '<li><span aria-current="page">参评单位</span></li></ol></nav>'
    )
