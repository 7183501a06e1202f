"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaoping.audit.models import AuditEvent

GENESIS = "0" * 64
_RETRIES = 8


def _canonical(event: AuditEvent) -> str:
    return json.dumps(
        {
            "chain": event.chain,
            "seq": event.seq,
            "at": event.at.isoformat(),
            "actor": event.actor_id,
            "actor_label": event.actor_label,
            "action": event.action,
            "object": [event.object_type, event.object_id, event.field],
            "old": event.old,
            "new": event.new,
            "reason": event.reason,
        },
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )


def entry_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + _canonical(event)).encode()).hexdigest()


def audit_record(
    *,
    chain: str,
    action: str,
    object_type: str,
    object_id: object,
    actor: Any = None,
    field: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to ``chain``. Concurrent writers race on (chain, seq); the loser retries."""
    for _attempt in range(_RETRIES):
        try:
            with transaction.atomic():
                return _append(chain, action, object_type, str(object_id), actor, field, old, new, reason)
        except IntegrityError:
            continue
    raise RuntimeError(f"audit chain {chain} is too contended")


def _append(
    chain: str,
    action: str,
    object_type: str,
    object_id: str,
    actor: Any,
    field: str,
    old: Any,
    new: Any,
    reason: str,
) -> AuditEvent:
    last = AuditEvent.objects.filter(chain=chain).order_by("-seq").first()
    event = AuditEvent(
        chain=chain,
        seq=(last.seq + 1) if last else 1,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        field=field,
        old=_jsonable(old),
        new=_jsonable(new),
        reason=reason,
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = entry_hash(event.prev_hash, event)
    event.save()
    return event


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str)) if value is not None else None


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    head: str
    count: int
    broken_at: int | None = None  # seq of the first bad entry


def verify_chain(chain: str) -> ChainCheck:
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in AuditEvent.objects.filter(chain=chain).order_by("seq").iterator():
        if event.seq != expected_seq or event.prev_hash != prev or entry_hash(prev, event) != event.hash:
            return ChainCheck(ok=False, head=prev, count=count, broken_at=expected_seq)
        prev = event.hash
        expected_seq += 1
        count += 1
    return ChainCheck(ok=True, head=prev, count=count)


def history(object_type: str, object_id: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor")
        .order_by("at", "seq")
    )
