"""Benchmark: server time of the assessment and results pages with N units × 100 items.

    KAOPING_VAR_DIR=/tmp/kp-bench .venv/bin/python tests/results/bench_pages.py [units]

Builds a throw-away SQLite database under KAOPING_VAR_DIR (migrate + bulk inserts), then times
each page with Django's test client (server time only, no network). Not collected by pytest.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from decimal import Decimal
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.config.settings")
os.environ.setdefault("KAOPING_DEBUG", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ITEMS_PER_TOP = 10
TOPS = 10


def scheme_data() -> dict[str, Any]:
    tops = []
    for t in range(TOPS):
        children = [
            {
                "id": f"{t + 1}.{i + 1}",
                "name": f"指标{t + 1}.{i + 1}",
                "points": 1,
                "departments": [{"department": f"处室{t % 5}"}],
                "rule": {"kind": "manual"},
            }
            for i in range(ITEMS_PER_TOP)
        ]
        tops.append({"id": str(t + 1), "name": f"一级指标{t + 1}", "points": ITEMS_PER_TOP, "children": children})
    return {
        "scheme": {"id": "bench", "name": "基准方案", "year": 2024},
        "categories": [{"id": "school", "name": "学校", "components": ["work"]}],
        "components": [{"id": "work", "name": "量化考核", "points": 100, "method": "indicators", "indicators": tops}],
        "grading": {
            "bands": [{"name": "优秀", "min_percent": 90}, {"name": "合格", "min_percent": 60}, {"name": "不合格"}]
        },
    }


def build(units: int) -> dict[str, Any]:
    from kaoping.assessments.models import DepartmentScore, SelfAssessment, Submission
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
    from kaoping.orgs.models import Department, Membership, Organization, Role, User

    city = Organization.objects.create(name="基准市教育局", code="bench-city", kind="city")
    departments = [Department.objects.create(bureau=city, name=f"处室{i}") for i in range(5)]
    campaign = Campaign.objects.create(owner=city, name="基准考核", phase=Phase.REVIEW)
    SchemeVersion.objects.create(campaign=campaign, number=1, data=scheme_data())
    orgs = Organization.objects.bulk_create(
        [Organization(name=f"学校{n:04d}", code=f"bench-{n}", kind="school", parent=city) for n in range(units)]
    )
    for org in orgs:  # bulk_create skips save(), so set the materialised path here
        org.path = f"{city.path}{org.pk}/"
    Organization.objects.bulk_update(orgs, ["path"])
    cus = CampaignUnit.objects.bulk_create(
        [CampaignUnit(campaign=campaign, organization=o, category="school") for o in orgs]
    )
    Submission.objects.bulk_create([Submission(unit=cu, status="submitted") for cu in cus])
    item_ids = [f"{t + 1}.{i + 1}" for t in range(TOPS) for i in range(ITEMS_PER_TOP)]
    batch: list[SelfAssessment] = []
    for cu in cus:
        batch.extend(SelfAssessment(unit=cu, item_id=i, self_score=Decimal("0.9"), note="说明") for i in item_ids)
        if len(batch) > 20000:
            SelfAssessment.objects.bulk_create(batch)
            batch = []
    SelfAssessment.objects.bulk_create(batch)
    DepartmentScore.objects.bulk_create(
        [DepartmentScore(unit=cu, item_id="1.1", department=departments[0], score=Decimal("1")) for cu in cus]
    )
    organizer = User.objects.create_user(username="bench-org", password="x" * 12)
    Membership.objects.create(user=organizer, organization=city, role=Role.ORGANIZER)
    scorer = User.objects.create_user(username="bench-dept", password="x" * 12)
    Membership.objects.create(user=scorer, organization=city, role=Role.DEPARTMENT_SCORER, department=departments[0])
    reporter = User.objects.create_user(username="bench-rep", password="x" * 12)
    Membership.objects.create(user=reporter, organization=orgs[0], role=Role.REPORTER)
    return {"campaign": campaign, "unit": cus[0], "dept": departments[0], "users": (organizer, scorer, reporter)}


def existing() -> dict[str, Any]:
    """The world of a previous run (BENCH_REUSE=1), to time pages without rebuilding."""
    from kaoping.campaigns.models import Campaign
    from kaoping.orgs.models import Department, User

    campaign = Campaign.objects.get(name="基准考核")
    users = tuple(User.objects.get(username=name) for name in ("bench-org", "bench-dept", "bench-rep"))
    return {
        "campaign": campaign,
        "unit": campaign.participants.order_by("pk").first(),
        "dept": Department.objects.get(name="处室0"),
        "users": users,
    }


def timed(client: Client, url: str, runs: int = 5) -> tuple[float, float, int]:
    times = []
    status = 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
    return statistics.median(times), max(times), status


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    setup_test_environment()
    db = django.conf.settings.DATABASES["default"]["NAME"]
    if os.environ.get("BENCH_REUSE") and os.path.exists(db):
        call_command("migrate", verbosity=0)
        world = existing()
    else:
        if os.path.exists(db):
            os.remove(db)
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        world = build(units)
        print(f"built {units} units × {TOPS * ITEMS_PER_TOP} items in {time.perf_counter() - start:.1f}s")
    from kaoping.results.services import compute_campaign_result

    campaign, unit, dept = world["campaign"], world["unit"], world["dept"]
    start = time.perf_counter()
    compute_campaign_result(campaign)
    print(f"compute_campaign_result (uncached, fills the cache): {(time.perf_counter() - start) * 1000:.0f} ms")
    organizer, scorer, reporter = world["users"]
    clients = {}
    for name, user in (("organizer", organizer), ("scorer", scorer), ("reporter", reporter)):
        clients[name] = Client()
        clients[name].force_login(user)
    c = campaign.pk
    pages = [
        ("organizer", f"/results/{c}/", "standings page (cached result)"),
        ("organizer", f"/results/{c}/?page=20", "standings page 20"),
        ("organizer", f"/results/{c}/unit/{unit.pk}/", "unit result"),
        ("organizer", f"/results/{c}/unit/{unit.pk}/explain/?component=work&item=1.1", "explain item"),
        ("organizer", f"/assess/{c}/review/unit/{unit.pk}/", "review unit (100 items)"),
        ("organizer", f"/assess/{c}/", "campaign home (all units)"),
        ("scorer", f"/assess/{c}/department/{dept.pk}/item/1.1/", "department grid page (50 units)"),
        ("reporter", f"/assess/{c}/unit/{unit.pk}/", "unit overview (100 items)"),
        ("reporter", f"/assess/{c}/unit/{unit.pk}/section/0/", "unit section (10 items)"),
    ]
    for who, url, label in pages:
        median, worst, status = timed(clients[who], url)
        print(f"{label:36s} {status}  median {median:7.1f} ms  max {worst:7.1f} ms")


if __name__ == "__main__":
    main()
