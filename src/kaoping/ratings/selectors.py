"""Reads of live rating: organizer pages, the rater's page, the board and the engine's ballots.

Nothing here ever returns who voted: the board shows counts per group and unit only, and grades
only after the unit (or session) is closed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Container, Iterable
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.http import Http404

from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.engine.inputs import Ballot as EngineBallot
from kaoping.ratings import keys, scoring, tokens
from kaoping.ratings.errors import RatingError
from kaoping.ratings.models import (
    RATING_SESSION_CHAIN,
    Ballot,
    RaterCredential,
    RatingSession,
    SessionMode,
    SessionStatus,
    SessionUnit,
    SlipBatch,
    UnitStatus,
)


def sessions_of(campaign: Campaign) -> QuerySet[RatingSession]:
    return RatingSession.objects.filter(campaign=campaign).order_by("-created_at")


def sessions_with_component_names(campaign: Campaign) -> list[RatingSession]:
    """The campaign's sessions, each with ``component_name`` (the name in its scheme, not the id)."""
    sessions = list(sessions_of(campaign))
    for session in sessions:
        try:
            session.component_name = scoring.session_component(session).name  # type: ignore[attr-defined]
        except (KeyError, ValueError):
            session.component_name = session.name  # type: ignore[attr-defined]
    return sessions


def managed_session(user: object, session_id: object) -> tuple[RatingSession, CampaignAccess]:
    """A session the user organizes, or 404 (a foreign session is never confirmed to exist)."""
    session = _session(session_id)
    _campaign, access = campaign_for(user, session.campaign_id)
    if not access.organizer:
        raise Http404
    return session, access


def board_session(user: object, session_id: object) -> RatingSession:
    """The board is for the organizer and the bureau's leaders (the room sees it on the screen)."""
    session = _session(session_id)
    _campaign, access = campaign_for(user, session.campaign_id)
    if not (access.organizer or access.leader):
        raise Http404
    return session


def _session(session_id: object) -> RatingSession:
    try:
        pk = int(str(session_id))
    except ValueError:
        raise Http404 from None
    session = RatingSession.objects.select_related("campaign", "scheme_version").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def session_units(session: RatingSession) -> list[SessionUnit]:
    return list(SessionUnit.objects.filter(session=session).select_related("campaign_unit__organization"))


def credential_rows(session: RatingSession, credentials: Iterable[RaterCredential]) -> list[dict[str, Any]]:
    """Rows for ``credentials`` (one page of them): the own unit is unsealed for these rows only."""
    units = dict(CampaignUnit.objects.filter(campaign_id=session.campaign_id).values_list("pk", "organization__name"))
    groups = group_names(session)
    try:
        sealer: keys.Sealer | None = keys.Sealer(session.public_id)
    except keys.SessionKeyMissing:
        sealer = None
    rows = []
    for credential in credentials:
        own = None
        if sealer is not None and credential.sealed_secrets:
            own = credential_secrets(credential, session=session, sealer=sealer)[1]
        rows.append(
            {
                "credential": credential,
                "group_name": groups.get(credential.rater_group, credential.rater_group),
                "own_unit": units.get(own, "") if own else "",
            }
        )
    return rows


def group_names(session: RatingSession) -> dict[str, str]:
    return {group.id: group.name for group in scoring.session_spec(session).groups}


def _counts(session: RatingSession) -> dict[int, dict[str, int]]:
    rows = (
        Ballot.objects.filter(session=session, is_test=session.is_test)
        .values("session_unit_id", "rater_group")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["session_unit_id"]][row["rater_group"]] = row["n"]
    return counts


def credential_secrets(
    credential: RaterCredential, *, session: RatingSession | None = None, sealer: keys.Sealer | None = None
) -> tuple[str, int | None]:
    """(sheet key, own campaign unit) of a credential, opened with the session's key."""
    session = session or credential.session
    try:
        data = (sealer or keys.Sealer(session.public_id)).unseal_json("credential", credential.sealed_secrets)
    except keys.SessionKeyMissing as missing:
        raise RatingError(503, str(missing)) from None
    own = data.get("own_unit")
    return str(data["sheet"]), own if isinstance(own, int) else None


def _due_counts(session: RatingSession, units: list[SessionUnit]) -> dict[int, dict[str, int]]:
    """Raters due per unit and group (active credentials, minus those from the unit itself)."""
    per_group: dict[str, int] = defaultdict(int)
    own: dict[tuple[int, str], int] = defaultdict(int)
    try:
        sealer: keys.Sealer | None = keys.Sealer(session.public_id)
    except keys.SessionKeyMissing:
        sealer = None  # the board still shows what was received; "due" then counts every rater
    for credential in RaterCredential.objects.filter(session=session, revoked=False):
        per_group[credential.rater_group] += 1
        own_unit = None if sealer is None else credential_secrets(credential, session=session, sealer=sealer)[1]
        if own_unit is not None:
            own[(own_unit, credential.rater_group)] += 1
    return {
        unit.pk: {group: n - own[(unit.campaign_unit_id, group)] for group, n in per_group.items()} for unit in units
    }


def due_counts(session: RatingSession, units: list[SessionUnit]) -> dict[int, dict[str, int]]:
    """While open: computed from the sealed own units; after the close: as snapshotted then."""
    if session.status == SessionStatus.CLOSED:
        stored = (session.final_results or {}).get("due") or {}
        return {unit.pk: dict(stored.get(str(unit.pk), {})) for unit in units}
    return _due_counts(session, units)


def board_state(session: RatingSession) -> dict[str, Any]:
    """What the room's screen shows: counts always, results only for closed units."""
    session.refresh_from_db(fields=["status", "mode", "chain_head", "final_results"])
    units = session_units(session)
    groups = scoring.session_spec(session).groups
    counts = _counts(session)
    expected = due_counts(session, units)
    closed = session.status == SessionStatus.CLOSED
    return {
        "session": {
            "name": session.name,
            "mode": session.mode,
            "mode_label": session.get_mode_display(),
            "status": session.status,
            "status_label": session.get_status_display(),
            "chain_head": session.chain_head if closed else "",
        },
        "groups": [{"id": group.id, "name": group.name} for group in groups],
        "units": [
            {
                "id": unit.pk,
                "position": unit.position,
                "name": unit.campaign_unit.organization.name,
                "status": unit.status,
                "status_label": unit.get_status_display(),
                "counts": [
                    {"group": g.id, "received": counts[unit.pk].get(g.id, 0), "due": expected[unit.pk].get(g.id, 0)}
                    for g in groups
                ],
                "received": sum(counts[unit.pk].values()),
                "result": unit.result if unit.status == UnitStatus.CLOSED else None,
            }
            for unit in units
        ],
    }


def rater_page(credential: RaterCredential, sheet: str, own_unit_id: int | None) -> dict[str, Any]:
    """The units this rater grades (never their own) and what they already handed in: the ballots
    whose tags this rater's sheet key gives, which nobody else can compute."""
    session = credential.session
    spec = scoring.session_spec(session)
    units = [u for u in session_units(session) if u.campaign_unit_id != own_unit_id]
    tags = [tokens.unit_tag(sheet, u.pk) for u in units]
    done = set(
        Ballot.objects.filter(session=session, is_test=session.is_test, tag__in=tags).values_list(
            "session_unit_id", flat=True
        )
    )
    return {
        "session": session,
        "grades": scoring.allowed_grades(spec),
        "abstain": spec.scale.abstain or "",
        "changeable": session.revote_policy == "changeable",
        "units": [
            {
                "id": u.pk,
                "name": u.campaign_unit.organization.name,
                "status": u.status,
                "done": u.pk in done,
            }
            for u in units
        ],
    }


def rater_status(credential: RaterCredential, sheet: str, own_unit_id: int | None) -> dict[str, Any]:
    """The small JSON the phone polls: unit states and which units this rater has handed in."""
    data = rater_page(credential, sheet, own_unit_id)
    return {
        "session_status": credential.session.status,
        "round": credential.session.round,
        "units": data["units"],
    }


def raw_ballots(session: RatingSession) -> QuerySet[Any]:
    """Anonymous ballots of closed units, in a random (UUID) order: no identity, no time."""
    return (
        Ballot.objects.filter(session=session, is_test=session.is_test, session_unit__status=UnitStatus.CLOSED)
        .order_by("id")
        .values(
            "id",
            "rater_group",
            "grade",
            "receipt_hash",
            "sheet",
            unit_name=F("session_unit__campaign_unit__organization__name"),
            position=F("session_unit__position"),
        )
    )


def receipt_lookup(session: RatingSession, receipt_hash: str) -> str | None:
    """The unit whose counted ballots include this receipt (never the grade)."""
    ballot = (
        Ballot.objects.filter(session=session, is_test=session.is_test, receipt_hash=receipt_hash)
        .select_related("session_unit__campaign_unit__organization")
        .first()
    )
    return ballot.session_unit.campaign_unit.organization.name if ballot else None


def engine_ballots(campaign: Campaign) -> list[EngineBallot]:
    """Live-mode ballots of closed units of every session of ``campaign``, for the standings.

    Unit ids are ``str(CampaignUnit.pk)``; rater ids are pseudonymous sheet ids.
    """
    return [ballot for ballots in engine_ballots_by_session(campaign).values() for ballot in ballots]


def engine_ballots_by_session(campaign: Campaign, only: Container[int] | None = None) -> dict[int, list[EngineBallot]]:
    """``engine_ballots`` per live session, every session in their order (with ``only``: the
    ballots of those sessions alone, the others' left out)."""
    by_session: dict[int, list[EngineBallot]] = {}
    for session in RatingSession.objects.filter(campaign=campaign, mode=SessionMode.LIVE):
        if only is not None and session.pk not in only:
            continue
        rows = (
            Ballot.objects.filter(session=session, is_test=False, session_unit__status=UnitStatus.CLOSED)
            .order_by("id")
            .values_list("sheet", "rater_group", "grade", "session_unit__campaign_unit_id")
        )
        by_session[session.pk] = scoring.engine_ballots(session.component_id, session.pk, rows)
    return by_session


def live_session_ids(campaign: Campaign) -> list[int]:
    """The campaign's live sessions in ``engine_ballots``' order."""
    return list(RatingSession.objects.filter(campaign=campaign, mode=SessionMode.LIVE).values_list("pk", flat=True))


def slip_batches(session: RatingSession) -> QuerySet[SlipBatch]:
    """The session's printed slip batches."""
    return SlipBatch.objects.filter(session=session)


def session_credentials(session: RatingSession) -> QuerySet[RaterCredential]:
    """Every rater's credential of the session (the slip list filters and pages it)."""
    return RaterCredential.objects.filter(session=session)


def signed_credential(credential_id: int, session_public_id: str) -> RaterCredential | None:
    """The credential a rater's signed cookie names, if it belongs to that session."""
    credential = RaterCredential.objects.select_related("session").filter(pk=credential_id).first()
    if credential is None or str(credential.session.public_id) != session_public_id:
        return None
    return credential


def ballots_version(campaign: Campaign) -> str:
    """A fingerprint of the ballots ``engine_ballots`` returns, from the session units alone.

    Those are the live, non-test ballots of closed units. A unit's ballots are written (shuffled
    under fresh ids) in the same transaction that closes it and never change while it is closed;
    only a session reset reopens it (and moves the session's round), and only the session's close
    rewrites them again (and moves its status). Within one round of a session units only ever
    become closed, so per session its round, status, how many units are closed and the sum of
    their ids change exactly when the counted ballots do. No ballot and no unit row is read: one
    grouped query, a row per session (counting 200,000 ballots per page view took ≈0.1 s, and
    reading 20,000 closed units ≈0.25 s).
    """
    rows = [(session, *row) for session, row in counted_sessions(campaign).items()]
    if not rows:
        return "-"
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


# Audited events of a rating session after which the ballots the standings count may differ.
COUNTED_BALLOT_ACTIONS = frozenset({"rating_unit_closed", "rating_session_closed", "rating_went_live"})


def campaign_of_counted_ballots_event(chain: str, action: str) -> int | None:
    """The campaign whose counted ballots an audit event may have moved (a live session's unit or
    the session closed, a session went live), or None for any other event."""
    session = chain.removeprefix(RATING_SESSION_CHAIN)
    if session == chain or action not in COUNTED_BALLOT_ACTIONS or not session.isdigit():
        return None
    live = RatingSession.objects.filter(pk=int(session), mode=SessionMode.LIVE)
    campaign: int | None = live.values_list("campaign_id", flat=True).first()
    return campaign


def counted_sessions(campaign: Campaign) -> dict[int, tuple[Any, ...]]:
    """Per live session with a closed unit: (round, status, closed units, the sum of their ids),
    which move exactly when the session's counted ballots do (``ballots_version``)."""
    closed = (
        SessionUnit.objects.filter(session__campaign=campaign, session__mode=SessionMode.LIVE, status=UnitStatus.CLOSED)
        .values_list("session_id", "session__round", "session__status")
        .annotate(closed=Count("pk"), ids=Sum("pk"))
        .order_by("session_id")
    )
    return {session: tuple(row) for session, *row in closed}
