"""One campaign in one checksummed file (``kaoping archive-export``) and into another installation
(``kaoping archive-import``); what an auditor gets for an archived campaign. See docs/backup.md.

The file holds every row that belongs to the campaign (found by following foreign keys to it), the
organizations, departments and people those rows name, its evidence files and its audit chains
(``campaign:<id>`` and each rating session's) exactly as written, with a manifest of checksums.

Import rules (docs/backup.md, 导入规则):
- The campaign and all its rows get new ids: each model's ids are shifted by one offset, recorded.
- An organization is the local one with the same code; else the one local organization with the
  same name; else it is created (same name, code and kind, under its mapped parent if any).
- A department is the mapped bureau's department of the same name, created if missing.
- A person is never matched to a local account: each becomes a new inactive account without a
  password (``归档<file>-<username>``) that keeps the display name, so "who did what" survives and
  nobody gains access.
- Audit events keep their exact fields and hashes in ``ArchivedAuditEvent`` (their hashes cover the
  source's ids); the campaign's new chain starts with one event naming the file and those heads.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from kaoping.assessments.models import EvidenceFile
from kaoping.assessments.uploads import stored_path
from kaoping.audit.models import AuditEvent
from kaoping.audit.services import GENESIS, ChainCheck, audit_record, entry_hash
from kaoping.backup import rows
from kaoping.backup.container import BackupError, Writer, open_verified, sha256_of, temporary_folder
from kaoping.backup.full import SKIPPED_APPS, reset_sequences
from kaoping.backup.models import ArchivedAuditEvent, ImportedArchive
from kaoping.campaigns.models import Campaign
from kaoping.orgs.models import Department, Organization, User

KIND = "kaoping-campaign-archive"
VERSION = 1
# Apps whose rows never belong to one campaign (shared by the installation) or are derived.
_SHARED_APPS = frozenset({"orgs", "audit", "auth", "contenttypes", "backup", "web", "otp_totp"}) | SKIPPED_APPS
_AUDIT_FIELDS = [
    "chain",
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "field",
    "old",
    "new",
    "reason",
    "prev_hash",
    "hash",
]


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int
    evidence_files: int
    chains: dict[str, dict[str, Any]]


def campaign_models() -> list[tuple[type[models.Model], str]]:
    """(model, lookup to the campaign's id) for every model whose rows belong to one campaign."""
    found: list[tuple[type[models.Model], str]] = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in _SHARED_APPS or not model._meta.managed or model._meta.proxy:
            continue
        path = _path_to_campaign(model, frozenset())
        if path is not None:
            found.append((model, path))
    return found


def _path_to_campaign(model: type[models.Model], seen: frozenset[type[models.Model]]) -> str | None:
    if model is Campaign:
        return "pk"
    fields = sorted(
        (f for f in model._meta.concrete_fields if f.is_relation and f.related_model is not None),
        key=lambda f: (f.name != "campaign", f.name),
    )
    for field in fields:
        target = field.related_model
        if target in seen or target is model or target._meta.app_label in _SHARED_APPS:  # type: ignore[union-attr]
            continue
        rest = _path_to_campaign(target, seen | {model})  # type: ignore[arg-type]
        if rest is not None:
            return field.name if rest == "pk" else f"{field.name}__{rest}"
    return None


def chains_of(campaign: Campaign) -> list[str]:
    from kaoping.ratings.models import RatingSession

    sessions = RatingSession.objects.filter(campaign=campaign).order_by("pk")
    return [f"campaign:{campaign.pk}", *(session.chain for session in sessions)]


def _events(chain: str) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(chain=chain).order_by("seq")


def check_events(chain: str, events: Iterator[Any]) -> ChainCheck:
    """The audit app's own check (same ``entry_hash``), over events from anywhere: live rows, rows
    of ``ArchivedAuditEvent`` or unsaved ``AuditEvent`` objects read from a file."""
    prev, expected, count = GENESIS, 1, 0
    for event in events:
        probe = event if isinstance(event, AuditEvent) else AuditEvent(**{f: getattr(event, f) for f in _AUDIT_FIELDS})
        if (
            probe.chain != chain
            or probe.seq != expected
            or probe.prev_hash != prev
            or entry_hash(prev, probe) != probe.hash
        ):
            return ChainCheck(ok=False, head=prev, count=count, broken_at=expected)
        prev, expected, count = probe.hash, expected + 1, count + 1
    return ChainCheck(ok=True, head=prev, count=count)


def export_campaign(campaign: Campaign, out: Path) -> Exported:
    if not out.parent.is_dir():
        raise BackupError(f"输出目录不存在:{out.parent}")
    from kaoping.ratings.models import RatingSession, SessionStatus

    imported = ImportedArchive.objects.filter(campaign=campaign).first()
    if imported is not None:
        # Its earlier history is in ArchivedAuditEvent, which a second archive would not carry.
        raise BackupError(
            f"该考核是从归档文件导入的(文件校验和 {imported.file_sha256[:16]}…),不能再次导出;"
            "请使用原归档文件,它才包含完整的审计记录"
        )
    open_session = RatingSession.objects.filter(campaign=campaign, status=SessionStatus.OPEN).first()
    if open_session is not None:
        # Its key lives only in this installation's key directory: elsewhere it could never close.
        raise BackupError(f"现场测评“{open_session.name}”尚未结束,不能导出;请先结束测评")
    with temporary_folder() as folder, transaction.atomic():
        writer = Writer(KIND, VERSION, Path(folder))
        tables: dict[str, dict[str, Any]] = {}
        referenced: dict[type[models.Model], set[Any]] = {Organization: set(), Department: set(), User: set()}
        total = 0
        for model, path in campaign_models():
            queryset = model._base_manager.filter(**{path: campaign.pk})
            name = f"data/{model._meta.label_lower}.jsonl"
            target = writer.path_for(name)
            with target.open("w", encoding="utf-8") as handle:
                count = rows.dump_rows(queryset, handle)
            writer.add_file(name, target)
            tables[model._meta.label_lower] = {"columns": [f.attname for f in rows.columns(model)], "rows": count}
            total += count
            for field in rows.columns(model):
                related = field.related_model if field.is_relation else None
                if related in referenced:
                    referenced[related].update(  # type: ignore[index]
                        v for v in queryset.values_list(field.attname, flat=True) if v is not None
                    )
                elif related is not None and related._meta.app_label in _SHARED_APPS:  # type: ignore[union-attr]
                    raise BackupError(f"表 {model._meta.db_table} 引用了不能随考核导出的数据({field.name})")
        for event in AuditEvent.objects.filter(chain__in=chains_of(campaign)).exclude(actor=None):
            referenced[User].add(event.actor_id)
        refs = _references(referenced)
        writer.add_bytes("refs.json", json.dumps(refs, ensure_ascii=False, sort_keys=True).encode())
        heads: dict[str, dict[str, Any]] = {}
        for index, chain in enumerate(chains_of(campaign)):
            check = check_events(chain, _events(chain).iterator())
            if not check.ok:
                raise BackupError(f"审计链 {chain} 在第 {check.broken_at} 条记录处断开,不能导出;请先查明原因")
            name = f"audit/{index:04d}.jsonl"
            target = writer.path_for(name)
            with target.open("w", encoding="utf-8") as handle:
                rows.dump_rows(_events(chain).order_by("pk"), handle)
            writer.add_file(name, target)
            heads[chain] = {"count": check.count, "head": check.head, "member": name}
        evidence = list(EvidenceFile.objects.filter(unit__campaign=campaign).values_list("stored_name", "sha256"))
        for stored_name, digest in evidence:
            source = stored_path(stored_name)
            if not source.is_file() or sha256_of(source) != digest:
                raise BackupError(f"佐证材料文件 {stored_name} 缺失或与上传时不同,不能导出完整归档")
            writer.add_file(f"evidence/{stored_name}", source)
        writer.finish(
            out,
            {
                "exported_at": timezone.now().isoformat(),
                "campaign": {"id": campaign.pk, "name": campaign.name, "year": campaign.year, "phase": campaign.phase},
                "audit_columns": [f.attname for f in rows.columns(AuditEvent)],
                "tables": tables,
                "chains": heads,
            },
        )
    return Exported(out, total, len(evidence), heads)


def _references(referenced: dict[type[models.Model], set[Any]]) -> dict[str, list[dict[str, Any]]]:
    departments = [
        dict(d) for d in Department.objects.filter(pk__in=referenced[Department]).values("id", "bureau_id", "name")
    ]
    org_ids = set(referenced[Organization]) | {d["bureau_id"] for d in departments}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=org_ids)}
    ancestors = {int(part) for o in orgs.values() for part in o.path.strip("/").split("/") if part}
    orgs.update({o.pk: o for o in Organization.objects.filter(pk__in=ancestors - set(orgs))})
    return {
        "organizations": [
            {
                "id": o.pk,
                "code": o.code,
                "name": o.name,
                "kind": o.kind,
                "parent_id": o.parent_id,
                "depth": o.path.count("/"),
            }
            for o in sorted(orgs.values(), key=lambda o: (o.path.count("/"), o.pk))
        ],
        "departments": departments,
        "users": [
            dict(u) for u in User.objects.filter(pk__in=referenced[User]).values("id", "username", "display_name")
        ],
    }


def verify_file(source: Path) -> dict[str, Any]:
    """Check an archive file on its own (checksums, then every audit chain): the auditor's check."""
    with temporary_folder() as folder:
        opened = open_verified(source, KIND, VERSION, Path(folder))
        _check_chains_in_file(opened)
        return opened.manifest


def _file_events(path: Path, columns: list[str]) -> Iterator[AuditEvent]:
    for row in rows.read_rows(path, AuditEvent, columns):
        yield AuditEvent(**{f: row[f] for f in _AUDIT_FIELDS})


def _check_chains_in_file(opened: Any) -> None:
    columns = opened.manifest["audit_columns"]
    for chain, head in opened.manifest["chains"].items():
        check = check_events(chain, _file_events(opened.path(head["member"]), columns))
        if not check.ok:
            raise BackupError(f"归档中的审计链 {chain} 在第 {check.broken_at} 条记录处断开")
        if (check.count, check.head) != (head["count"], head["head"]):
            raise BackupError(f"归档中的审计链 {chain} 与清单记录的链头不符")


def import_campaign(source: Path) -> Campaign:
    """Import an archive as a new campaign, in one transaction; refuse (Chinese) and write nothing
    when the file is damaged, foreign, its chains do not verify or its tables do not fit."""
    with temporary_folder() as folder:
        opened = open_verified(source, KIND, VERSION, Path(folder))
        _check_chains_in_file(opened)
        manifest = opened.manifest
        file_sha = sha256_of(source)
        models_ = {model._meta.label_lower: model for model, _path in campaign_models()}
        for label, entry in manifest["tables"].items():
            model = models_.get(label)
            if model is None or entry["columns"] != [f.attname for f in rows.columns(model)]:
                raise BackupError(f"归档中的表 {label} 与本系统的结构不一致,请使用相同版本的考评导入")
        if manifest["audit_columns"] != [f.attname for f in rows.columns(AuditEvent)]:
            raise BackupError("归档中的审计记录结构与本系统不一致,请使用相同版本的考评导入")
        written: list[Path] = []
        try:
            with transaction.atomic():
                campaign = _import_rows(opened, manifest, file_sha, models_, written)
        except IntegrityError as error:
            _remove(written)
            raise BackupError(f"导入时与本系统已有数据冲突,已全部撤销({error.__class__.__name__})") from None
        except BaseException:
            _remove(written)
            raise
        return campaign


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _import_rows(
    opened: Any, manifest: dict[str, Any], file_sha: str, models_: dict[str, type[models.Model]], written: list[Path]
) -> Campaign:
    refs = json.loads(opened.path("refs.json").read_text(encoding="utf-8"))
    org_map = _map_organizations(refs["organizations"])
    dept_map = {
        d["id"]: Department.objects.get_or_create(bureau_id=org_map[d["bureau_id"]], name=d["name"])[0].pk
        for d in refs["departments"]
    }
    user_map = {u["id"]: _placeholder_user(u, file_sha).pk for u in refs["users"]}
    tables = manifest["tables"]
    labels = [label for label in tables if tables[label]["rows"]]
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(models_[label]._meta.db_table) for label in labels)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
    offsets, replaced = _new_keys(opened, tables, models_, labels)
    fixed: dict[type[models.Model], dict[Any, Any]] = {Organization: org_map, Department: dept_map, User: user_map}
    for label in labels:
        model = models_[label]

        def prepared(model: type[models.Model] = model, label: str = label) -> Iterator[dict[str, Any]]:
            for row in _rows(opened, label, model, tables[label]["columns"]):
                _remap(model, row, offsets, replaced, fixed)
                if model is EvidenceFile:
                    _place_file(opened, row, written)
                yield row

        rows.insert_rows(model, prepared())
    source_campaign = manifest["campaign"]["id"]
    campaign = Campaign.objects.get(pk=source_campaign + offsets["campaigns.campaign"])
    _shift_due_keys(campaign, offsets)
    reset_sequences([models_[label] for label in labels])
    connection.check_constraints()
    archive = ImportedArchive.objects.create(
        campaign=campaign,
        file_sha256=file_sha,
        source_campaign_id=source_campaign,
        exported_at=manifest["exported_at"],
        id_offsets=offsets,
        organizations={str(k): v for k, v in org_map.items()},
        chain_heads=manifest["chains"],
    )
    _insert_archived_events(opened, manifest, archive)
    audit_record(
        chain=f"campaign:{campaign.pk}",
        action="campaign.archive_imported",
        object_type="campaign",
        object_id=campaign.pk,
        new={
            "file_sha256": file_sha,
            "source_campaign": source_campaign,
            "chains": {chain: [h["count"], h["head"]] for chain, h in manifest["chains"].items()},
        },
        reason="从考核归档文件导入",
    )
    return campaign


def _insert_archived_events(opened: Any, manifest: dict[str, Any], archive: ImportedArchive) -> None:
    """Every event of the file, verbatim, with plain INSERTs (bulk_create took half the import)."""
    columns = manifest["audit_columns"]
    next_id = (ArchivedAuditEvent.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def events() -> Iterator[dict[str, Any]]:
        nonlocal next_id
        for head in manifest["chains"].values():
            for row in rows.read_rows(opened.path(head["member"]), AuditEvent, columns):
                yield {"id": next_id, "archive_id": archive.pk, **{f: row[f] for f in _AUDIT_FIELDS}}
                next_id += 1

    rows.insert_rows(ArchivedAuditEvent, events())
    reset_sequences([ArchivedAuditEvent])


def _rows(opened: Any, label: str, model: type[models.Model], columns: list[str]) -> Iterator[dict[str, Any]]:
    return rows.read_rows(opened.path(f"data/{label}.jsonl"), model, columns)


_INTEGER_KEYS = ("AutoField", "BigAutoField", "SmallAutoField")


def _chunks(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _new_keys(
    opened: Any, tables: dict[str, Any], models_: dict[str, type[models.Model]], labels: list[str]
) -> tuple[dict[str, int], dict[str, dict[str, dict[Any, Any]]]]:
    """One pass over each table, before anything is inserted.

    Integer ids: shifted past this installation's highest id by one offset per table. Other unique
    values (UUID keys, idempotency keys, token lookups): kept, unless this installation already has
    the same value; then a new one ({table: {column: {old: new}}}). Evidence files' stored names are
    renamed in ``_place_file``."""
    offsets: dict[str, int] = {}
    replaced: dict[str, dict[str, dict[Any, Any]]] = {}
    for label in labels:
        model = models_[label]
        pk = model._meta.pk
        assert pk is not None
        integer_key = pk.get_internal_type() in _INTEGER_KEYS
        uniques = [
            f
            for f in rows.columns(model)
            if f.unique and not f.is_relation and not (f.primary_key and integer_key) and model is not EvidenceFile
        ]
        lowest: int | None = None
        taken: dict[str, dict[Any, Any]] = {f.attname: {} for f in uniques}
        for chunk in _chunks(_rows(opened, label, model, tables[label]["columns"]), rows.BATCH):
            if integer_key:
                smallest = min(row[pk.attname] for row in chunk)
                lowest = smallest if lowest is None else min(lowest, smallest)
            for field in uniques:
                values = [row[field.attname] for row in chunk if row[field.attname] is not None]
                existing = model._base_manager.filter(**{f"{field.attname}__in": values})
                for value in existing.values_list(field.attname, flat=True):
                    taken[field.attname][value] = (
                        uuid.uuid4() if field.get_internal_type() == "UUIDField" else uuid.uuid4().hex
                    )
        if integer_key and lowest is not None:
            highest = model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0
            offsets[label] = highest + 1 - lowest
        replaced[label] = taken
    return offsets, replaced


def _remap(
    model: type[models.Model],
    row: dict[str, Any],
    offsets: dict[str, int],
    replaced: dict[str, dict[str, dict[Any, Any]]],
    fixed: dict[type[models.Model], dict[Any, Any]],
) -> None:
    own = replaced.get(model._meta.label_lower, {})
    for field in rows.columns(model):
        value = row.get(field.attname)
        if value is None:
            continue
        target = model if field.primary_key else field.related_model if field.is_relation else None
        if target is None:
            if field.attname in own:
                row[field.attname] = own[field.attname].get(value, value)
            continue
        if target in fixed:
            row[field.attname] = fixed[target][value]  # type: ignore[index]
            continue
        label = target._meta.label_lower  # type: ignore[union-attr]
        if label in offsets:
            row[field.attname] = value + offsets[label]
        else:
            key = target._meta.pk.attname  # type: ignore[union-attr]
            row[field.attname] = replaced.get(label, {}).get(key, {}).get(value, value)


def _shift_due_keys(campaign: Campaign, offsets: dict[str, int]) -> None:
    """A closed rating session's due counts are keyed by session-unit id inside a JSON field."""
    shift = offsets.get("ratings.sessionunit")
    if shift is None:
        return
    from kaoping.ratings.models import RatingSession

    for pk, final in RatingSession.objects.filter(campaign=campaign).values_list("pk", "final_results"):
        if isinstance(final, dict) and isinstance(final.get("due"), dict):
            final["due"] = {str(int(k) + shift): v for k, v in final["due"].items()}
            RatingSession.objects.filter(pk=pk).update(final_results=final)


def _map_organizations(orgs: list[dict[str, Any]]) -> dict[int, int]:
    mapping: dict[int, int] = {}
    for org in orgs:  # parents first (sorted by depth at export)
        local = Organization.objects.filter(code=org["code"]).first()
        if local is None:
            same_name = list(Organization.objects.filter(name=org["name"])[:2])
            local = same_name[0] if len(same_name) == 1 else None
        if local is None:
            local = Organization.objects.create(
                name=org["name"], code=org["code"], kind=org["kind"], parent_id=mapping.get(org["parent_id"])
            )
        mapping[org["id"]] = local.pk
    return mapping


def _placeholder_user(user: dict[str, Any], file_sha: str) -> User:
    username = f"归档{file_sha[:8]}-{user['username']}"[:150]
    account, created = User.objects.get_or_create(
        username=username, defaults={"display_name": user["display_name"] or user["username"], "is_active": False}
    )
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    return account


def _place_file(opened: Any, row: dict[str, Any], written: list[Path]) -> None:
    source = opened.path(f"evidence/{row['stored_name']}")
    if EvidenceFile.objects.filter(stored_name=row["stored_name"]).exists() or stored_path(row["stored_name"]).exists():
        row["stored_name"] = uuid.uuid4().hex  # taken here (e.g. the same archive imported twice)
    target = stored_path(row["stored_name"])
    partial = target.with_name(f".{target.name}.partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, partial)
    os.replace(partial, target)
    written.append(target)


def verify_imported(campaign: Campaign) -> dict[str, ChainCheck]:
    """Every archived chain of an imported campaign, checked with the audit app's hash."""
    archive = ImportedArchive.objects.get(campaign=campaign)
    checks: dict[str, ChainCheck] = {}
    for chain, head in archive.chain_heads.items():
        events = ArchivedAuditEvent.objects.filter(archive=archive, chain=chain).order_by("seq").iterator()
        check = check_events(chain, events)
        if check.ok and (check.count, check.head) != (head["count"], head["head"]):
            check = ChainCheck(ok=False, head=check.head, count=check.count, broken_at=check.count + 1)
        checks[chain] = check
    return checks
