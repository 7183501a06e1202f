"""`kaoping backup` / `restore` / `archive-*`: after a restore, `verify-session` agrees again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.backup.conftest import _evidence_and_keys, world  # noqa: F401 (fixtures)
from tests.backup.test_full import wipe

from kaoping.campaigns.models import Campaign, Phase
from kaoping.cli.main import main

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_wipe_restore_and_verify_session_exits_0(world: Any, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "kaoping.tar.gz"
    result = CliRunner().invoke(main, ["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert "佐证材料文件" in result.output
    wipe()
    result = CliRunner().invoke(main, ["restore", str(out)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["verify-session", str(world.session.pk)])
    assert result.exit_code == 0, result.output
    assert "审计链完整" in result.output


def test_restore_of_a_damaged_file_exits_2_in_chinese(world: Any, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "kaoping.tar.gz"
    CliRunner().invoke(main, ["backup", str(out)])
    data = out.read_bytes()
    out.write_bytes(data[:-100])
    wipe()
    result = CliRunner().invoke(main, ["restore", str(out)])
    assert result.exit_code == 2
    assert "错误:kaoping.tar.gz 已损坏或不完整" in result.output
    assert not Campaign.objects.exists()


def test_archive_export_verify_import(world: Any, tmp_path: Path) -> None:  # noqa: F811
    Campaign.objects.filter(pk=world.campaign.pk).update(phase=Phase.ARCHIVED)
    out = tmp_path / "archive.tar.gz"
    runner = CliRunner()
    assert runner.invoke(main, ["archive-export", str(world.campaign.pk), str(out)]).exit_code == 0
    verified = runner.invoke(main, ["archive-verify", str(out)])
    assert verified.exit_code == 0 and "核验通过" in verified.output
    imported = runner.invoke(main, ["archive-import", str(out)])
    assert imported.exit_code == 0, imported.output
    assert "全部核验通过" in imported.output
    assert Campaign.objects.filter(name=world.campaign.name).count() == 2


def test_archive_export_of_an_unknown_campaign_exits_2() -> None:
    result = CliRunner().invoke(main, ["archive-export", "424242", "/tmp/x.tar.gz"])
    assert result.exit_code == 2 and "没有编号为 424242 的考核" in result.output
