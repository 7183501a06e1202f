"""Time of the self-evaluation reports batch (every unit's report in one zip), not part of the tests.

    .venv/bin/python benchmarks/bench_documents.py               # 1,000 units, Word and PDF
    .venv/bin/python benchmarks/bench_documents.py --units 100 --kinds pdf

A fresh SQLite database in a temporary folder: seed 004's scheme (examples/honggutan-2021, 54
points in 6 sections) and N districts, each with the example's self-assessment (item 15 from its
figure) and a stored result. Figures:

* BATCH: the task's work (``documents.tasks._build``) for all N units into one zip, run in this
  process as the worker runs it, with the tasks backend inline;
* BASELINE (same run): one unit's report built and written (median of 5) × N, the cost of N
  single downloads without the batch;
* the largest single document and the zip's size.

Target: 1,000 units in under 2 minutes per format. Writes benchmarks/results/documents.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "documents.md"
TARGET_SECONDS = 120.0


def setup(folder: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["KAOPING_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.config.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = folder / "media"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world(units: int) -> object:
    from kaoping.assessments.models import SelfAssessment, Submission, SubmissionStatus
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
    from kaoping.formats.scheme_dump import scheme_to_data
    from kaoping.formats.scheme_file import load_scheme
    from kaoping.orgs.models import Organization, OrgKind
    from kaoping.results import compute
    from kaoping.web.demo import read_csv

    example = ROOT / "examples" / "honggutan-2021"
    city = Organization.objects.create(name="南昌市教育局", code="bench-city", kind=OrgKind.CITY)
    campaign = Campaign.objects.create(
        owner=city, name="2021年党政领导干部履行教育职责督导评价", year=2021, phase=Phase.SELF_ASSESSMENT
    )
    SchemeVersion.objects.create(campaign=campaign, number=1, data=scheme_to_data(load_scheme(example / "scheme.yaml")))
    rows = list(read_csv(example / "inputs" / "items.csv"))
    figures = {row["指标编号"]: {row["数据项"]: row["数值"]} for row in read_csv(example / "inputs" / "figures.csv")}
    for n in range(units):
        Organization.objects.create(name=f"第{n + 1:04d}区", code=f"bench-{n}", kind=OrgKind.COUNTY, parent=city)
    orgs = Organization.objects.filter(code__startswith="bench-").exclude(pk=city.pk)
    CampaignUnit.objects.bulk_create(CampaignUnit(campaign=campaign, organization=o, category="district") for o in orgs)
    entries = []
    for unit in CampaignUnit.objects.filter(campaign=campaign):
        for row in rows:
            score = row["自评分"].strip()
            entries.append(
                SelfAssessment(
                    unit=unit,
                    item_id=row["指标编号"],
                    self_score=score or None,
                    not_applicable=row["不适用"].strip() not in ("", "否"),
                    note=row.get("得失分说明", ""),
                    figures=figures.get(row["指标编号"], {}),
                )
            )
        Submission.objects.create(unit=unit, status=SubmissionStatus.SUBMITTED)
    SelfAssessment.objects.bulk_create(entries, batch_size=5000)
    compute.recompute(campaign)
    return campaign


def run(units: int, kinds: list[str]) -> str:
    from kaoping.campaigns.models import CampaignUnit
    from kaoping.documents import docx_writer, pdf_writer, selfreport, tasks
    from kaoping.jobs import services as jobs
    from kaoping.orgs.models import User

    started = time.perf_counter()
    campaign = world(units)
    setup_seconds = time.perf_counter() - started
    user = User.objects.create_user(username="bench", password="x")
    one = CampaignUnit.objects.select_related("campaign", "organization").filter(campaign=campaign).first()
    assert one is not None
    lines = [
        f"# Documents batch — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared, Python {platform.python_version()}; "
        f"{units} units of seed 004's scheme (54 points, 6 sections); world set up in {setup_seconds:.1f} s.",
        "",
        "| format | batch (zip of every unit) | per unit | baseline: one report × N | batch ÷ baseline |"
        " largest document | zip | target < 120 s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in kinds:
        render = docx_writer.to_docx if kind == "docx" else pdf_writer.to_pdf
        render(selfreport.self_report(one))  # warm: fonts registered, scheme parsed
        singles = []
        size = 0
        for _ in range(5):
            t = time.perf_counter()
            data = render(selfreport.self_report(one))
            singles.append(time.perf_counter() - t)
            size = max(size, len(data))
        baseline = statistics.median(singles) * units
        t = time.perf_counter()
        job = jobs.request(
            f"documents:{campaign.pk}:{user.pk}:{kind}",
            "bench",
            tasks.build_reports_zip,
            params={"campaign": campaign.pk, "kind": kind},
            user=user,
        )
        batch = time.perf_counter() - t
        job.refresh_from_db()
        assert job.state == "done", job.error
        zipped = tasks.batch_path(campaign.pk, job.pk).stat().st_size
        verdict = "met" if batch < TARGET_SECONDS else "**missed**"
        lines.append(
            f"| {kind} | {batch:.1f} s | {batch / units * 1000:.0f} ms | {baseline:.1f} s | {batch / baseline:.2f} |"
            f" {size / 1024:.0f} KB | {zipped / 1024 / 1024:.1f} MB | {verdict} |"
        )
        print(lines[-1], flush=True)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--kinds", nargs="+", default=["docx", "pdf"], choices=["docx", "pdf"])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(Path(folder))
        text = run(args.units, args.kinds)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
