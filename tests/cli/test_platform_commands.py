"""`kaoping verify-session`: the CLI face of the independent live-rating recount."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from tests.ratings.conftest import make_session, rating_campaign, session  # noqa: F401 (fixtures)
from tests.ratings.test_verify import meeting

from kaoping.cli.main import main
from kaoping.ratings import services
from kaoping.ratings.models import Ballot

pytestmark = pytest.mark.django_db


def test_verify_session_agrees_and_prints_the_chain_head(session: Any) -> None:  # noqa: F811
    meeting(session, seed=11)
    head = services.session_close(session=session)
    result = CliRunner().invoke(main, ["verify-session", str(session.pk)])
    assert result.exit_code == 0, result.output
    assert "一致:独立复算结果与系统结果完全相同" in result.output
    assert head in result.output


def test_verify_session_exits_1_and_names_each_discrepancy_after_tampering(session: Any) -> None:  # noqa: F811
    meeting(session, seed=12)
    services.session_close(session=session)
    ballot = Ballot.objects.exclude(grade="好").first()
    assert ballot is not None
    Ballot.objects.filter(pk=ballot.pk).update(grade="好")
    result = CliRunner().invoke(main, ["verify-session", str(session.pk)])
    assert result.exit_code == 1
    assert "不一致:" in result.output


def test_verify_session_of_an_unknown_session_exits_2_in_chinese() -> None:
    result = CliRunner().invoke(main, ["verify-session", "424242"])
    assert result.exit_code == 2
    assert "没有编号为 424242 的现场测评" in result.output
    assert "Traceback" not in result.output
