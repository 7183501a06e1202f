"""Shared fixtures. Engine and format tests need no database; web tests use pytest-django.

The persona cast (healthchecks-style): every web test builds on the same small world, so a role ×
object matrix reads the same everywhere. All cast fixtures need the database (they use ``db``).

Organizations (``Organization``)::

    province        江西省教育厅 (province)
    └─ city         南昌市教育局 (city)            ← owns ``campaign``; departments dept_x, dept_y
       ├─ county_a  东湖区教育局 (county)
       │  └─ school_a  东湖第一中学 (school)
       └─ county_b  西湖区教育局 (county)
          └─ school_b  西湖第二中学 (school)
    └─ other_bureau 九江市教育局 (city)            ← owns ``other_campaign``
       └─ other_school 九江第一中学 (school)

Unit categories of ``city``: ``county_category`` (code "county"), ``school_category`` (code "school").
Departments of ``city``: ``dept_x`` 基础教育处, ``dept_y`` 督导室; of ``county_a``: ``county_dept``.

Users (password ``PASSWORD``) and their one membership each. The first ten are the original cast;
the rest place every role at every level where it can exist (province, city, county, school), so
the access matrix covers a role above, at and below the campaign's owner:

    organizer           organizer of city
    other_organizer     organizer of other_bureau (must see nothing of city)
    scorer_x            department scorer, city / dept_x
    scorer_y            department scorer, city / dept_y
    reviewer            reviewer (督学) at city: reviews every unit beneath city
    reporter_a          reporter of school_a
    reporter_b          reporter of school_b
    leader              leader of city (reads, changes nothing)
    admin_user          administrator of city (same rights as the organizer for city's campaigns)
    anonymous           ``AnonymousUser()``

    leader_school_a     leader at school_a: reads school_a's own data as its reporter does, writes nothing
    leader_county_a     leader at county_a (a participating unit): the same for county_a only
    leader_province     leader at province: no role in city's campaign
    reviewer_county_a   reviewer at county_a: reviews county_a and school_a, not county_b/school_b
    reviewer_province   reviewer at province: reviews only campaigns of the province itself
    reporter_county_a   reporter of county_a (a participating unit, still a draft in the matrix)
    scorer_county_a     department scorer of county_a / county_dept: no role in city's campaign
    organizer_county_a  organizer of county_a: manages county_a and school_a, not city's campaign
    organizer_province  organizer of province: manages the whole tree, owns none of its campaigns

Campaigns:

    campaign         owned by city, phase draft, scheme ``SMALL_SCHEME`` (version 1); participants
                     county_a, county_b (category "county") and school_a, school_b (category "school").
                     ``campaign_units`` maps "county_a" … "school_b" to their CampaignUnit.
    other_campaign   owned by other_bureau, participant other_school.

Helpers: ``small_scheme`` (a deep copy of ``SMALL_SCHEME``, scheme-file data),
``personas`` (name → user, ``anonymous`` included), ``client_for(user)`` → a logged-in
``django.test.Client`` (anonymous → a fresh client), ``cast`` (everything above as one object).
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "kaoping-test-pass-1"

SMALL_SCHEME: dict[str, Any] = {
    "scheme": {"id": "small-2024", "name": "小型测试方案", "year": 2024, "organizer": "南昌市教育局"},
    "not_applicable": "full_points",
    "score_basis": ["confirmed", "reviewed", "self"],
    "categories": [
        {"id": "county", "name": "县(区)教育行政部门", "components": ["work"]},
        {"id": "school", "name": "学校", "components": ["work"]},
    ],
    "components": [
        {
            "id": "work",
            "name": "重点工作考核",
            "points": 10,
            "method": "indicators",
            "indicators": [
                {
                    "id": "1",
                    "name": "党建与德育",
                    "points": 6,
                    "children": [
                        {
                            "id": "1.1",
                            "name": "党组织建设",
                            "points": 3,
                            "departments": [{"department": "基础教育处"}],
                            "evidence": {"required": True, "description": "会议纪要"},
                            "rule": {"kind": "manual"},
                        },
                        {
                            "id": "1.2",
                            "name": "德育工作",
                            "points": 3,
                            "departments": [{"department": "督导室"}],
                            "rule": {"kind": "manual"},
                        },
                    ],
                },
                {
                    "id": "2",
                    "name": "安全管理",
                    "points": 4,
                    "departments": [
                        {"department": "基础教育处", "points": 2},
                        {"department": "督导室", "points": 2},
                    ],
                    "rule": {"kind": "manual"},
                },
            ],
        }
    ],
    "grading": {
        "bands": [{"name": "优秀", "min_percent": 90}, {"name": "合格", "min_percent": 60}, {"name": "不合格"}]
    },
}


@dataclass
class Cast:
    province: Any
    city: Any
    county_a: Any
    county_b: Any
    school_a: Any
    school_b: Any
    other_bureau: Any
    other_school: Any
    county_category: Any
    school_category: Any
    dept_x: Any
    dept_y: Any
    county_dept: Any
    users: dict[str, Any]
    campaign: Any
    campaign_units: dict[str, Any]
    other_campaign: Any


@functools.cache
def _cheap_hash() -> str:
    """PASSWORD hashed with few PBKDF2 rounds: the default 1.2 million cost a second per user."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    return PBKDF2PasswordHasher().encode(PASSWORD, "kaopingtestsalt", iterations=1000)


def _build_cast() -> Cast:
    from django.contrib.auth.models import AnonymousUser

    from kaoping.campaigns.models import Campaign, CampaignUnit, SchemeVersion
    from kaoping.orgs.models import Department, Membership, Organization, OrgKind, Role, UnitCategory, User

    def org(name: str, code: str, kind: str, parent: Any = None) -> Organization:
        return Organization.objects.create(name=name, code=code, kind=kind, parent=parent)

    province = org("江西省教育厅", "jx", OrgKind.PROVINCE)
    city = org("南昌市教育局", "nc", OrgKind.CITY, province)
    county_category = UnitCategory.objects.create(owner=city, code="county", name="县(区)教育行政部门")
    school_category = UnitCategory.objects.create(owner=city, code="school", name="学校")
    county_a = org("东湖区教育局", "nc-dh", OrgKind.COUNTY, city)
    county_b = org("西湖区教育局", "nc-xh", OrgKind.COUNTY, city)
    school_a = org("东湖第一中学", "nc-dh-1", OrgKind.SCHOOL, county_a)
    school_b = org("西湖第二中学", "nc-xh-2", OrgKind.SCHOOL, county_b)
    for unit in (county_a, county_b):
        unit.category = county_category
        unit.save()
    for unit in (school_a, school_b):
        unit.category = school_category
        unit.save()
    other_bureau = org("九江市教育局", "jj", OrgKind.CITY, province)
    other_school = org("九江第一中学", "jj-1", OrgKind.SCHOOL, other_bureau)
    dept_x = Department.objects.create(bureau=city, name="基础教育处")
    dept_y = Department.objects.create(bureau=city, name="督导室")
    county_dept = Department.objects.create(bureau=county_a, name="东湖区基础教育处")

    def user(username: str, display: str, role: str, at: Organization, department: Any = None) -> User:
        u = User.objects.create(username=username, password=_cheap_hash(), display_name=display)
        Membership.objects.create(user=u, organization=at, role=role, department=department)
        return u

    users: dict[str, Any] = {
        "organizer": user("organizer", "王组织", Role.ORGANIZER, city),
        "other_organizer": user("other_organizer", "赵外局", Role.ORGANIZER, other_bureau),
        "scorer_x": user("scorer_x", "钱基教", Role.DEPARTMENT_SCORER, city, dept_x),
        "scorer_y": user("scorer_y", "孙督导", Role.DEPARTMENT_SCORER, city, dept_y),
        "reviewer": user("reviewer", "李督学", Role.REVIEWER, city),
        "reporter_a": user("reporter_a", "周东湖", Role.REPORTER, school_a),
        "reporter_b": user("reporter_b", "吴西湖", Role.REPORTER, school_b),
        "leader": user("leader", "郑局长", Role.LEADER, city),
        "admin_user": user("admin_user", "冯管理", Role.ADMIN, city),
        "anonymous": AnonymousUser(),
        # every role at every level where it can exist (see the docstring)
        "leader_school_a": user("leader_school_a", "陈校长", Role.LEADER, school_a),
        "leader_county_a": user("leader_county_a", "褚区长", Role.LEADER, county_a),
        "leader_province": user("leader_province", "卫厅长", Role.LEADER, province),
        "reviewer_county_a": user("reviewer_county_a", "蒋区督学", Role.REVIEWER, county_a),
        "reviewer_province": user("reviewer_province", "沈省督学", Role.REVIEWER, province),
        "reporter_county_a": user("reporter_county_a", "韩区填报", Role.REPORTER, county_a),
        "scorer_county_a": user("scorer_county_a", "杨区处室", Role.DEPARTMENT_SCORER, county_a, county_dept),
        "organizer_county_a": user("organizer_county_a", "朱区考核办", Role.ORGANIZER, county_a),
        "organizer_province": user("organizer_province", "秦省考核办", Role.ORGANIZER, province),
    }
    campaign = Campaign.objects.create(owner=city, name="2024年度学校考核", year=2024, created_by=users["organizer"])
    SchemeVersion.objects.create(
        campaign=campaign, number=1, data=copy.deepcopy(SMALL_SCHEME), source_name="small.yaml"
    )
    campaign_units = {
        "county_a": CampaignUnit.objects.create(campaign=campaign, organization=county_a, category="county"),
        "county_b": CampaignUnit.objects.create(campaign=campaign, organization=county_b, category="county"),
        "school_a": CampaignUnit.objects.create(campaign=campaign, organization=school_a, category="school"),
        "school_b": CampaignUnit.objects.create(campaign=campaign, organization=school_b, category="school"),
    }
    other_campaign = Campaign.objects.create(owner=other_bureau, name="九江2024考核", year=2024)
    SchemeVersion.objects.create(campaign=other_campaign, number=1, data=copy.deepcopy(SMALL_SCHEME))
    CampaignUnit.objects.create(campaign=other_campaign, organization=other_school, category="school")
    return Cast(
        province=province,
        city=city,
        county_a=county_a,
        county_b=county_b,
        school_a=school_a,
        school_b=school_b,
        other_bureau=other_bureau,
        other_school=other_school,
        county_category=county_category,
        school_category=school_category,
        dept_x=dept_x,
        dept_y=dept_y,
        county_dept=county_dept,
        users=users,
        campaign=campaign,
        campaign_units=campaign_units,
        other_campaign=other_campaign,
    )


@pytest.fixture
def cast(db: Any) -> Cast:
    return _build_cast()


@pytest.fixture
def small_scheme() -> dict[str, Any]:
    """A fresh copy of SMALL_SCHEME (scheme-file data) to modify freely."""
    return copy.deepcopy(SMALL_SCHEME)


@pytest.fixture
def personas(cast: Cast) -> dict[str, Any]:
    return cast.users


@pytest.fixture
def client_for(db: Any) -> Callable[[Any], Any]:
    from django.test import Client

    def make(user: Any) -> Client:
        client = Client()
        if getattr(user, "is_authenticated", False):
            client.force_login(user)
        return client

    return make


# One fixture per cast member, so tests can ask for exactly what they use.
@pytest.fixture
def province(cast: Cast) -> Any:
    return cast.province


@pytest.fixture
def city(cast: Cast) -> Any:
    return cast.city


@pytest.fixture
def county_a(cast: Cast) -> Any:
    return cast.county_a


@pytest.fixture
def county_b(cast: Cast) -> Any:
    return cast.county_b


@pytest.fixture
def school_a(cast: Cast) -> Any:
    return cast.school_a


@pytest.fixture
def school_b(cast: Cast) -> Any:
    return cast.school_b


@pytest.fixture
def other_bureau(cast: Cast) -> Any:
    return cast.other_bureau


@pytest.fixture
def other_school(cast: Cast) -> Any:
    return cast.other_school


@pytest.fixture
def county_category(cast: Cast) -> Any:
    return cast.county_category


@pytest.fixture
def school_category(cast: Cast) -> Any:
    return cast.school_category


@pytest.fixture
def dept_x(cast: Cast) -> Any:
    return cast.dept_x


@pytest.fixture
def dept_y(cast: Cast) -> Any:
    return cast.dept_y


@pytest.fixture
def county_dept(cast: Cast) -> Any:
    return cast.county_dept


@pytest.fixture
def organizer(cast: Cast) -> Any:
    return cast.users["organizer"]


@pytest.fixture
def other_organizer(cast: Cast) -> Any:
    return cast.users["other_organizer"]


@pytest.fixture
def scorer_x(cast: Cast) -> Any:
    return cast.users["scorer_x"]


@pytest.fixture
def scorer_y(cast: Cast) -> Any:
    return cast.users["scorer_y"]


@pytest.fixture
def reviewer(cast: Cast) -> Any:
    return cast.users["reviewer"]


@pytest.fixture
def reporter_a(cast: Cast) -> Any:
    return cast.users["reporter_a"]


@pytest.fixture
def reporter_b(cast: Cast) -> Any:
    return cast.users["reporter_b"]


@pytest.fixture
def leader(cast: Cast) -> Any:
    return cast.users["leader"]


@pytest.fixture
def admin_user(cast: Cast) -> Any:
    return cast.users["admin_user"]


@pytest.fixture
def anonymous(cast: Cast) -> Any:
    return cast.users["anonymous"]


@pytest.fixture
def leader_school_a(cast: Cast) -> Any:
    return cast.users["leader_school_a"]


@pytest.fixture
def leader_county_a(cast: Cast) -> Any:
    return cast.users["leader_county_a"]


@pytest.fixture
def reviewer_county_a(cast: Cast) -> Any:
    return cast.users["reviewer_county_a"]


@pytest.fixture
def reporter_county_a(cast: Cast) -> Any:
    return cast.users["reporter_county_a"]


@pytest.fixture
def campaign(cast: Cast) -> Any:
    return cast.campaign


@pytest.fixture
def campaign_units(cast: Cast) -> dict[str, Any]:
    return cast.campaign_units


@pytest.fixture
def other_campaign(cast: Cast) -> Any:
    return cast.other_campaign


def pytest_configure(config: Any) -> None:
    """Background tasks run inline in tests: a recompute asked for is done when the call returns.
    The worker's own path (django_tasks_db and db_worker) is tested in tests/results/test_worker.py."""
    from django.conf import settings

    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
        # tests that need a task to wait for a worker use this one (results' ``queued_only`` fixture)
        "queue_only": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"},
        # the production backend, run by ``db_worker`` (tests/results/test_worker.py)
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Django drops this process's SQLite test database; its ballot writers' lock file goes too."""
    from django.conf import settings

    for lock in settings.VAR_DIR.glob(f"test-{os.getpid()}.sqlite3*.ballot-lock"):
        lock.unlink(missing_ok=True)


# --- Accessibility: axe-core (npm, node_modules/axe-core) run inside a Playwright page ----------------

AXE_SCRIPT = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page as it is now, one line each.

    The script goes in through ``evaluate`` (the DevTools protocol), which the page's CSP does not
    govern, so the check needs no change to the page's own security headers."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make install` (npm ci installs axe-core)")
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.help} — `"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))",
        AXE_TAGS,
    )
    return list(found)


@pytest.fixture
def axe() -> Callable[[Any], None]:
    """``axe(page)`` fails the test with axe-core's findings when the page has any WCAG A/AA violation."""

    def check(page: Any) -> None:
        violations = axe_violations(page)
        assert not violations, f"axe-core: {page.url}\n" + "\n".join(violations)

    return check
