"""The whole installation in one file (``kaoping backup``) and back (``kaoping restore``).

What is in the file: every row of every table (see ``SKIPPED_APPS`` for the derived ones left out),
losslessly (kaoping.backup.rows), every evidence file, and a manifest with the SHA-256 of each
member, the format version and the database's applied migrations. See docs/backup.md.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from kaoping.assessments.models import EvidenceFile
from kaoping.assessments.uploads import stored_path
from kaoping.backup import rows
from kaoping.backup.container import BackupError, Opened, Writer, open_verified, sha256_of, temporary_folder

KIND = "kaoping-backup"
VERSION = 1
# Derived data, recomputed after a restore: stored standings (results), background jobs and their
# task queue, web sessions.
SKIPPED_APPS = frozenset({"results", "jobs", "django_tasks_database", "sessions"})
# Filled by `migrate` itself; a restore replaces them with the backup's rows (same ids as the backup).
MIGRATE_FILLED = frozenset({"contenttypes.contenttype", "auth.permission"})


@dataclass(frozen=True)
class Summary:
    path: Path
    tables: int
    rows: int
    evidence_files: int
    missing_evidence: tuple[str, ...] = ()


def backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in SKIPPED_APPS and model._meta.managed and not model._meta.proxy
    ]


def all_models() -> list[type[models.Model]]:
    """Every model whose table exists (a derived app's table may be missing before its migration)."""
    existing = set(connection.introspection.table_names())
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.db_table in existing
    ]


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def member_name(model: type[models.Model]) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def backup(out: Path) -> Summary:
    """Write the whole database and the evidence files to ``out``, read in one snapshot transaction."""
    if not out.parent.is_dir():
        raise BackupError(f"输出目录不存在:{out.parent}")
    existing = set(connection.introspection.table_names())
    absent = [m._meta.db_table for m in backed_up_models() if m._meta.db_table not in existing]
    if absent:
        raise BackupError(f"数据库尚未完成迁移(缺少表 {absent[0]}),请先运行 manage.py migrate 再备份")
    with temporary_folder() as folder:
        writer = Writer(KIND, VERSION, Path(folder))
        tables: dict[str, dict[str, Any]] = {}
        total = 0
        # One transaction: on PostgreSQL a REPEATABLE READ snapshot, so every table is read at one instant.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in backed_up_models():
                name = member_name(model)
                path = writer.path_for(name)
                with path.open("w", encoding="utf-8") as handle:
                    count = rows.dump_rows(model._base_manager.all(), handle)
                writer.add_file(name, path)
                tables[model._meta.label_lower] = {
                    "table": model._meta.db_table,
                    "columns": [f.attname for f in rows.columns(model)],
                    "rows": count,
                }
                total += count
            evidence = list(EvidenceFile.objects.values_list("stored_name", "sha256"))
            migrations = applied_migrations()
        missing: list[str] = []
        for stored_name, digest in evidence:
            source = stored_path(stored_name)
            if not source.is_file():
                missing.append(stored_name)
                continue
            name = f"evidence/{stored_name}"
            writer.add_file(name, source)
            if writer.members[name]["sha256"] != digest:
                missing.append(stored_name)  # altered on disk since upload: recorded, kept as found
        writer.finish(
            out,
            {
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": migrations,
                "tables": tables,
                "evidence_not_as_uploaded": missing,
            },
        )
    return Summary(out, len(tables), total, len(evidence) - len(missing), tuple(missing))


def restore(source: Path, *, replace: bool = False) -> Summary:
    """Load a backup into this database (empty unless ``replace``) in one transaction, with its files.

    Everything is checked first (checksums, format, schema, emptiness); on any refusal nothing is
    written. Evidence files are copied before the database commit and removed again if it fails."""
    with temporary_folder() as folder:
        opened = open_verified(source, KIND, VERSION, Path(folder))
        manifest = opened.manifest
        _check_schema(manifest)
        if not replace:
            _check_empty()
        written = _place_evidence(opened)
        try:
            with transaction.atomic():
                if replace:
                    _delete_everything()
                else:
                    _delete_migrate_filled()
                total = 0
                for model in backed_up_models():
                    entry = manifest["tables"][model._meta.label_lower]
                    loaded = rows.insert_rows(
                        model, rows.read_rows(opened.path(member_name(model)), model, entry["columns"])
                    )
                    if loaded != entry["rows"]:
                        raise BackupError(f"表 {model._meta.db_table} 应有 {entry['rows']} 行,读到 {loaded} 行")
                    total += loaded
                reset_sequences(backed_up_models())
                connection.check_constraints()
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        evidence = sum(1 for _ in opened.names("evidence/"))
        return Summary(source, len(manifest["tables"]), total, evidence, tuple(manifest["evidence_not_as_uploaded"]))


def _check_schema(manifest: dict[str, Any]) -> None:
    ours = applied_migrations()
    if manifest["migrations"] != ours:
        theirs = {tuple(m) for m in manifest["migrations"]}
        mine = {tuple(m) for m in ours}
        newer = sorted(theirs - mine)
        older = sorted(mine - theirs)
        detail = (
            f"备份中有而本库没有的迁移 {'/'.join(newer[0])}"
            if newer
            else f"本库有而备份中没有的迁移 {'/'.join(older[0])}"
        )
        raise BackupError(
            f"备份的数据库结构与本系统不一致({detail})。请用生成备份的同一版本考评恢复,再升级并运行 migrate"
        )
    expected = {m._meta.label_lower for m in backed_up_models()}
    found = set(manifest["tables"])
    if expected != found:
        name = sorted(expected ^ found)[0]
        raise BackupError(f"备份的数据表与本系统不一致(表 {name})。请用生成备份的同一版本考评恢复")
    for model in backed_up_models():
        names = [f.attname for f in rows.columns(model)]
        if manifest["tables"][model._meta.label_lower]["columns"] != names:
            raise BackupError(f"备份中表 {model._meta.db_table} 的列与本系统不一致。请用生成备份的同一版本考评恢复")


def _check_empty() -> None:
    for model in all_models():
        if model._meta.label_lower in MIGRATE_FILLED:
            continue
        if model._base_manager.exists():
            raise BackupError(
                f"目标数据库不是空的(表 {model._meta.db_table} 已有数据)。"
                "请恢复到新建并已运行 migrate 的空数据库,或明确使用 --replace 以备份内容替换全部现有数据"
            )


def _table_delete(model: type[models.Model]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _delete_migrate_filled() -> None:
    for model in all_models():
        if model._meta.label_lower in MIGRATE_FILLED:
            _table_delete(model)


def _delete_everything() -> None:
    # Foreign keys are deferred (Django creates them DEFERRABLE INITIALLY DEFERRED): order is free.
    for model in all_models():
        _table_delete(model)


def reset_sequences(models_: list[type[models.Model]]) -> None:
    """Set PostgreSQL's id sequences past the restored ids (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _place_evidence(opened: Opened) -> list[Path]:
    """Copy the backup's evidence files into MEDIA_ROOT; return the paths newly written."""
    written: list[Path] = []
    try:
        for name in sorted(opened.names("evidence/")):
            stored_name = name.removeprefix("evidence/")
            target = stored_path(stored_name)
            source = opened.path(name)
            if target.exists():
                if sha256_of(target) == sha256_of(source):
                    continue
                raise BackupError(f"佐证材料目录中已有同名但内容不同的文件 {stored_name};请先移走它再恢复")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(source, partial)
            os.replace(partial, target)
            written.append(target)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
