"""Analytics benchmark at province scale (not part of the test suite).

    .venv/bin/python benchmarks/bench_analytics.py                 # 20,000 units, 200,000 ballots
    .venv/bin/python benchmarks/bench_analytics.py --units 2000

The campaign of benchmarks/bench_engine.py (N units in 4 categories, a 100-item indicator table,
a live rating with 3 rater groups and 10 ballots per unit). In the same run the baseline is the
engine's ``score()`` on the same data, which gives the item scores the analysis reads. Then
``kaoping.analytics.compute.analyse`` runs over the ballots and item scores: agreement, outlying
ballots, group leanings, rank robustness (1 + 6 runs of the engine's rating aggregation: each of
3 groups ±10 points) and item discrimination. Target: < 30 s at 20,000 units and 200,000
ballots. Writes benchmarks/results/analytics.md.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
RESULTS = HERE / "results" / "analytics.md"
TARGET_S = 30.0


def item_rows(result: Any) -> list[tuple[str, str, str, Any, Any]]:
    rows = []

    def walk(unit_id: str, items: Any) -> None:
        for item in items:
            if item.children:
                walk(unit_id, item.children)
            else:
                rows.append((unit_id, item.item_id, item.name, item.score, item.max))

    for unit in result.units:
        for component in unit.components:
            walk(unit.unit_id, component.items)
    return rows


def measure(units: int) -> dict[str, Any]:
    from bench_engine import build_inputs, build_scheme

    from kaoping.analytics.compute import analyse
    from kaoping.engine import score

    scheme = build_scheme()
    inputs = build_inputs(scheme, units)
    gc.disable()
    started = time.perf_counter()
    result = score(scheme, inputs)
    engine_s = time.perf_counter() - started
    gc.enable()
    rows = item_rows(result)
    steps: list[tuple[float, str]] = []
    started, cpu_started = time.perf_counter(), time.process_time()

    def report(done: int, total: int, step: str) -> None:
        steps.append((time.perf_counter() - started, step))

    gc.disable()  # as analytics.services runs it (and results.compute runs the engine)
    analysis = analyse(scheme, inputs.units, inputs.ballots, rows, report)
    analytics_s = time.perf_counter() - started
    analytics_cpu_s = time.process_time() - cpu_started
    gc.enable()
    rating = analysis["ratings"][0]
    robust = analysis["robustness"][0]
    return {
        "units": units,
        "ballots": len(inputs.ballots),
        "item_scores": len(rows),
        "engine_s": engine_s,
        "analytics_s": analytics_s,
        "analytics_cpu_s": analytics_cpu_s,
        "steps": steps,
        "w": rating["w"],
        "outliers": rating["outliers"],
        "moving": robust["moving_count"],
        "close": robust["close_count"],
        "full_items": analysis["items"]["full_count"],
    }


def report_text(row: dict[str, Any]) -> str:
    verdict = "met" if row["analytics_s"] < TARGET_S else "MISSED"
    phases = []
    marks = row["steps"]
    for (at, step), (after, _next) in itertools.pairwise(marks):
        if step:
            phases.append(f"| {step} | {after - at:.2f} |")
    return "\n".join(
        [
            "# Analytics benchmark",
            "",
            f"`benchmarks/bench_analytics.py` on {platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}; the campaign of bench_engine.py. Wall times on a 2-core machine shared with "
            "other work (the engine's own time there shows the load); CPU time is this process's.",
            "",
            "| units | ballots | item scores | engine score() s (baseline) | analytics s | analytics CPU s | target |",
            "|---:|---:|---:|---:|---:|---:|---|",
            f"| {row['units']:,} | {row['ballots']:,} | {row['item_scores']:,} | {row['engine_s']:.2f} "
            f"| {row['analytics_s']:.2f} | {row['analytics_cpu_s']:.2f} | < {TARGET_S:.0f} s: {verdict} |",
            "",
            f"Figures: Kendall's W between the groups {row['w']}, {row['outliers']:,} outlying ballots, "
            f"{row['moving']:,} units whose rank moves under ±10 points, {row['close']:,} ranks decided by "
            f"less than the rounding step, {row['full_items']} items with full marks everywhere.",
            "",
            "Time per phase of the analytics:",
            "",
            "| phase | seconds |",
            "|---|---:|",
            *phases,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    row = measure(args.units)
    text = report_text(row)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
