"""Live-rating load, fault and race benchmark against the real server (not part of the test suite).

    .venv/bin/python benchmarks/bench_rating.py                  # full size (research §8 A)
    .venv/bin/python benchmarks/bench_rating.py --raters 500 --units 6 --meeting-units 3

Scenarios, each on a fresh database and a fresh gunicorn started with kaoping.config.gunicorn
(the production settings; --workers/--threads/--worker-class override them):

* stress  — (T-A1) every rater submits every unit as fast as it can (closed loop); 10 % of
            acknowledged requests re-sent, 2 % of first attempts time out after 5 ms and are
            retried with the same key. Pass: ≥ 400 ballots/s, ≤ 60 s, no 5xx. SQLite and PostgreSQL.
* stress with kills — (T-A4) the same, with --kills gunicorn workers SIGKILLed, spread evenly over
            the run's progress; and once more with the master and every worker SIGKILLed half-way
            and the server started again.
* meeting — (T-A2) per unit, the raters' ballots are spread uniformly over a 2-s window.
            Pass: p50 ≤ 10 ms, p99 ≤ 50 ms, max ≤ 250 ms.
* BASELINE — the stress and meeting runs against baseline_app.py, the bare write path of research
            §7 on the same tables, just before Kaoping's: the report gives Kaoping ÷ baseline, so a
            slow host shows as a slow baseline rather than as a slow Kaoping.
* race    — (T-A3) every (rater, unit) pair is sent 4 times at once with different keys
            (final-on-submit): exactly one 201 and three 409 per pair.
* race, negative control — the same on tables whose unique constraints were dropped, with the
            service switched to check-then-insert: it must show duplicated pairs (PostgreSQL).

After each run the database is compared with every client's intent (0 lost, 0 duplicated, 0
wrong, 0 acknowledged receipts missing), the database checks its own storage (SQLite
``PRAGMA integrity_check``, PostgreSQL amcheck) and, except for races, the session is closed and
`verify_session`'s independent SQL recount is compared with the engine's results.
Writes benchmarks/results/rating.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.rating_load.harness import Config, integrity_ok, run  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "rating.md"


def scenarios(args: argparse.Namespace) -> list[tuple[str, Config]]:
    pg = {"postgres_url": args.postgres_url}
    common = {"workers": args.workers, "threads": args.threads, "worker_class": args.worker_class}
    out: list[tuple[str, Config]] = []
    for db in args.dbs:
        extra = pg if db == "postgres" else {}
        out.append(
            (
                f"BASELINE stress {db}, 10 % re-sends, 2 % timeouts",
                Config(db=db, raters=args.raters, units=args.units, app="baseline", **common, **extra),
            )
        )
        out.append(
            (
                f"stress {db} (T-A1), 10 % re-sends, 2 % timeouts",
                Config(db=db, raters=args.raters, units=args.units, **common, **extra),
            )
        )
        out.append(
            (
                f"stress {db}, {args.kills} worker SIGKILLs spread over the run",
                Config(
                    db=db,
                    raters=args.raters,
                    units=args.units,
                    kills=args.kills,
                    **common,
                    **extra,
                ),
            )
        )
        out.append(
            (
                f"stress {db}, master and all workers SIGKILLed half-way, then restarted",
                Config(db=db, raters=args.raters, units=args.units, restart=True, **common, **extra),
            )
        )
        meeting = {
            "db": db,
            "mode": "meeting",
            "raters": args.raters,
            "units": args.meeting_units,
            "window": args.window,
            "resend": 0.0,
            "timeouts": 0.0,
        }
        out.append((f"BASELINE meeting {db}", Config(**meeting, app="baseline", **common, **extra)))
        out.append((f"meeting {db}, {args.window:g}-s window per unit", Config(**meeting, **common, **extra)))
    if "postgres" in args.dbs:
        race = {"raters": args.race_raters, "units": args.race_units, **common, **pg}
        out.append(("race postgres (UniqueConstraint)", Config(db="postgres", mode="race", **race)))
        out.append(
            ("race postgres, NEGATIVE CONTROL (no constraint)", Config(db="postgres", mode="race", unsafe=True, **race))
        )
    return out


def row(name: str, report: dict[str, Any]) -> str:
    c = report["config"]
    verdict = "integrity OK" if integrity_ok(report) else "integrity FAIL"
    if c["unsafe"]:
        verdict = "control detects duplicates" if report["duplicate_ballot_pairs"] > 0 else "CONTROL FAILED TO DETECT"
    missed = targets_missed(report)
    verdict += "; targets met" if not missed else "; **missed: " + ", ".join(missed) + "**"
    kills = str(report["worker_kills"]) if report["restart_s"] is None else f"all, back in {report['restart_s']} s"
    return (
        f"| {name} | {c['raters']}×{c['units']} | {report['requests']} | {report['wall_s']} | "
        f"{report['ballots_per_s']} | "
        f"{report['p50_ms']} | {report['p99_ms']} | {report['max_ms']} | {kills} | "
        f"{report['connection_errors']}/{report['client_timeouts']}/{report['server_errors']} | "
        f"{report['stored']}/{report['expected']} | "
        f"{report['lost']}/{report['duplicate_ballot_pairs']}/{report['wrong']}/"
        f"{report['acknowledged_receipts_missing']} | {'ok' if report['storage_ok'] else 'FAIL'} | "
        f"{'—' if 'verify_ok' not in report else ('0 差异' if report['verify_ok'] else 'DIFF')} | {verdict} |"
    )


def targets_missed(report: dict[str, Any]) -> list[str]:
    """Research §8 T-A1 (closed-loop stress) and T-A2 (meeting-shaped) pass marks."""
    c, missed = report["config"], []
    if c["app"] == "baseline":
        return missed
    if c["mode"] == "meeting":
        for key, limit in (("p50_ms", 10), ("p99_ms", 50), ("max_ms", 250)):
            if report[key] > limit:
                missed.append(f"{key.removesuffix('_ms')} ≤ {limit} ms")
    elif c["mode"] == "stress" and not c["kills"] and not c["restart"]:
        if report["ballots_per_s"] < 400:
            missed.append("≥ 400 ballots/s")
        if report["wall_s"] > 60:
            missed.append("wall ≤ 60 s")
    if report["server_errors"]:
        missed.append("0 HTTP 5xx")
    return missed


def ratios(reports: list[dict[str, Any]]) -> list[str]:
    """Kaoping against the bare write path (baseline_app.py) measured just before it, same host."""
    lines = [
        "",
        "Against the same-run baseline (benchmarks/rating_load/baseline_app.py: the bare research §7 write",
        "path, same gunicorn settings, same clients, same database checks):",
        "",
        "| scenario | baseline | Kaoping | Kaoping ÷ baseline |",
        "|---|---|---|---|",
    ]
    baselines = {(r["config"]["db"], r["config"]["mode"]): r for r in reports if r["config"]["app"] == "baseline"}
    for report in reports:
        c = report["config"]
        base = baselines.get((c["db"], c["mode"]))
        if c["app"] != "kaoping" or base is None or c["kills"] or c["restart"] or c["unsafe"]:
            continue
        keys = ("ballots_per_s",) if c["mode"] == "stress" else ("p50_ms", "p99_ms", "max_ms")
        for key in keys:
            ratio = report[key] / base[key] if base[key] else float("nan")
            lines.append(f"| {c['mode']} {c['db']}, {key} | {base[key]} | {report[key]} | {ratio:.2f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raters", type=int, default=500)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--meeting-units", type=int, default=5)
    parser.add_argument("--window", type=float, default=2.0)
    parser.add_argument("--race-raters", type=int, default=60)
    parser.add_argument("--race-units", type=int, default=5)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--dbs", nargs="+", default=["postgres", "sqlite"])
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    lines = [
        "# Live rating: load, fault and race figures",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}); load generator (aiohttp, one process) on "
        f"the same cores; gunicorn {args.worker_class} {args.workers} workers × {args.threads} threads "
        "(kaoping.config.gunicorn). "
        f"Load average before the run: {os.getloadavg()[0]:.1f}.",
        "",
        "| scenario | raters×units | requests | wall s | ballots/s | p50 ms | p99 ms | max ms | SIGKILLs | "
        "conn err/timeouts/5xx | stored/expected | lost/dup/wrong/receipt missing | storage check | "
        "verify_session | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    failed = False
    reports: list[dict[str, Any]] = []
    for name, config in scenarios(args):
        load = os.getloadavg()[0]
        report = run(config)
        reports.append(report)
        line = row(name, report).removesuffix(" |") + f" (load {load:.1f}) |"
        print(line, flush=True)
        print(json.dumps(report, ensure_ascii=False), file=sys.stderr, flush=True)
        lines.append(line)
        if config.unsafe:
            failed |= report["duplicate_ballot_pairs"] == 0
        else:
            failed |= not integrity_ok(report)
    lines += ratios(reports)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"→ {args.out}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
