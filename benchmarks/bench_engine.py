"""Engine benchmark at province scale (not part of the test suite).

    .venv/bin/python benchmarks/bench_engine.py            # 1,000 / 5,000 / 10,000 / 20,000 units
    .venv/bin/python benchmarks/bench_engine.py --sizes 1000 5000

A generated campaign: N units in 4 categories, each with a 100-item indicator table (10
sections × 10 items; most items manual, one in ten driven by a rule over a figure), and a live
rating with 3 rater groups and 10 ballots per unit (200,000 ballots at 20,000 units).

Each size runs in a fresh subprocess so its peak memory (``ru_maxrss``) is its own. In the same
run two baselines add up the same item scores: a plain-Python Decimal loop, and NumPy. The
script prints a markdown table and writes it to benchmarks/results/engine.md.
Targets at 20,000 units: scoring within 3× the Decimal loop of the same run, and peak memory
< 1 GB. The cyclic garbage collector is paused around ``score()`` as a caller at this scale does
(the engine itself never switches it).

    .venv/bin/python benchmarks/bench_engine.py --digest 20000

prints a digest of every unit's total, grade, stars, rank and component scores (and with
``--digest-text`` of every explanation), to compare two versions of the engine digit for digit.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "engine.md"
SIZES = (1_000, 5_000, 10_000, 20_000)
ITEMS_PER_UNIT = 100
BALLOTS_PER_UNIT = 10
RATERS = 2_000
RATIO_TARGET = 3.0  # engine ÷ the Decimal loop of the same run
MEMORY_TARGET_MB = 1_024
SEED = 20_000


# --------------------------------------------------------------------------- the campaign


def build_scheme() -> Any:
    from kaoping.engine.model import (
        BallotRules,
        Category,
        Component,
        ComponentMethod,
        GradeBand,
        GradeScale,
        Indicator,
        Quota,
        RankingSpec,
        RaterGroup,
        RatingSpec,
        RuleSpec,
        ScaleGrade,
        Scheme,
        StarTier,
        TieBreak,
        TieBreakKind,
        TiePolicy,
        TrimSpec,
    )

    sections = []
    for s in range(1, 11):
        leaves = []
        for i in range(1, 11):
            rule = None
            if i == 10:  # one item in ten follows a figure: 每低1个百分点扣0.1分
                rule = RuleSpec(
                    "deduct_per_unit_short",
                    {"figure": "ratio", "standard": 90, "deduct": "0.1", "unit": "%", "rounding": {"places": 1}},
                )
            leaves.append(Indicator(f"{s}.{i}", f"指标{s}.{i}", Decimal(1), rule=rule))
        sections.append(Indicator(str(s), f"一级指标{s}", Decimal(10), children=tuple(leaves)))
    grades = (("好", 100), ("良好", 90), ("较好", 80), ("一般", 70), ("差", 50))
    rating = RatingSpec(
        scale=GradeScale(tuple(ScaleGrade(n, Decimal(v)) for n, v in grades), abstain="不了解"),
        groups=(
            RaterGroup("leaders", "局领导", Decimal(50)),
            RaterGroup("heads", "处室负责人", Decimal(25)),
            RaterGroup("units", "县区(学校)", Decimal(25)),
        ),
        trim=TrimSpec(above=5, per_side=1),
        ballot_rules=BallotRules(all_identical_invalid=True, min_valid_ballots=3),
    )
    categories = tuple(
        Category(cid, name, ("table", "rating"))
        for cid, name in (
            ("county", "县(区)教育行政部门"),
            ("school", "局属学校"),
            ("provincial", "省属事业单位办学校"),
            ("private", "市管民办学历教育学校"),
        )
    )
    return Scheme(
        id="bench",
        name="省级规模基准",
        year=2024,
        categories=categories,
        components=(
            Component("table", "量化考核", Decimal(100), ComponentMethod.INDICATORS, indicators=tuple(sections)),
            Component("rating", "述职测评", Decimal(100), ComponentMethod.RATING, rating=rating),
        ),
        grade_bands=(
            GradeBand("优秀", min_percent=Decimal(90), quota=Quota(Decimal(20))),
            GradeBand("良好", min_percent=Decimal(80)),
            GradeBand("合格", min_percent=Decimal(60)),
            GradeBand("不合格"),
        ),
        stars=(StarTier("五星级", 5, Decimal(190)), StarTier("四星级", 4, Decimal(170))),
        ranking=RankingSpec(ties=TiePolicy.CHAIN, chain=(TieBreak(TieBreakKind.COMPONENT, "rating"),)),
    )


def build_inputs(scheme: Any, units: int) -> Any:
    from kaoping.engine.inputs import Ballot, Inputs, ItemInput, Unit

    rng = random.Random(SEED + units)
    categories = [c.id for c in scheme.categories]
    unit_list = tuple(Unit(f"u{n:05d}", f"单位{n}", categories[n % 4]) for n in range(units))
    # Scores are parsed from text, as a reader would; the pool only keeps generation quick.
    pool = [Decimal(text) for text in ("1", "1", "1", "0.9", "0.8", "0.5", "0")]
    leaves = [leaf for top in scheme.components[0].indicators for leaf in top.leaves()]
    items = []
    for unit in unit_list:
        for leaf in leaves:
            if leaf.rule is None:
                items.append(ItemInput(unit.id, leaf.id, reviewed_score=rng.choice(pool)))
            else:
                ratio = Decimal(rng.randint(7500, 10000)) / 100
                items.append(ItemInput(unit.id, leaf.id, figures={"ratio": ratio}))
    grades = ("好", "良好", "较好", "一般", "差")
    groups = ("leaders", "heads", "units", "units", "heads", "units", "heads", "units", "leaders", "units")
    ballots = []
    for n, unit in enumerate(unit_list):
        quality = rng.random()
        for j in range(BALLOTS_PER_UNIT):
            rater = (n * 7 + j * 211) % RATERS
            index = min(4, max(0, int((1 - quality) * 4 + rng.gauss(0, 0.8))))
            ballots.append(
                Ballot(
                    "rating", f"r{rater:04d}", groups[j], unit.id, grades[index], sheet=f"s{rater:04d}-{unit.category}"
                )
            )
    return Inputs(units=unit_list, items=tuple(items), ballots=tuple(ballots))


# --------------------------------------------------------------------------- one size


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def measure(units: int) -> dict[str, Any]:
    import numpy as np

    from kaoping.engine import score

    scheme = build_scheme()
    inputs = build_inputs(scheme, units)
    gc.collect()
    before_mb = _maxrss_mb()

    gc.disable()  # the caller's switch (see engine.scoring.score)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = score(scheme, inputs)
    engine_s = time.perf_counter() - started
    engine_cpu_s = time.process_time() - cpu_started
    gc.enable()
    peak_mb = _maxrss_mb()
    assert len(result.units) == units

    # Baseline 1: plain Python adds up the same item scores with Decimal.
    scores = [item.reviewed_score if item.reviewed_score is not None else Decimal(1) for item in inputs.items]
    started, cpu_started = time.perf_counter(), time.process_time()
    totals: dict[str, Decimal] = {}
    for item, value in zip(inputs.items, scores, strict=True):
        totals[item.unit_id] = totals.get(item.unit_id, Decimal(0)) + value
    decimal_s = time.perf_counter() - started
    decimal_cpu_s = time.process_time() - cpu_started

    # Baseline 2: NumPy sums the same numbers (as float64: fast, but not exact).
    matrix = np.array([float(v) for v in scores], dtype=np.float64).reshape(units, ITEMS_PER_UNIT)
    started = time.perf_counter()
    np_totals = matrix.sum(axis=1)
    numpy_s = time.perf_counter() - started
    assert len(np_totals) == len(totals) == units

    return {
        "units": units,
        "items": len(inputs.items),
        "ballots": len(inputs.ballots),
        "engine_s": engine_s,
        "engine_cpu_s": engine_cpu_s,
        "decimal_s": decimal_s,
        "decimal_cpu_s": decimal_cpu_s,
        "numpy_s": numpy_s,
        "inputs_mb": before_mb,
        "peak_mb": peak_mb,
    }


def profile(units: int, top: int = 25) -> str:
    import cProfile
    import io
    import pstats

    from kaoping.engine import score

    scheme = build_scheme()
    inputs = build_inputs(scheme, units)
    profiler = cProfile.Profile()
    gc.disable()
    profiler.enable()
    score(scheme, inputs)
    profiler.disable()
    gc.enable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def digest(units: int, *, with_text: bool = False) -> str:
    """sha256 of every unit's numbers (and explained tree): equal digests, identical results."""
    import hashlib

    from kaoping.engine import explain_unit, score

    scheme = build_scheme()
    inputs = build_inputs(scheme, units)
    gc.disable()
    result = score(scheme, inputs)
    numbers, texts = hashlib.sha256(), hashlib.sha256()
    for unit in result.units:
        components = [(c.component_id, str(c.score), str(c.raw)) for c in unit.components]
        flags = [flag.message for flag in unit.flags]
        record = (unit.unit_id, str(unit.total), unit.grade, unit.stars, unit.rank, components, flags)
        numbers.update(repr(record).encode())
        if with_text:
            texts.update(explain_unit(unit).encode())
            for component in unit.components:
                if component.rating is not None:
                    texts.update(component.rating.explanation.encode())
    text = f", explanations {texts.hexdigest()[:16]}" if with_text else ""
    return f"{units:,} units: totals/grades/stars/ranks/components {numbers.hexdigest()[:16]}{text}"


# --------------------------------------------------------------------------- report


def run_child(units: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", str(units)], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"benchmark at {units} units failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| units | items | ballots | engine s | engine CPU s | µs/item | Decimal loop s | NumPy s "
        "| engine ÷ Decimal | engine ÷ NumPy "
        "| RSS after inputs MB | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['units']:,} | {row['items']:,} | {row['ballots']:,} | {row['engine_s']:.2f} "
            f"| {row['engine_cpu_s']:.2f} "
            f"| {row['engine_s'] / row['items'] * 1e6:.2f} | {row['decimal_s']:.3f} | {row['numpy_s']:.4f} "
            f"| {row['engine_s'] / row['decimal_s']:.1f}× | {row['engine_s'] / row['numpy_s']:,.0f}× "
            f"| {row['inputs_mb']:,.0f} | {row['peak_mb']:,.0f} |"
        )
    return "\n".join(lines)


def verdict(rows: list[dict[str, Any]]) -> str:
    largest = max(rows, key=lambda r: r["units"])
    smallest = min(rows, key=lambda r: r["units"])
    wall, cpu = largest["engine_s"], largest["engine_cpu_s"]
    ratio_wall = wall / largest["decimal_s"]
    ratio_cpu = cpu / largest["decimal_cpu_s"]
    growth = ""
    if largest is not smallest:
        factor = largest["units"] / smallest["units"]
        ratio = cpu / smallest["engine_cpu_s"]
        growth = f" CPU time grows {ratio:.1f}× for {factor:.0f}× the units (linear would be {factor:.0f}×)."
    return (
        f"At {largest['units']:,} units: scoring took {wall:.2f} s wall, {cpu:.2f} s CPU, "
        f"{ratio_wall:.1f}× the Decimal loop's wall time and {ratio_cpu:.1f}× its CPU time "
        f"(target ≤ {RATIO_TARGET:.0f}×: wall {_meets(ratio_wall <= RATIO_TARGET)}, "
        f"CPU {_meets(ratio_cpu <= RATIO_TARGET)}); peak RSS {largest['peak_mb']:,.0f} MB "
        f"(target < 1 GB: {_meets(largest['peak_mb'] < MEMORY_TARGET_MB)}).{growth}"
    )


def _meets(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=int, metavar="UNITS", help="print a cProfile of one run and exit")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/engine.md")
    parser.add_argument("--digest", type=int, metavar="UNITS", help="print a digest of the results and exit")
    parser.add_argument("--digest-text", action="store_true", help="with --digest: every explanation too")
    args = parser.parse_args()
    if args.digest:
        print(digest(args.digest, with_text=args.digest_text))
        return
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    if args.profile:
        print(profile(args.profile))
        return
    rows = []
    for units in args.sizes:
        rows.append(run_child(units))
        print(f"… {units:,} units: {rows[-1]['engine_s']:.2f} s", file=sys.stderr)
    report = "\n".join(
        [
            "# Engine benchmark",
            "",
            f"`benchmarks/bench_engine.py` on {platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}, {_cpus()} CPUs, load average {_load()} when it ended. "
            f"{ITEMS_PER_UNIT} items and {BALLOTS_PER_UNIT} ballots per unit; each size in a fresh process. "
            "A load above the CPU count means other work shared the machine: read CPU seconds then.",
            "",
            table(rows),
            "",
            verdict(rows),
            "",
            "Baselines add up the same 100 item scores per unit and nothing else: the engine also applies "
            "rules, explains every number (item texts shared between units with the same value; a rating's "
            "formula and a grade's and a rank's reasons formatted when first read), aggregates the ballots "
            "(trimmed mean, group weights, sheet checks), grades with quotas, ranks with a tie-break chain "
            "and assigns stars. The cyclic garbage collector is paused around `score()`, as a caller at this "
            "scale does. NumPy uses float64, which the engine must not (Decimal, 四舍五入).",
            "",
        ]
    )
    print(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report, encoding="utf-8")


def _load() -> str:
    import os

    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
