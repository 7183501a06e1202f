from __future__ import annotations

import pytest
from click.testing import CliRunner

from kaoping.cli.main import main
from kaoping.rectification import services
from kaoping.rectification.models import Problem, ProblemState

pytestmark = pytest.mark.django_db


def test_problem_counts_reads_the_ledger(unit_a, unit_b, reviewer):
    for n in range(13):
        services.create(unit=unit_a, actor=reviewer, data=services.ProblemInput(description=f"问题{n}"))
    Problem.objects.filter(unit=unit_a, number__lte=11).update(state=ProblemState.CLOSED)
    runner = CliRunner()
    result = runner.invoke(main, ["problem-counts", str(unit_a.campaign_id), unit_a.organization.code])
    assert result.exit_code == 0, result.output
    assert "问题 13 条,已整改 11 条,整改率 84.6%" in result.output
    none = runner.invoke(main, ["problem-counts", str(unit_a.campaign_id), unit_b.organization.code])
    assert "问题 0 条,已整改 0 条,整改率 缺" in none.output
    missing = runner.invoke(main, ["problem-counts", str(unit_a.campaign_id), "nobody"])
    assert missing.exit_code == 2 and "不是" in missing.output
