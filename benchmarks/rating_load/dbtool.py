"""Database side of the live-rating load harness (runs inside Django, in its own process).

python benchmarks/rating_load/dbtool.py seed --raters 500 --units 30 --out seed.json [--policy final]
python benchmarks/rating_load/dbtool.py drop-constraints      # negative control only
python benchmarks/rating_load/dbtool.py check --intents intents.json   # prints a JSON verdict
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

SCHEME: dict[str, Any] = {
    "scheme": {"id": "bench", "name": "现场测评压力测试", "year": 2026},
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
                    "grades": [
                        {"name": "好", "value": 100},
                        {"name": "良好", "value": 90},
                        {"name": "较好", "value": 80},
                        {"name": "一般", "value": 70},
                        {"name": "差", "value": 50},
                    ],
                },
                "groups": [
                    {"id": "leaders", "name": "局领导", "weight": 50},
                    {"id": "heads", "name": "处室负责人", "weight": 25},
                    {"id": "units", "name": "县区(学校)", "weight": 25},
                ],
                "trim": {"above": 5, "per_side": 1, "scope": "group"},
            },
        }
    ],
}
GROUPS = ("leaders", "heads", "units")


def seed(raters: int, units: int, policy: str, out: Path) -> None:
    from kaoping.campaigns.models import Campaign, CampaignUnit, SchemeVersion
    from kaoping.orgs.models import Organization, OrgKind
    from kaoping.ratings import services
    from kaoping.ratings.models import SessionUnit

    with transaction.atomic():
        bureau = Organization.objects.create(name="压测教育局", code="bench", kind=OrgKind.CITY)
        campaign = Campaign.objects.create(owner=bureau, name="压测", year=2026)
        SchemeVersion.objects.create(campaign=campaign, number=1, data=SCHEME)
        orgs = [
            Organization.objects.create(name=f"压测学校{i:03d}", code=f"bench-{i}", parent=bureau) for i in range(units)
        ]
        for org in orgs:
            CampaignUnit.objects.create(campaign=campaign, organization=org, category="school")
    session = services.session_create(campaign=campaign, component_id="lide", name="压测会", revote_policy=policy)
    services.session_go_live(session=session)
    specs = [services.RaterSpec(f"评委{i}", GROUPS[i % 3]) for i in range(raters)]
    batch = services.credentials_issue(session=session, raters=specs)
    session.refresh_from_db()
    for unit in SessionUnit.objects.filter(session=session):
        services.unit_open(session=session, session_unit=unit)
    data = {
        "session": session.pk,
        "units": list(SessionUnit.objects.filter(session=session).values_list("pk", flat=True)),
        "tokens": [entry["token"] for entry in batch.entries],
        "vendor": connection.vendor,
    }
    out.write_text(json.dumps(data))


def drop_constraints() -> None:
    """Negative control: the same tables without their unique constraints (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        raise SystemExit("negative control needs PostgreSQL (SQLite serialises writers and hides the race)")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ratings_ballot DROP CONSTRAINT unique_ballot_per_sheet_and_unit")


def check(intents_path: Path) -> None:
    """Compare the DB with what the clients meant and what they were told.

    A rater's ballots are found as the server finds them: by the per-unit tag of the sheet key that
    signing in with the token gives (the session is still open, so its key still exists)."""
    from kaoping.ratings import services, tokens
    from kaoping.ratings.models import Ballot, RatingSession

    intents = json.loads(intents_path.read_text())
    session = RatingSession.objects.get(pk=intents["session"])
    stored = {(b["tag"], b["session_unit_id"]): b for b in Ballot.objects.filter(session=session).values()}
    duplicate_ballots = (
        Ballot.objects.filter(session=session)
        .values("tag", "session_unit_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    lost = wrong = receipt_missing = 0
    receipts = set(Ballot.objects.filter(session=session).values_list("receipt_hash", flat=True))
    for token, wanted in intents["intents"].items():
        sheet = services.credential_exchange(token=token).sheet
        for unit_id, grade in wanted.items():
            ballot = stored.get((tokens.unit_tag(sheet, int(unit_id)), int(unit_id)))
            if ballot is None:
                lost += 1
            elif ballot["grade"] != grade:
                wrong += 1
    for receipt in intents["acknowledged"]:
        if tokens.receipt_hash(receipt) not in receipts:
            receipt_missing += 1
    expected = sum(len(w) for w in intents["intents"].values())
    print(
        json.dumps(
            {
                "expected": expected,
                "stored": Ballot.objects.filter(session=session).count(),
                "lost": lost,
                "wrong": wrong,
                "duplicate_ballot_pairs": duplicate_ballots,
                "acknowledged_receipts_missing": receipt_missing,
                "storage_ok": storage_ok(),
            }
        )
    )


def storage_ok() -> bool:
    """The database's own consistency check after the run: SQLite ``PRAGMA integrity_check``; on
    PostgreSQL amcheck (what pg_amcheck runs) over the rating tables and their B-tree indexes."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            return [row[0] for row in cursor.fetchall()] == ["ok"]
        cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        cursor.execute(
            "SELECT c.oid, c.relkind FROM pg_class c WHERE c.relname LIKE 'ratings\\_%%' AND c.relkind IN ('r', 'i')"
        )
        corrupt = 0
        for oid, kind in cursor.fetchall():
            if kind == "r":
                cursor.execute("SELECT count(*) FROM verify_heapam(%s)", [oid])
                corrupt += cursor.fetchone()[0]
            else:
                cursor.execute("SELECT bt_index_check(%s, true)", [oid])  # raises on corruption
        return corrupt == 0


def close_and_verify(session_id: int) -> None:
    from kaoping.ratings import services
    from kaoping.ratings.models import RatingSession
    from kaoping.ratings.verify import verify_session

    session = RatingSession.objects.get(pk=session_id)
    services.session_close(session=session)
    session.refresh_from_db()
    report = verify_session(session)
    print(json.dumps({"verify_ok": report.ok, "checked": report.checked, "discrepancies": report.discrepancies}))


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    seed_parser = sub.add_parser("seed")
    seed_parser.add_argument("--raters", type=int, default=500)
    seed_parser.add_argument("--units", type=int, default=30)
    seed_parser.add_argument("--policy", default="final")
    seed_parser.add_argument("--out", type=Path, required=True)
    sub.add_parser("drop-constraints")
    check_parser = sub.add_parser("check")
    check_parser.add_argument("--intents", type=Path, required=True)
    verify_parser = sub.add_parser("close-verify")
    verify_parser.add_argument("--session", type=int, required=True)
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.raters, args.units, args.policy, args.out)
    elif args.command == "drop-constraints":
        drop_constraints()
    elif args.command == "check":
        check(args.intents)
    else:
        close_and_verify(args.session)


if __name__ == "__main__":
    main()
