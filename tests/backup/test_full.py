"""kaoping backup / restore: every row back exactly, every audit chain verifies, files come back."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from kaoping.audit.models import AuditEvent
from kaoping.audit.services import verify_chain
from kaoping.backup import rows
from kaoping.backup.container import BackupError
from kaoping.backup.full import backed_up_models, backup, restore
from kaoping.ratings.models import RatingSession
from kaoping.ratings.verify import verify_session

pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> dict[str, str]:
    """Every backed-up table as the backup's own lossless text (compares values, not objects)."""
    out = {}
    for model in backed_up_models():
        handle = io.StringIO()
        rows.dump_rows(model._base_manager.all(), handle)
        out[model._meta.label_lower] = handle.getvalue()
    return out


def evidence_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def wipe() -> None:
    """A fresh installation: migrated tables with only what `migrate` puts there, no evidence files."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_round_trip_restores_every_row_exactly_and_every_audit_chain_verifies(world: Any, tmp_path: Path) -> None:
    chains = sorted(set(AuditEvent.objects.values_list("chain", flat=True)))
    assert f"campaign:{world.campaign.pk}" in chains and world.session.chain in chains
    assert all(verify_chain(chain).ok for chain in chains)
    # times below a millisecond: what dumpdata used to cut
    assert any(at.microsecond % 1000 for at in AuditEvent.objects.values_list("at", flat=True))
    before, files = everything(), evidence_files()
    assert len(files) == 2

    out = tmp_path / "kaoping.tar.gz"
    summary = backup(out)
    assert summary.evidence_files == 2 and summary.rows > 0
    wipe()
    assert not AuditEvent.objects.exists() and evidence_files() == {}

    restore(out)

    assert everything() == before
    assert evidence_files() == files
    for chain in chains:
        check = verify_chain(chain)
        assert check.ok and check.count > 0, chain
    report = verify_session(RatingSession.objects.get(pk=world.session.pk))
    assert report.ok and report.chain_ok, report.discrepancies


def test_after_a_restore_new_rows_get_fresh_ids(world: Any, tmp_path: Path) -> None:
    from kaoping.audit.services import audit_record
    from kaoping.orgs.models import Organization

    out = tmp_path / "b.tar.gz"
    backup(out)
    highest = Organization.objects.order_by("-pk").values_list("pk", flat=True)[0]
    wipe()
    restore(out)
    created = Organization.objects.create(name="新学校", code="new-school")
    assert created.pk > highest
    audit_record(chain=f"campaign:{world.campaign.pk}", action="test", object_type="x", object_id=1)
    assert verify_chain(f"campaign:{world.campaign.pk}").ok


def test_restore_refuses_a_database_that_is_not_empty(world: Any, tmp_path: Path) -> None:
    out = tmp_path / "b.tar.gz"
    backup(out)
    with pytest.raises(BackupError, match="目标数据库不是空的"):
        restore(out)


def test_restore_with_replace_overwrites_the_current_data(world: Any, tmp_path: Path) -> None:
    from kaoping.orgs.models import Organization

    out = tmp_path / "b.tar.gz"
    backup(out)
    before = everything()
    Organization.objects.create(name="备份之后新建", code="after")
    restore(out, replace=True)
    assert everything() == before
    assert not Organization.objects.filter(code="after").exists()


def _rewrite(source: Path, target: Path, change: Any) -> None:
    """Copy a backup member by member, letting ``change(name, data)`` alter or drop (None) each."""
    with tarfile.open(source, "r:gz") as tar_in, tarfile.open(target, "w:gz", format=tarfile.PAX_FORMAT) as tar_out:
        for member in tar_in:
            handle = tar_in.extractfile(member)
            assert handle is not None
            data = change(member.name, handle.read())
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            tar_out.addfile(info, io.BytesIO(data))


@pytest.fixture
def good_backup(world: Any, tmp_path: Path) -> Path:
    out = tmp_path / "good.tar.gz"
    backup(out)
    wipe()
    return out


def _refused(path: Path, message: str) -> None:
    from kaoping.orgs.models import Organization

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), verbosity=0)
    assert not Organization.objects.exists() and evidence_files() == {}


def test_restore_refuses_an_altered_row_and_writes_nothing(good_backup: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar.gz"
    _rewrite(
        good_backup,
        bad,
        lambda name, data: data.replace(b"2.75", b"2.76") if name.endswith("departmentscore.jsonl") else data,
    )
    _refused(bad, "成员 data/assessments.departmentscore.jsonl 校验和不符")


def test_restore_refuses_a_missing_evidence_file(good_backup: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar.gz"
    dropped: list[str] = []

    def drop_first_evidence(name: str, data: bytes) -> bytes | None:
        if name.startswith("evidence/") and not dropped:
            dropped.append(name)
            return None
        return data

    _rewrite(good_backup, bad, drop_first_evidence)
    _refused(bad, "缺少成员 evidence/")


def test_restore_refuses_a_truncated_file(good_backup: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cut.tar.gz"
    data = good_backup.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    _refused(bad, "已损坏或不完整")


def test_restore_refuses_a_foreign_file(good_backup: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "notes.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        info = tarfile.TarInfo("readme.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    _refused(foreign, "没有清单")
    plain = tmp_path / "plain.txt"
    plain.write_text("不是备份")
    _refused(plain, "不是考评备份或归档文件")


def test_restore_refuses_an_edited_manifest(good_backup: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar.gz"
    _rewrite(
        good_backup,
        bad,
        lambda name, data: data.replace(b'"rows": 1', b'"rows": 2') if name == "manifest.json" else data,
    )
    _refused(bad, "清单已损坏或被改动")


def test_restore_refuses_a_backup_of_another_schema(good_backup: Path, tmp_path: Path) -> None:
    import hashlib
    import json

    def older_schema(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["migrations"] = manifest["migrations"] + [["orgs", "9999_future"]]
            return json.dumps(manifest).encode()
        return data

    step = tmp_path / "step.tar.gz"
    _rewrite(good_backup, step, older_schema)
    with tarfile.open(step) as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        digest = hashlib.sha256(handle.read()).hexdigest().encode()
    bad = tmp_path / "bad.tar.gz"
    _rewrite(step, bad, lambda name, data: digest if name == "manifest.sha256" else data)
    _refused(bad, "数据库结构与本系统不一致")


def test_a_restore_that_fails_in_the_database_leaves_no_rows_and_no_files(
    good_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaoping.orgs.models import Organization

    real_insert = rows.insert_rows

    def fail_on_ballots(model: Any, table_rows: Any) -> int:
        if model._meta.label_lower == "ratings.ballot":
            raise RuntimeError("disk full")
        return real_insert(model, table_rows)

    monkeypatch.setattr(rows, "insert_rows", fail_on_ballots)
    with pytest.raises(RuntimeError, match="disk full"):
        restore(good_backup)
    assert not Organization.objects.exists() and not AuditEvent.objects.exists()
    assert evidence_files() == {}


def test_backup_of_a_database_that_is_not_migrated_is_refused_in_chinese(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    tables = connection.introspection.table_names()
    monkeypatch.setattr(
        connection.introspection, "table_names", lambda: [t for t in tables if t != "backup_importedarchive"]
    )
    with pytest.raises(BackupError, match="数据库尚未完成迁移") as refused:
        backup(tmp_path / "b.tar.gz")
    assert "缺少表 backup_importedarchive" in str(refused.value)
    assert not (tmp_path / "b.tar.gz").exists()
