"""Campaign archives: export → import as a new campaign, chains verified, damaged files refused."""

from __future__ import annotations

import io
import tarfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaoping.assessments.models import DepartmentScore, EvidenceFile, SelfAssessment
from kaoping.audit.models import AuditEvent
from kaoping.audit.services import verify_chain
from kaoping.backup.archive import campaign_models, export_campaign, import_campaign, verify_file, verify_imported
from kaoping.backup.container import BackupError
from kaoping.backup.models import ArchivedAuditEvent
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase
from kaoping.orgs.models import Organization, User
from kaoping.ratings.models import Ballot, RatingSession
from kaoping.ratings.verify import verify_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def archived(world: Any) -> Any:
    Campaign.objects.filter(pk=world.campaign.pk).update(phase=Phase.ARCHIVED)
    world.campaign.refresh_from_db()
    return world.campaign


def test_every_table_of_a_campaign_is_found_by_its_foreign_keys() -> None:
    labels = {model._meta.label_lower for model, _path in campaign_models()}
    assert {
        "campaigns.campaign",
        "campaigns.schemeversion",
        "campaigns.campaignunit",
        "assessments.selfassessment",
        "assessments.selfassessment_evidence",
        "assessments.evidencefile",
        "assessments.departmentscore",
        "ratings.ratingsession",
        "ratings.ballot",
        "external.importedscore",
    } <= labels
    assert not any(label.startswith(("orgs.", "audit.", "results.")) for label in labels)


def test_import_makes_a_new_campaign_with_the_same_content_and_verified_chains(archived: Any, tmp_path: Path) -> None:
    out = tmp_path / "archive.tar.gz"
    exported = export_campaign(archived, out)
    assert exported.evidence_files == 2 and set(exported.chains) == {
        f"campaign:{archived.pk}",
        f"rating-session:{RatingSession.objects.get(campaign=archived).pk}",
    }
    assert verify_file(out)["campaign"]["name"] == archived.name

    imported = import_campaign(out)

    assert imported.pk != archived.pk and imported.name == archived.name and imported.phase == Phase.ARCHIVED
    assert imported.owner_id == archived.owner_id  # the same code here: mapped, not copied
    checks = verify_imported(imported)
    assert set(checks) == set(exported.chains) and all(c.ok and c.count > 0 for c in checks.values())
    live = AuditEvent.objects.filter(chain=f"campaign:{archived.pk}").count()
    assert ArchivedAuditEvent.objects.filter(chain=f"campaign:{archived.pk}").count() == live
    assert verify_chain(f"campaign:{imported.pk}").ok  # the new chain starts with the import event
    assert AuditEvent.objects.get(chain=f"campaign:{imported.pk}").action == "campaign.archive_imported"

    def content(campaign: Campaign) -> Any:
        return (
            sorted(CampaignUnit.objects.filter(campaign=campaign).values_list("organization__code", "category")),
            sorted(
                SelfAssessment.objects.filter(unit__campaign=campaign).values_list(
                    "unit__organization__code", "item_id", "self_score", "updated_at", "evidence__sha256"
                )
            ),
            sorted(DepartmentScore.objects.filter(unit__campaign=campaign).values_list("department__name", "score")),
            sorted(EvidenceFile.objects.filter(unit__campaign=campaign).values_list("sha256", "uploaded_at")),
            Ballot.objects.filter(session__campaign=campaign).count(),
        )

    assert content(imported) == content(archived)
    session = RatingSession.objects.get(campaign=imported)
    report = verify_session(session)
    assert report.discrepancies == [] and report.checked > 0


def test_people_become_inactive_accounts_that_keep_their_names(archived: Any, tmp_path: Path) -> None:
    out = tmp_path / "archive.tar.gz"
    export_campaign(archived, out)
    imported = import_campaign(out)
    score = DepartmentScore.objects.get(unit__campaign=imported)
    assert score.updated_by is not None and score.updated_by.display_name == "钱基教"
    assert not score.updated_by.is_active and not score.updated_by.has_usable_password()
    assert score.updated_by.username.startswith("归档")
    assert not score.updated_by.memberships.exists()


def test_unknown_organizations_are_created_and_known_ones_matched_by_name(archived: Any, tmp_path: Path) -> None:
    out = tmp_path / "archive.tar.gz"
    export_campaign(archived, out)
    school_a = Organization.objects.get(code="nc-dh-1")
    school_a.code = "renamed-code"  # same name, other code: matched by name
    school_a.save()
    Organization.objects.filter(code="nc-xh-2").update(code="gone", name="已改名")  # no match left here
    imported = import_campaign(out)
    codes = dict(CampaignUnit.objects.filter(campaign=imported).values_list("organization__name", "organization__code"))
    assert codes["东湖第一中学"] == "renamed-code"
    assert codes["西湖第二中学"] == "nc-xh-2"  # created with the archive's code
    assert Organization.objects.filter(name="西湖第二中学").count() == 1


def test_importing_the_same_archive_twice_gives_two_campaigns(archived: Any, tmp_path: Path) -> None:
    out = tmp_path / "archive.tar.gz"
    export_campaign(archived, out)
    first, second = import_campaign(out), import_campaign(out)
    assert first.pk != second.pk
    assert all(c.ok for c in verify_imported(second).values())
    names = EvidenceFile.objects.filter(unit__campaign__in=[first, second]).values_list("stored_name", flat=True)
    assert len(set(names)) == 4


def test_commands_export_verify_and_import(archived: Any, tmp_path: Path) -> None:
    out = tmp_path / "archive.tar.gz"
    call_command("archive_export", str(archived.pk), str(out), stdout=StringIO(), stderr=StringIO())
    shown = StringIO()
    call_command("archive_verify", str(out), stdout=shown)
    assert "核验通过" in shown.getvalue()
    shown = StringIO()
    call_command("archive_import", str(out), stdout=shown)
    assert "全部核验通过" in shown.getvalue()


def _tamper(source: Path, target: Path, member: str, change: Any) -> None:
    with tarfile.open(source, "r:gz") as tar_in, tarfile.open(target, "w:gz", format=tarfile.PAX_FORMAT) as tar_out:
        for item in tar_in:
            handle = tar_in.extractfile(item)
            assert handle is not None
            data = handle.read()
            if item.name.startswith(member):
                data = change(data)
            info = tarfile.TarInfo(item.name)
            info.size = len(data)
            tar_out.addfile(info, io.BytesIO(data))


def test_a_damaged_archive_is_refused_and_nothing_is_imported(archived: Any, tmp_path: Path) -> None:
    out = tmp_path / "archive.tar.gz"
    export_campaign(archived, out)
    bad = tmp_path / "bad.tar.gz"
    _tamper(out, bad, "audit/0000", lambda data: data.replace(b"\xe8", b"\xe9", 1))
    campaigns, users = Campaign.objects.count(), User.objects.count()
    with pytest.raises(CommandError, match="校验和不符"):
        call_command("archive_import", str(bad), stdout=StringIO())
    assert (Campaign.objects.count(), User.objects.count()) == (campaigns, users)


def test_a_backup_is_not_an_archive(archived: Any, tmp_path: Path) -> None:
    from kaoping.backup.full import backup

    out = tmp_path / "backup.tar.gz"
    backup(out)
    with pytest.raises(BackupError, match="不是考评考核归档文件"):
        import_campaign(out)


def test_an_archive_with_a_rewritten_chain_is_refused_even_with_fixed_checksums(archived: Any, tmp_path: Path) -> None:
    """Someone edits an event and recomputes every checksum: the chain's hashes still give it away."""
    import hashlib
    import json

    out = tmp_path / "archive.tar.gz"
    export_campaign(archived, out)
    with tarfile.open(out) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]
    members["audit/0000.jsonl"] = members["audit/0000.jsonl"].replace("周东湖".encode(), "某某某".encode())
    manifest = json.loads(members["manifest.json"])
    for name, entry in manifest["members"].items():
        entry["sha256"] = hashlib.sha256(members[name]).hexdigest()
        entry["size"] = len(members[name])
    members["manifest.json"] = json.dumps(manifest).encode()
    members["manifest.sha256"] = hashlib.sha256(members["manifest.json"]).hexdigest().encode()
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(forged, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match=f"审计链 campaign:{archived.pk} 在第 \\d+ 条记录处断开"):
        import_campaign(forged)


def test_a_campaign_with_an_open_rating_session_is_not_exported(world: Any, tmp_path: Path) -> None:
    from kaoping.ratings import services

    services.session_create(
        campaign=world.campaign, actor=world.cast.users["organizer"], name="第二场", component_id="lide"
    )
    with pytest.raises(BackupError, match="现场测评“第二场”尚未结束,不能导出"):
        export_campaign(world.campaign, tmp_path / "archive.tar.gz")
    assert not (tmp_path / "archive.tar.gz").exists()


def test_an_imported_campaign_is_not_exported_again(archived: Any, tmp_path: Path) -> None:
    """Its earlier audit history lives in ArchivedAuditEvent: the original file is the record."""
    out = tmp_path / "archive.tar.gz"
    export_campaign(archived, out)
    imported = import_campaign(out)
    with pytest.raises(BackupError, match=r"该考核是从归档文件导入的.*请使用原归档文件"):
        export_campaign(imported, tmp_path / "again.tar.gz")
