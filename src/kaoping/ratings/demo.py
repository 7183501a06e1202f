"""Demo data for live rating: an example's ``ballots.csv`` cast through real rating sessions.

Per rating component the organizer's path is followed — session_create, session_go_live,
credentials_issue, unit_open, unit_close, session_close, session_destroy_links — so the audit chain,
the stored unit results and ``kaoping verify-session`` are exactly what a meeting leaves behind.
Only the casting is bulk: Ballot rows are written as ``ballot_submit`` writes them (the per-unit
tag of the rater's sheet key, the sealed sheet key where the scheme has sheet rules, receipt hash,
request digest, fresh idempotency key).

One credential is issued per ballot *sheet* of the CSV (a rater fills one sheet per category of
units, and quotas apply per sheet). Grades on the rater's own unit are skipped, as the live page
refuses them. Paper sheets that break a quota or are all identical are stored as cast and judged
invalid by the engine at the session's close (the live page would refuse them at entry).
"""

from __future__ import annotations

import csv
import random
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.selectors import current_scheme
from kaoping.engine.model import ComponentMethod
from kaoping.ratings import keys, scoring, selectors, services, tokens
from kaoping.ratings.models import Ballot, RaterCredential, RatingSession, SessionUnit


@dataclass(frozen=True)
class _Row:
    rater: str
    group: str
    rater_unit: str
    unit: str
    grade: str
    sheet: str


def _read(path: Path) -> Iterator[tuple[str, _Row]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            rater = (record.get("rater") or "").strip()
            yield (
                (record.get("component") or "").strip(),
                _Row(
                    rater=rater,
                    group=(record.get("rater_group") or "").strip(),
                    rater_unit=(record.get("rater_unit") or "").strip(),
                    unit=(record.get("unit") or "").strip(),
                    grade=(record.get("grade") or "").strip(),
                    sheet=(record.get("sheet") or "").strip() or rater,
                ),
            )


def load_example_ballots(campaign: Campaign, path: Path, actor: Any = None) -> list[RatingSession]:
    """One closed live session per rating component of the scheme, holding the CSV's grades."""
    scheme = current_scheme(campaign)
    if scheme is None:
        return []
    rows_by_component: dict[str, list[_Row]] = {}
    for component_id, row in _read(path):
        rows_by_component.setdefault(component_id, []).append(row)
    units = {
        u.organization.code: u for u in CampaignUnit.objects.filter(campaign=campaign).select_related("organization")
    }
    sessions = []
    for component in scheme.components:
        if component.method is ComponentMethod.RATING and rows_by_component.get(component.id):
            sessions.append(
                _load_component(campaign, component.id, component.name, rows_by_component[component.id], units, actor)
            )
    return sessions


def _load_component(
    campaign: Campaign, component_id: str, name: str, rows: list[_Row], units: dict[str, CampaignUnit], actor: Any
) -> RatingSession:
    with transaction.atomic():
        session = services.session_create(
            campaign=campaign,
            component_id=component_id,
            name=name,
            # 五大重点工作测评: the raters see each unit's targets and the key tasks (docs/goals.md)
            show_goals="重点工作" in name,
            actor=actor,
        )
        services.session_go_live(session=session, actor=actor)
        session.refresh_from_db()
        sheets = _sheets(rows, units)
        batch = services.credentials_issue(session=session, raters=list(sheets.values()), actor=actor)
        credentials = dict(zip(sheets, batch.entries, strict=True))
        session_units = list(SessionUnit.objects.filter(session=session).order_by("position"))
        for unit in session_units:
            services.unit_open(session=session, session_unit=unit, actor=actor)
        _cast(session, rows, units, credentials, {su.campaign_unit_id: su for su in session_units})
        for unit in session_units:
            services.unit_close(session=session, session_unit=unit, actor=actor)
        services.session_close(session=session, actor=actor)
        services.session_destroy_links(session=session, actor=actor)
        session.refresh_from_db()
    return session


def _sheets(rows: list[_Row], units: dict[str, CampaignUnit]) -> dict[str, services.RaterSpec]:
    sheets: dict[str, services.RaterSpec] = {}
    for row in rows:
        if row.sheet not in sheets:
            own = units.get(row.rater_unit)
            label = row.rater if row.sheet == row.rater else f"{row.rater}({row.sheet})"
            sheets[row.sheet] = services.RaterSpec(label=label, group=row.group, own_unit_id=own.pk if own else None)
    return sheets


def _cast(
    session: RatingSession,
    rows: list[_Row],
    units: dict[str, CampaignUnit],
    credentials: dict[str, dict[str, Any]],
    session_units: dict[int, SessionUnit],
) -> None:
    """What ``ballot_submit`` stores for each grade, written in bulk."""
    spec = scoring.session_spec(session)
    allowed = set(scoring.allowed_grades(spec))
    sealer = keys.Sealer(session.public_id) if scoring.has_sheet_rules(spec) else None
    by_pk = {c.pk: c for c in RaterCredential.objects.filter(session=session)}
    sheet_keys = {
        sheet: selectors.credential_secrets(by_pk[entry["credential"]], session=session)[0]
        for sheet, entry in credentials.items()
    }
    ballots: list[Ballot] = []
    seen: set[tuple[str, int]] = set()
    for row in rows:
        target = units.get(row.unit)
        if target is None or row.grade not in allowed:
            raise ValueError(f"选票数据有误:单位“{row.unit}”或等次“{row.grade}”不在本考核中")
        own = units.get(row.rater_unit)
        if (own is not None and own.pk == target.pk) or (row.sheet, target.pk) in seen:
            continue  # the live page refuses a grade for one's own unit, and a second grade per unit
        seen.add((row.sheet, target.pk))
        unit = session_units[target.pk]
        receipt = secrets.token_hex(16)
        sheet_key = sheet_keys[row.sheet]
        ballots.append(
            Ballot(
                session=session,
                session_unit=unit,
                rater_group=row.group,
                grade=row.grade,
                receipt_hash=tokens.receipt_hash(receipt),
                idem_key=uuid.uuid4(),
                request_digest=tokens.request_digest(unit.pk, row.grade, receipt),
                tag=tokens.unit_tag(sheet_key, unit.pk),
                sealed_sheet=None if sealer is None else sealer.seal("sheet", bytes.fromhex(sheet_key)),
                is_test=False,
            )
        )
    random.SystemRandom().shuffle(ballots)
    Ballot.objects.bulk_create(ballots, batch_size=500)
