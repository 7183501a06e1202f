"""Time and size of the Excel tables a bureau files, at 2,000 units × 100 items (not part of the tests).

    .venv/bin/python benchmarks/bench_filing_xlsx.py             # 2,000 units × 100 items, 3 rounds
    .venv/bin/python benchmarks/bench_filing_xlsx.py --units 200 --rounds 1

Figures, each the median of ``--rounds`` runs in this process:

* 汇总表 (``filing_xlsx.ranking_workbook``) and 明细表 (``filing_xlsx.detail_workbook``), two
  categories of 1,000 units, 100 scored items each under 10 parents, plus a live-rating and an
  imported component;
* BASELINE: openpyxl (write-only, the fastest way it writes) writing the same cells with no
  styling, no merged cells, no page setup: the cost of the file format itself, in the same run;
* decoding the stored rows (``engine.codec.decode_unit``), which the 明细表 download does first.

Writes benchmarks/results/documents-xlsx.md.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kaoping.engine import codec  # noqa: E402
from kaoping.engine.results import ComponentResult, GroupRating, ItemResult, RatingResult, UnitResult  # noqa: E402
from kaoping.formats import filing_xlsx  # noqa: E402
from kaoping.formats.filing_xlsx import CategoryBlock, ComponentHead, Heading, Places  # noqa: E402

D = Decimal
HEADING = Heading("2026年度教育工作考核", "东湖市教育局", "2026年12月6日", "123456")
PLACES = Places(item=None, component=2, total=2, rating=2)
CATEGORIES = (("county", "县(区)教育行政部门"), ("school", "局属学校"))


def make_units(count: int, items: int) -> list[UnitResult]:
    parents = 10
    per_parent = max(1, items // parents)
    units = []
    for n in range(count):
        category = CATEGORIES[n % 2][0]
        tree = tuple(
            ItemResult(
                f"{p}",
                f"一级指标第{p}项",
                D(per_parent),
                D(per_parent),
                "",
                children=tuple(
                    ItemResult(
                        f"{p}.{c}",
                        f"考核要点{p}.{c}落实情况",
                        None if (n + c) % 97 == 0 else D((n * 7 + c) % 11) / 10,
                        D(1),
                        "按评分标准计分",
                        basis="confirmed",
                    )
                    for c in range(1, per_parent + 1)
                ),
            )
            for p in range(1, parents + 1)
        )
        rating = RatingResult(
            str(n),
            D("18.50"),
            D("92.50"),
            (
                GroupRating("leaders", "局领导", D(50), 7, D("95.12")),
                GroupRating("heads", "处室负责人", D(50), 12, D(90)),
            ),
            (("好", 10), ("良好", 9)),
            "局领导 7票 …",
        )
        components = (
            ComponentResult("work", "工作实绩", D(items) - D(n % 13) / 4, D(items), "", items=tree),
            ComponentResult("lide", "立德树人述职测评", D("18.50"), D(20), "", rating=rating),
            ComponentResult("party", "党建考核", D("9.20"), D(10), "折算"),
        )
        total = sum((c.score for c in components if c.score is not None), D(0))
        units.append(
            UnitResult(
                str(n), f"东湖市第{n + 1}中学", category, total, D(items + 30), "优秀", "五星级", n // 2 + 1, components
            )
        )
    return units


def blocks(units: list[UnitResult], items: int) -> list[CategoryBlock]:
    heads = (
        ComponentHead("work", "工作实绩", D(items)),
        ComponentHead("lide", "立德树人述职测评", D(20)),
        ComponentHead("party", "党建考核", D(10)),
    )
    return [
        CategoryBlock(name, D(items + 30), heads, [u for u in units if u.category == cid], {"五星级": 5})
        for cid, name in CATEGORIES
    ]


def baseline(rows_of: Callable[[], list[list[object]]]) -> bytes:
    """openpyxl writing the same cells (values only) in write-only mode: no style, no layout."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("明细")
    for row in rows_of():
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def detail_cells(units: list[UnitResult]) -> list[list[object]]:
    rows: list[list[object]] = []
    for unit in units:
        row: list[object] = [unit.rank, unit.name]
        for component in unit.components:
            row += [leaf.score for parent in component.items for leaf in parent.children]
            row.append(component.score)
        row.append(unit.total)
        rows.append(row)
    return rows


def summary_cells(units: list[UnitResult]) -> list[list[object]]:
    return [
        [unit.rank, unit.name, *(c.score for c in unit.components), unit.total, unit.grade, "★★★★★"] for unit in units
    ]


def timed(rounds: int, make: Callable[[], bytes]) -> tuple[float, float, int]:
    """Median wall and CPU seconds (the CPU figure holds when other work shares the cores), and size."""
    seconds, cpu = [], []
    size = 0
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        size = len(make())
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(seconds), statistics.median(cpu), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "documents-xlsx.md")
    args = parser.parse_args()
    import openpyxl  # noqa: F401  (imported before timing: a server imports it on the first download)

    units = make_units(args.units, args.items)
    categories = blocks(units, args.items)
    stored = [codec.encode_unit(u) for u in units]
    results = [
        (
            "汇总表 (ranking_workbook)",
            timed(args.rounds, lambda: filing_xlsx.ranking_workbook(HEADING, categories, PLACES)),
        ),
        (
            "BASELINE 汇总表 cells, openpyxl write-only, no styling",
            timed(args.rounds, lambda: baseline(lambda: summary_cells(units))),
        ),
        (
            "明细表 (detail_workbook)",
            timed(args.rounds, lambda: filing_xlsx.detail_workbook(HEADING, categories, PLACES)),
        ),
        (
            "BASELINE 明细表 cells, openpyxl write-only, no styling",
            timed(args.rounds, lambda: baseline(lambda: detail_cells(units))),
        ),
    ]
    started, started_cpu = time.perf_counter(), time.process_time()
    for data in stored:
        codec.decode_unit(data)
    decode, decode_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    load = os.getloadavg()[0]
    lines = [
        "# Excel tables (汇总表, 明细表): time and size",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores, Python "
        f"{platform.python_version()}); `{' '.join(['benchmarks/bench_filing_xlsx.py', *sys.argv[1:]])}`; "
        f"{args.units} units in 2 categories × {args.items} scored items (+ a rating and an imported component); "
        f"median of {args.rounds} rounds; load average before the run {load:.1f}.",
        "",
        "| table | wall s | CPU s | size (KB) |",
        "|---|---|---|---|",
        *(f"| {name} | {wall:.2f} | {cpu:.2f} | {size / 1024:.0f} |" for name, (wall, cpu, size) in results),
        f"| decoding the {args.units} stored rows (engine.codec, done by the 明细表 download first) | {decode:.2f} | "
        f"{decode_cpu:.2f} | — |",
        "",
        f"CPU time, 汇总表 ÷ baseline: {results[0][1][1] / results[1][1][1]:.2f}; "
        f"明细表 ÷ baseline: {results[2][1][1] / results[3][1][1]:.2f}. The baseline writes the same values with "
        "openpyxl's write-only mode and nothing else; the difference is the styles, merged headers, page setup "
        "and the checks on every text cell (formula-like text kept as text).",
        "",
        "Wall seconds include time spent waiting for a core when others share the machine (see the load "
        "average); the CPU seconds are the figure to compare between runs.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
