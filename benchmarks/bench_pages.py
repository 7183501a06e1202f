"""Server time of every main page with 2,000 units × 100 items (issue 3 part 12; not part of the suite).

    .venv/bin/python benchmarks/bench_pages.py                       # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaoping_bench .venv/bin/python benchmarks/bench_pages.py
    .venv/bin/python benchmarks/bench_pages.py --units 200 --profile  # smaller, with cProfile of slow pages

It builds one campaign in a fresh database with bulk_create: 2,000 schools (each with a reporter), a 100-item scheme
(10 sections × 10 items, each item scored by one of 5 departments), a submitted self-assessment
for every item of every unit (self score, 得失分说明), the departments' scores for all of them,
reviewer confirmations on 5 % of the items, 2 evidence files per unit linked to 10 items, and an
audit trail of one properly hash-chained event per self-assessment row (200,000 events).

Results are computed by a task worker and stored (results.compute, issue 12); pages never compute.
After the build the benchmark does what a worker does (``compute.recompute``, timed), then requests
each page in-process with Django's test client: one cold request, then 5 timed requests; the
figure is the median of ``time.perf_counter()`` around ``client.get`` and the number of SQL
queries (``CaptureQueriesContext``). Target: every page < 300 ms. Pages over the target are
profiled (cProfile, top functions by cumulative time). Then the results pages are timed after
data changes (one confirmed score changed through review_save, as a reviewer would): the page
right after the change (the stored result with the "数据已变动,正在重新计算…" notice), the time the
worker takes to store the new numbers (the queued task run as ``db_worker`` runs it, in the same
worker process, so incremental), and the page once they are stored. Writes benchmarks/results/pages.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "pages.md"
TARGET_MS = 300.0
SECTIONS, ITEMS_PER_SECTION, DEPARTMENTS = 10, 10, 5
RUNS = 5
SEED = 2_000


def setup_django(var_dir: str) -> None:
    os.environ.setdefault("KAOPING_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.config.settings")
    os.environ.setdefault("KAOPING_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --------------------------------------------------------------------------------------- the data


def scheme_data() -> dict[str, Any]:
    sections = []
    for s in range(1, SECTIONS + 1):
        children = [
            {
                "id": f"{s}.{i}",
                "name": f"评价要点{s}.{i}",
                "points": 1,
                "standard": "按评分标准逐项核查,达到要求得满分,每缺一项扣0.2分",
                "departments": [{"department": f"处室{((s - 1) * ITEMS_PER_SECTION + i) % DEPARTMENTS + 1}"}],
                "evidence": {"required": i == 1, "description": "工作方案、会议纪要"},
                "rule": {"kind": "manual"},
            }
            for i in range(1, ITEMS_PER_SECTION + 1)
        ]
        sections.append({"id": str(s), "name": f"一级指标{s}", "points": ITEMS_PER_SECTION, "children": children})
    return {
        "scheme": {"id": "bench-2000", "name": "性能测试方案", "year": 2024, "organizer": "测试市教育局"},
        "not_applicable": "full_points",
        "score_basis": ["confirmed", "reviewed", "self"],
        "categories": [{"id": "school", "name": "学校", "components": ["work"]}],
        "components": [
            {"id": "work", "name": "办学水平考核", "points": 100, "method": "indicators", "indicators": sections}
        ],
        "grading": {
            "bands": [
                {"name": "优秀", "min_percent": 90, "quota": {"max_percent": 20, "rounding": "half_up"}},
                {"name": "良好", "min_percent": 80},
                {"name": "合格", "min_percent": 60},
                {"name": "不合格"},
            ]
        },
    }


@dataclass
class Bench:
    campaign: Any
    units: list[Any]
    departments: list[Any]
    users: dict[str, Any]


def _users(city: Any, first_unit_org: Any, departments: list[Any]) -> dict[str, Any]:
    from kaoping.orgs.models import Membership, Role, User

    def user(name: str, role: str, org: Any, department: Any = None) -> Any:
        u = User.objects.create(username=name, display_name=name)
        Membership.objects.create(user=u, organization=org, role=role, department=department)
        return u

    return {
        "organizer": user("organizer", Role.ORGANIZER, city),
        "leader": user("leader", Role.LEADER, city),
        "reviewer": user("reviewer", Role.REVIEWER, city),
        "scorer": user("scorer", Role.DEPARTMENT_SCORER, city, departments[0]),
        "reporter": user("reporter", Role.REPORTER, first_unit_org),
    }


def _school_reporters(schools: list[Any]) -> None:
    """One reporter per school, as a real bureau has (the users page lists them all)."""
    from django.contrib.auth.hashers import make_password

    from kaoping.orgs.models import Membership, Role, User

    unusable = make_password(None)
    people = User.objects.bulk_create(
        User(username=f"tb-{s.code}", display_name=f"{s.name}填报员", password=unusable) for s in schools
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=s, role=Role.REPORTER) for u, s in zip(people, schools, strict=True)
    )


def _organizations(n_units: int) -> tuple[Any, list[Any]]:
    from kaoping.orgs.models import Organization, OrgKind

    city = Organization.objects.create(name="测试市教育局", code="bench-city", kind=OrgKind.CITY)
    schools = Organization.objects.bulk_create(
        Organization(name=f"第{n:04d}中学", code=f"bench-{n:04d}", kind=OrgKind.SCHOOL, parent=city)
        for n in range(1, n_units + 1)
    )
    for school in schools:
        school.path = f"{city.path}{school.pk}/"
    Organization.objects.bulk_update(schools, ["path"], batch_size=1000)
    return city, schools


def _audit_events(campaign: Any, rows: list[tuple[int, str, str]], actor: Any) -> int:
    """One hash-chained event per self-assessment row, as the services would have written them."""
    from django.utils import timezone

    from kaoping.audit.models import AuditEvent
    from kaoping.audit.services import GENESIS, entry_hash

    chain = f"campaign:{campaign.pk}"
    prev, at, batch, total = GENESIS, timezone.now(), [], 0
    for seq, (unit_id, item_id, score) in enumerate(rows, 1):
        event = AuditEvent(
            chain=chain,
            seq=seq,
            at=at,
            actor=actor,
            actor_label=str(actor),
            action="update",
            object_type="self_assessment",
            object_id=f"{unit_id}:{item_id}",
            field="self_score",
            old=None,
            new=score,
            reason="",
            prev_hash=prev,
        )
        event.hash = entry_hash(prev, event)
        prev = event.hash
        batch.append(event)
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    return total + len(batch)


def build(n_units: int) -> Bench:
    from django.db import transaction
    from django.utils import timezone

    from kaoping.assessments.models import (
        DepartmentScore,
        EvidenceFile,
        ReviewScore,
        SelfAssessment,
        Submission,
        SubmissionStatus,
    )
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
    from kaoping.formats.scheme_file import scheme_from_data, scheme_to_data
    from kaoping.orgs.models import Department

    rng = random.Random(SEED)
    data = scheme_to_data(scheme_from_data(scheme_data()))
    item_ids = [f"{s}.{i}" for s in range(1, SECTIONS + 1) for i in range(1, ITEMS_PER_SECTION + 1)]
    with transaction.atomic():
        city, schools = _organizations(n_units)
        departments = [Department.objects.create(bureau=city, name=f"处室{d}") for d in range(1, DEPARTMENTS + 1)]
        users = _users(city, schools[0], departments)
        campaign = Campaign.objects.create(
            owner=city, name="2024年度办学水平考核", year=2024, phase=Phase.REVIEW, created_by=users["organizer"]
        )
        SchemeVersion.objects.create(campaign=campaign, number=1, data=data, source_name="bench.yaml")
        units = CampaignUnit.objects.bulk_create(
            CampaignUnit(campaign=campaign, organization=school, category="school") for school in schools
        )
        now = timezone.now()
        Submission.objects.bulk_create(
            Submission(unit=u, status=SubmissionStatus.SUBMITTED, submitted_at=now) for u in units
        )
        dept_of = {item: departments[(n + 1) % DEPARTMENTS] for n, item in enumerate(item_ids)}
        audit_rows: list[tuple[int, str, str]] = []
        for chunk in range(0, len(units), 100):
            entries, scores, reviews = [], [], []
            for unit in units[chunk : chunk + 100]:
                for item in item_ids:
                    self_score = Decimal(rng.choice(("1", "1", "0.9", "0.8", "0.5")))
                    entries.append(
                        SelfAssessment(unit=unit, item_id=item, self_score=self_score, note="已按要求完成,详见佐证材料")
                    )
                    audit_rows.append((unit.pk, item, str(self_score)))
                    scores.append(
                        DepartmentScore(
                            unit=unit,
                            item_id=item,
                            department=dept_of[item],
                            scheme_department=dept_of[item].name,
                            score=self_score - Decimal("0.1"),
                        )
                    )
                    if rng.random() < 0.05:
                        reviews.append(
                            ReviewScore(unit=unit, item_id=item, confirmed_score=self_score, reason="核实无误")
                        )
            SelfAssessment.objects.bulk_create(entries, batch_size=5000)
            DepartmentScore.objects.bulk_create(scores, batch_size=5000)
            ReviewScore.objects.bulk_create(reviews, batch_size=5000)
        files = EvidenceFile.objects.bulk_create(
            EvidenceFile(
                unit=u,
                stored_name=f"{u.pk:08d}{n}{'0' * 23}",
                original_name=f"佐证材料{n}.pdf",
                content_type="application/pdf",
                kind="pdf",
                size=120_000,
                sha256="0" * 64,
                uploaded_by=users["reporter"],
            )
            for u in units
            for n in (1, 2)
        )
        links = SelfAssessment.evidence.through
        entry_ids = dict(
            ((unit_id, item), pk)
            for pk, unit_id, item in SelfAssessment.objects.filter(item_id__endswith=".1").values_list(
                "pk", "unit_id", "item_id"
            )
        )
        through = [
            links(selfassessment_id=entry_ids[(f.unit_id, f"{s}.1")], evidencefile_id=f.pk)
            for f in files
            for s in range(1, SECTIONS + 1, 2)
        ]
        links.objects.bulk_create(through, batch_size=5000)
        _audit_events(campaign, audit_rows, users["reporter"])
        _school_reporters(schools[1:])
    return Bench(campaign=campaign, units=units, departments=departments, users=users)


RATING_UNITS, RATING_SLIPS = 50, 290


def rating_scheme_data() -> dict[str, Any]:
    """A live-rating scheme like seed 000's 立德树人述职测评 (three rater groups)."""
    grades = [("好", 100), ("良好", 90), ("较好", 80), ("一般", 70), ("差", 50)]
    return {
        "scheme": {"id": "bench-rating", "name": "现场测评基准方案", "year": 2024, "organizer": "测试市教育局"},
        "categories": [{"id": "school", "name": "学校", "components": ["lide"]}],
        "components": [
            {
                "id": "lide",
                "name": "立德树人述职测评",
                "points": 100,
                "method": "rating",
                "rating": {
                    "scale": {
                        "mode": "points",
                        "max": 100,
                        "abstain": "不了解",
                        "grades": [{"name": n, "value": v} for n, v in grades],
                    },
                    "groups": [
                        {"id": "leaders", "name": "局领导", "weight": 50},
                        {"id": "heads", "name": "处室负责人", "weight": 25},
                        {"id": "units", "name": "县区(学校)", "weight": 25},
                    ],
                    "trim": {"above": 5, "per_side": 1, "scope": "group"},
                    "empty_group": "renormalize",
                    "ballot_rules": {"all_identical_invalid": False, "min_valid_ballots": 1, "quotas": []},
                },
            }
        ],
        "grading": {"bands": [{"name": "合格", "min_percent": 60}, {"name": "不合格"}]},
    }


def build_rating_session(bench: Bench) -> Any:
    """A live-rating session of 50 units with 290 rater slips (a real 述职测评会), in its own campaign
    over the first 50 schools; the session page's slip table is the list measured."""
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
    from kaoping.formats.scheme_file import scheme_from_data, scheme_to_data
    from kaoping.ratings import services
    from kaoping.ratings.models import RatingSession

    found = RatingSession.objects.filter(name="述职测评基准").first()
    if found is not None:
        return found
    owner = bench.campaign.owner
    campaign = Campaign.objects.create(owner=owner, name="现场测评基准", year=2024, phase=Phase.RATING)
    data = scheme_to_data(scheme_from_data(rating_scheme_data()))
    SchemeVersion.objects.create(campaign=campaign, number=1, data=data, source_name="rating.yaml")
    units = CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, organization=u.organization, category="school")
        for u in bench.units[:RATING_UNITS]
    )
    session = services.session_create(campaign=campaign, component_id="lide", name="述职测评基准")
    groups = ["leaders", "heads", "units"]
    specs = [
        services.RaterSpec(f"评委{n:03d}", groups[n % 3], units[n % RATING_UNITS].pk if n % 3 == 2 else None)
        for n in range(RATING_SLIPS)
    ]
    services.credentials_issue(session=session, raters=specs)
    return session


def load_built() -> Bench:
    """The Bench of a database an earlier run built (``--keep``)."""
    from kaoping.campaigns.models import Campaign
    from kaoping.orgs.models import Department, User

    campaign = Campaign.objects.get(name="2024年度办学水平考核")
    return Bench(
        campaign=campaign,
        units=list(campaign.participants.order_by("pk")),
        departments=list(Department.objects.filter(bureau=campaign.owner).order_by("pk")),
        users={
            u.username: u
            for u in User.objects.filter(username__in=["organizer", "leader", "reviewer", "scorer", "reporter"])
        },
    )


# --------------------------------------------------------------------------------------- the pages


@dataclass
class Page:
    label: str
    view: str
    who: str
    url: str
    campaign: int = 0
    hx: bool = False  # sent as htmx (HX-Request), for fragments


def worker_pass(campaign: Any) -> tuple[float, str]:
    """What a task worker does: run the campaign's queued recompute job (``db_worker`` calls the
    same task function), or recompute directly when none is queued. Returns (seconds, how)."""
    from kaoping.jobs.models import Job, JobState
    from kaoping.results import compute, services
    from kaoping.results.tasks import recompute_standings

    job = Job.objects.filter(key=services.job_key(campaign), state=JobState.QUEUED).order_by("pk").first()
    start = time.perf_counter()
    if job is not None:
        recompute_standings.call(job.pk)
    else:
        compute.recompute(campaign)
    seconds = time.perf_counter() - start
    return seconds, _last_state(campaign.pk)


def _last_state(campaign_pk: int) -> str:
    from kaoping.results import compute

    state = compute._STATES.get(campaign_pk)
    if state is None:
        return "no state"
    how = "full load" if state.changed is None else f"{len(state.changed)} unit(s) reloaded"
    memo = state.memo
    return (
        f"load+engine {state.seconds:.2f} s, {how}, memo {getattr(memo, 'hits', '?')} reused / "
        f"{getattr(memo, 'misses', '?')} scored"
    )


def pages(bench: Bench) -> list[Page]:
    from django.urls import reverse

    c, unit, dept = bench.campaign.pk, bench.units[0].pk, bench.departments[0].pk
    session = build_rating_session(bench).pk
    first_item = next(f"{s}.{i}" for s in range(1, 11) for i in range(1, 11) if (s - 1) * 10 + i == DEPARTMENTS)
    return [
        Page("首页 home (organizer)", "web:home", "organizer", reverse("web:home")),
        Page("考核概况 campaign page", "campaigns:detail", "organizer", reverse("campaigns:detail", args=[c])),
        Page("参评单位 unit list", "campaigns:units", "organizer", reverse("campaigns:units", args=[c])),
        Page("考核工作台 campaign home / review list", "assessments:campaign_home", "reviewer",
             reverse("assessments:campaign_home", args=[c])),
        Page("自评总览 self-assessment overview", "assessments:unit_overview", "reporter",
             reverse("assessments:unit_overview", args=[c, unit])),
        Page("自评填报 self-assessment section", "assessments:unit_section", "reporter",
             reverse("assessments:unit_section", args=[c, unit, 0])),
        Page("处室指标 department items", "assessments:department_items", "scorer",
             reverse("assessments:department_items", args=[c, dept])),
        Page("处室评分 department grid (one item, all units)", "assessments:department_grid", "scorer",
             reverse("assessments:department_grid", args=[c, dept, first_item])),
        Page("复核 review of one unit", "assessments:review_unit", "reviewer",
             reverse("assessments:review_unit", args=[c, unit])),
        Page("排名 standings", "results:standings", "organizer", reverse("results:standings", args=[c]), c),
        Page("单位结果 unit result explanation", "results:unit_result", "organizer",
             reverse("results:unit_result", args=[c, unit]), c),
        Page("得分解释 explain (htmx)", "results:explain", "organizer", reverse("results:explain", args=[c, unit]),
             c),
        Page("审计日志 audit log", "audit:campaign_log", "organizer", reverse("audit:campaign_log", args=[c])),
        Page("单位树 organization tree", "orgs:tree", "organizer", reverse("orgs:tree")),
        # long lists (issue 11 §3): search, filters, sort and pages; progress counts
        Page("参评单位 search+sort, picker search", "campaigns:units", "organizer",
             reverse("campaigns:units", args=[c]) + "?q=%E7%AC%AC01&sort=name&page=2&cq=%E4%B8%AD%E5%AD%A6"),
        Page("考核工作台 organizer (department progress)", "assessments:campaign_home", "organizer",
             reverse("assessments:campaign_home", args=[c])),
        Page("考核工作台 status filter, sorted, page 5", "assessments:campaign_home", "reviewer",
             reverse("assessments:campaign_home", args=[c]) + "?status=submitted&sort=status&page=5"),
        Page("考核工作台 live counts (htmx)", "assessments:campaign_home", "reviewer",
             reverse("assessments:campaign_home", args=[c]) + "?counts=1", hx=True),
        Page("处室指标 department progress (organizer)", "assessments:department_items", "organizer",
             reverse("assessments:department_items", args=[c, dept])),
        Page("用户与角色 users", "orgs:users", "organizer", reverse("orgs:users")),
        Page("用户与角色 search + role filter", "orgs:users", "organizer",
             reverse("orgs:users") + "?q=%E4%B8%AD&role=reporter&sort=name"),
        Page("排名 standings search, sort by total, page 2", "results:standings", "organizer",
             reverse("results:standings", args=[c]) + "?category=school&sort=total&page=2", c),
        Page("排名 standings search", "results:standings", "organizer",
             reverse("results:standings", args=[c]) + "?category=school&q=%E7%AC%AC19", c),
        Page("现场测评 session page (290 slips)", "ratings:session_detail", "organizer",
             reverse("ratings:session_detail", args=[session])),
        Page("现场测评 slips filtered", "ratings:session_detail", "organizer",
             reverse("ratings:session_detail", args=[session]) + "?group=units&state=valid&sort=name&page=1"),
    ]  # fmt: skip


@dataclass
class Measure:
    page: Page
    status: int
    cold_ms: float
    median_ms: float
    queries: int
    kbytes: float
    profile: str = ""
    note: str = ""


def measure(page: Page, client: Any, *, profile: bool) -> Measure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_HX_REQUEST": "true"} if page.hx else {}
    start = time.perf_counter()
    response = client.get(page.url, **headers)
    cold = (time.perf_counter() - start) * 1000
    text = response.content.decode(errors="replace")
    note = "shows the 'computing' notice (the stored result is not current)" if _notice(text) else ""
    times = []
    queries = 0
    runs = RUNS if cold < 10 * TARGET_MS else 1  # a page that takes seconds is measured once more only
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(page.url, **headers)
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    result = Measure(
        page, response.status_code, cold, statistics.median(times), queries, len(response.content) / 1024, note=note
    )
    if profile and max(result.median_ms, result.cold_ms) > TARGET_MS:
        result.profile = profile_request(client, page.url)
    return result


def profile_request(client: Any, url: str) -> str:
    """The project's own functions (and the libraries they call) by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"kaoping/|jsonschema/|django/template/base|django/db/models/query\.py|copy\.py", 22)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next((n for n, line in enumerate(lines) if "ncalls" in line), 0)
    site = str(Path(sys.prefix) / "lib")
    return "\n".join(line.replace(str(ROOT / "src") + "/", "").replace(site, "…") for line in lines[start:])


# ------------------------------------------------------------------------------ after data changes


def _notice(text: str) -> bool:
    return "正在重新计算" in text or "正在计算结果" in text


@dataclass
class Scenario:
    label: str
    times: list[float]  # the page right after the change (ms)
    queries: int
    note: str
    status: int
    banner: bool  # the page right after the change showed the notice
    worker: list[float]  # seconds until the worker stored the new numbers
    after: list[float]  # the page once stored (ms)
    after_banner: bool  # ... still showed the notice


class Changer:
    """Changes one unit's confirmed score (review_save: audited like any reviewer's save)."""

    def __init__(self, bench: Bench) -> None:
        from kaoping.assessments import selectors

        self.bench = bench
        self.scheme = selectors.scheme_for(bench.campaign)
        self.refs = selectors.leaf_items(self.scheme, "school")
        self.n = 0

    def change(self, unit_index: int | None = None) -> None:
        from kaoping.assessments import services
        from kaoping.assessments.models import ReviewScore

        self.n += 1
        unit = self.bench.units[(self.n * 37) % len(self.bench.units) if unit_index is None else unit_index]
        item = self.refs[self.n % len(self.refs)].item
        row = ReviewScore.objects.filter(unit=unit, item_id=item.id).first()
        score = "0.5" if row is not None and row.confirmed_score == Decimal("0.6") else "0.6"
        services.review_save(
            unit=unit, item=item, actor=self.bench.users["reviewer"], version=row.version if row else 0,
            score=score, reason="基准测试:调整核定分",
        )  # fmt: skip


def scenario(label: str, url: str, client: Any, bench: Bench, change: Any, *, runs: int = RUNS) -> Scenario:
    """``runs`` times: change a score, request the page (the stored result with the notice), run the
    worker (timed until the new numbers are stored), request the page again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, after, worker, queries, status, banner, after_banner = [], [], [], 0, 0, False, False
    note = ""
    for _ in range(runs):
        change()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        queries, status = len(captured.captured_queries), response.status_code
        banner = banner or _notice(response.content.decode(errors="replace"))
        seconds, note = worker_pass(bench.campaign)
        worker.append(seconds)
        start = time.perf_counter()
        response = client.get(url)
        after.append((time.perf_counter() - start) * 1000)
        after_banner = after_banner or _notice(response.content.decode(errors="replace"))
    return Scenario(label, times, queries, note, status, banner, worker, after, after_banner)


def scenarios(bench: Bench, clients: dict[str, Any]) -> list[Scenario]:
    from django.urls import reverse

    c, unit = bench.campaign.pk, bench.units[0].pk
    changer = Changer(bench)
    org = clients["organizer"]
    standings = reverse("results:standings", args=[c])
    unit_result = reverse("results:unit_result", args=[c, unit])
    explain = reverse("results:explain", args=[c, unit])

    def change_own_unit() -> None:  # the unit whose pages are shown
        changer.change(unit_index=0)

    worker_pass(bench.campaign)  # current before the first change
    return [
        scenario("排名 standings, one score changed", standings, org, bench, changer.change),
        scenario("单位结果 unit result, that unit's score changed", unit_result, org, bench, change_own_unit),
        scenario("得分解释 explain, that unit's score changed", explain, org, bench, change_own_unit),
    ]


# --------------------------------------------------------------------------------------- the report

NOTES = [
    "How the results pages stay fast (docs/decisions/results-pipeline.md): a task worker "
    "(`manage.py db_worker`) computes the campaign's result when its data change and stores it "
    "(`StoredStandings` + one `StoredUnitResult` per unit with its explained tree); every page reads "
    "the stored rows and never computes. While the stored result is older than the data, pages show it "
    'with the "数据已变动,正在重新计算…" notice and a progress bar, and reload when it is current.',
]


def report(
    results: list[Measure], extra: list[Scenario], n_units: int, build_s: float, db: str, first: tuple[float, str]
) -> str:
    slow = [r for r in results if r.median_ms >= TARGET_MS or r.cold_ms >= TARGET_MS]
    lines = [
        "# Page server times (benchmarks/bench_pages.py)",
        "",
        f"{n_units:,} units × {SECTIONS * ITEMS_PER_SECTION} items, one campaign; {db}; "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f} at the end: other jobs share the machine). "
        f"Data built in {build_s:.0f} s; the worker's first full recompute stored in {first[0]:.1f} s "
        f"({first[1]}). Django test client in-process, median of {RUNS} after one cold request "
        f"(pages over {10 * TARGET_MS / 1000:.0f} s cold: one more request only).",
        f"Target: every page < {TARGET_MS:.0f} ms. **{len(results) - len(slow)} of {len(results)} pages meet it "
        "(median and cold).**",
        "",
        "| Page | View | As | HTTP | Cold ms | Median ms | Queries | KB | Verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ok = r.median_ms < TARGET_MS and r.cold_ms < TARGET_MS and r.status == 200
        verdict = "ok" if ok else ("**SLOW**" if r.status == 200 else f"**HTTP {r.status}**")
        lines.append(
            f"| {r.page.label} | `{r.page.view}` | {r.page.who} | {r.status} | {r.cold_ms:.0f} | "
            f"{r.median_ms:.0f} | {r.queries} | {r.kbytes:.0f} | {verdict} |"
        )
    notes = [r for r in results if r.note]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- `{r.page.view}`: {r.note}" for r in notes]
    lines += ["", *NOTES]
    if extra:
        lines += [
            "",
            "## After a change",
            "",
            f"Each row, {RUNS} times: change one confirmed score through `review_save` (audited, as a reviewer "
            "saves it; the commit queues the recompute job), request the page at once (it shows the stored "
            "result with the notice), run the queued task as the worker does (`recompute_standings`, the same "
            "worker process each time, so incremental; timed until the new numbers are stored), request the "
            "page again.",
            "",
            "| Scenario | HTTP | Page right after the change, median ms (max) | Notice shown | Queries | "
            "Worker: new numbers stored, median s (max) | Page then, median ms | Notice then | Last run |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for x in extra:
            fragment = "no (a fragment of the unit page)" if "explain" in x.label else "**no**"
            lines.append(
                f"| {x.label} | {x.status} | {statistics.median(x.times):.0f} ({max(x.times):.0f}) | "
                f"{'yes' if x.banner else fragment} | "
                f"{x.queries} | {statistics.median(x.worker):.2f} "
                f"({max(x.worker):.2f}) | {statistics.median(x.after):.0f} | {'**yes**' if x.after_banner else 'no'} "
                f"| {x.note} |"
            )
    for r in results:
        if r.profile:
            lines += ["", f"## cProfile: {r.page.view} ({r.page.label})", "", "```", r.profile, "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--profile", action="store_true", help="cProfile every page over the target")
    parser.add_argument("--no-write", action="store_true", help="print only, do not write results/pages.md")
    parser.add_argument("--no-scenarios", action="store_true", help="skip the after-a-change scenarios")
    parser.add_argument("--build-only", action="store_true", help="build the data (with --keep) and stop")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the SQLite database in DIR and reuse it on the next run (the data takes minutes to build)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as scratch:
        var_dir = args.keep or scratch
        Path(var_dir).mkdir(parents=True, exist_ok=True)
        built_marker = Path(var_dir) / f"bench-built-{args.units}"
        setup_django(var_dir)
        from django.conf import settings
        from django.test import Client

        db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        start = time.perf_counter()
        if args.keep and built_marker.exists():
            bench = load_built()
            build_s = float(built_marker.read_text())
        else:
            bench = build(args.units)
            build_s = time.perf_counter() - start
            built_marker.write_text(f"{build_s:.1f}")
        print(f"built {args.units} units in {build_s:.1f} s ({db})", flush=True)
        if args.build_only:
            return
        first = worker_pass(bench.campaign)  # as the task worker does after the data arrived
        print(f"worker: full recompute stored in {first[0]:.1f} s ({first[1]})", flush=True)
        clients = {}
        for who, user in bench.users.items():
            clients[who] = Client()
            clients[who].force_login(user)
        results = []
        for page in pages(bench):
            result = measure(page, clients[page.who], profile=args.profile)
            print(f"{result.median_ms:8.1f} ms  cold {result.cold_ms:8.1f}  {result.queries:5d} q  "
                  f"HTTP {result.status}  {page.view}", flush=True)  # fmt: skip
            results.append(result)
        extra = [] if args.no_scenarios else scenarios(bench, clients)
        for x in extra:
            print(f"{statistics.median(x.times):8.1f} ms  worker {statistics.median(x.worker):.2f} s  "
                  f"{x.label}  {x.note}", flush=True)  # fmt: skip
        text = report(results, extra, args.units, build_s, db, first)
        print(text)
        if not args.no_write:
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
