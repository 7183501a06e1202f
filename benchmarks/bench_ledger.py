"""Item 54 from the ledger at province scale on PostgreSQL (issue 14; not part of the suite).

    .venv/bin/python benchmarks/bench_ledger.py                      # 20,000 units, 3 problems each
    .venv/bin/python benchmarks/bench_ledger.py --units 2000 --keep  # smaller; keep the database

It creates its own database (``--db``, default kaoping_bench_ledger; dropped at the end unless
``--keep``) with last year's campaign and this year's (``Campaign.previous``), the same units in
both, ``--per-unit`` problems per unit last year (about 70 % closed) and the open ones carried into
this year (a fifth of those closed since). Measured, each the median of 5 runs, with a baseline in
the same run:

* ``previous_problems_version``: the fingerprint every results page of the campaign reads (the
  head of last year's audit chain), against ``Problem.objects.filter(campaign=last year).count()``;
* ``previous_problem_figures`` for every unit (what a full recompute gathers), against the bare
  ``values_list`` fetch of the same problem rows.

Writes benchmarks/results/ledger.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "ledger.md"
SERVER = "postgres://postgres@127.0.0.1:5432"
RUNS = 5


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def setup(db: str, fresh: bool) -> None:
    if fresh:
        admin_sql(f'DROP DATABASE IF EXISTS "{db}"')
        admin_sql(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = f"{SERVER}/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.config.settings")
    os.environ.setdefault("KAOPING_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def build(units: int, per_unit: int) -> None:
    import random

    from django.db import transaction
    from django.utils import timezone

    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase
    from kaoping.orgs.models import Organization, OrgKind
    from kaoping.rectification.models import Problem, ProblemState, Source

    rng = random.Random(54)
    now = timezone.now()
    deadline = datetime.date(2026, 6, 30)
    with transaction.atomic():
        bureau = Organization.objects.create(name="省教育厅", code="bench-bureau", kind=OrgKind.PROVINCE)
        schools = Organization.objects.bulk_create(
            Organization(name=f"学校{n}", code=f"bench-{n}", kind=OrgKind.SCHOOL, parent=bureau) for n in range(units)
        )
        last = Campaign.objects.create(owner=bureau, name="2025年度考核", year=2025, phase=Phase.ARCHIVED)
        this = Campaign.objects.create(
            owner=bureau, name="2026年度考核", year=2026, phase=Phase.SELF_ASSESSMENT, previous=last
        )
        old_units = CampaignUnit.objects.bulk_create(
            CampaignUnit(campaign=last, organization=s, category="school") for s in schools
        )
        new_units = CampaignUnit.objects.bulk_create(
            CampaignUnit(campaign=this, organization=s, category="school") for s in schools
        )
        old = Problem.objects.bulk_create(
            Problem(
                campaign=last,
                unit=unit,
                organization_id=unit.organization_id,
                number=n + 1,
                source=Source.REVIEW,
                description="问题",
                deadline=deadline,
                state=ProblemState.CLOSED if rng.random() < 0.7 else ProblemState.OPEN,
                created_at=now,
            )
            for unit in old_units
            for n in range(per_unit)
        )
        new_by_org = {u.organization_id: u for u in new_units}
        Problem.objects.bulk_create(
            Problem(
                campaign=this,
                unit=new_by_org[p.organization_id],
                organization_id=p.organization_id,
                number=p.number,
                source=p.source,
                description=p.description,
                deadline=deadline,
                state=ProblemState.CLOSED if rng.random() < 0.2 else ProblemState.OPEN,
                carried_from=p,
                created_at=now,
            )
            for p in old
            if p.state != ProblemState.CLOSED
        )


def median_seconds(work: Callable[[], Any]) -> float:
    """The median wall time; this process's CPU time of the same runs goes to ``CPU``."""
    times, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    CPU.append(statistics.median(cpu))
    return statistics.median(times)


CPU: list[float] = []


def measure() -> dict[str, Any]:
    from kaoping.campaigns.models import Campaign, CampaignUnit
    from kaoping.rectification.figures import previous_problem_figures, previous_problems_version
    from kaoping.rectification.models import Problem

    this = Campaign.objects.get(previous__isnull=False)
    last = this.previous_id
    assert last is not None
    units = list(CampaignUnit.objects.filter(campaign=this).order_by("pk"))
    figures = previous_problem_figures(this, units)
    open_total = sum(int(f["open"]) for f in figures.values())
    return {
        "units": len(units),
        "problems": Problem.objects.filter(campaign_id=last).count(),
        "carried": Problem.objects.filter(campaign=this).count(),
        "open": open_total,
        "version": median_seconds(lambda: previous_problems_version(this)),
        "count": median_seconds(lambda: Problem.objects.filter(campaign_id=last).count()),
        "figures": median_seconds(lambda: previous_problem_figures(this, units)),
        "fetch": median_seconds(
            lambda: list(Problem.objects.filter(campaign_id=last).values_list("pk", "organization_id", "state"))
        ),
    }


def write(found: dict[str, Any]) -> str:
    ms = {key: found[key] * 1000 for key in ("version", "count", "figures", "fetch")}
    lines = [
        ("`previous_problems_version` (every results page)", "version", "`count()` of last year's problems", "count"),
        ("`previous_problem_figures`, every unit (a recompute)", "figures", "`values_list` of the same rows", "fetch"),
    ]
    cpu = dict(zip(("version", "count", "figures", "fetch"), (c * 1000 for c in CPU), strict=True))
    rows = "\n".join(
        f"| {what} | {ms[key]:.1f} ({cpu[key]:.1f}) | {base} | {ms[base_key]:.1f} ({cpu[base_key]:.1f}) "
        f"| {ms[key] / ms[base_key]:.1f}× |"
        for what, key, base, base_key in lines
    )
    text = f"""# Item 54 from the ledger (benchmarks/bench_ledger.py)

PostgreSQL, Python {platform.python_version()}, {found["units"]:,} units, {found["problems"]:,} problems last
year, {found["carried"]:,} carried into this year ({found["open"]:,} still open). Median of {RUNS} runs; the
baseline is taken in the same run.

| what | ms (client CPU ms) | baseline | baseline ms (CPU) | ratio (wall) |
|---|---:|---|---:|---:|
{rows}
"""
    RESULTS.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--per-unit", type=int, default=3)
    parser.add_argument("--db", default="kaoping_bench_ledger")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    setup(args.db, fresh=True)
    build(args.units, args.per_unit)
    try:
        print(write(measure()))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(f'DROP DATABASE IF EXISTS "{args.db}"')


if __name__ == "__main__":
    main()
