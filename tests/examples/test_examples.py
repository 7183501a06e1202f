"""Golden tests: each example campaign scores to its committed expected/results.json, and the
facts the seed documents state hold explicitly.

To accept a deliberate change of the results, regenerate the expected files and review the diff:

    KAOPING_UPDATE_GOLDEN=1 .venv/bin/pytest tests/examples -q
"""

from __future__ import annotations

import json
import os
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kaoping.cli.main import main
from kaoping.engine import score
from kaoping.engine.model import Scheme
from kaoping.engine.results import CampaignResult, ItemResult, UnitResult
from kaoping.formats.inputs_io import load_inputs
from kaoping.formats.results_io import results_to_data
from kaoping.formats.scheme_file import load_scheme

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = ("honggutan-2021", "nanchang-2018", "linhai-stars")
UPDATE = os.environ.get("KAOPING_UPDATE_GOLDEN") == "1"


@cache
def _scored(name: str) -> tuple[Scheme, CampaignResult]:
    scheme = load_scheme(EXAMPLES / name / "scheme.yaml")
    return scheme, score(scheme, load_inputs(scheme, [EXAMPLES / name / "inputs"]))


def _find(items: tuple[ItemResult, ...], item_id: str) -> ItemResult:
    for item in items:
        if item.item_id == item_id:
            return item
        if item.children:
            try:
                return _find(item.children, item_id)
            except KeyError:
                pass
    raise KeyError(item_id)


def _expected(name: str) -> Any:
    return json.loads((EXAMPLES / name / "expected" / "results.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("name", NAMES)
def test_example_scores_to_its_committed_results(name: str) -> None:
    scheme, result = _scored(name)
    actual = results_to_data(result, scheme)
    path = EXAMPLES / name / "expected" / "results.json"
    if UPDATE:
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    assert actual == _expected(name)


@pytest.mark.parametrize("name", NAMES)
def test_cli_summary_matches_the_committed_summary(name: str, tmp_path: Path) -> None:
    folder = EXAMPLES / name
    result = CliRunner().invoke(
        main, ["score", str(folder / "scheme.yaml"), str(folder / "inputs"), "--out", str(tmp_path / "r.json")]
    )
    summary = "".join(line for line in result.stdout.splitlines(keepends=True) if not line.startswith("已写入"))
    path = folder / "expected" / "summary.txt"
    if UPDATE:
        path.write_text(summary, encoding="utf-8")

    assert result.exit_code == 0, result.output
    assert summary == path.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) == _expected(name)


# --------------------------------------------------------------------------- Honggutan (seed 004)


def test_honggutan_totals_99_1_and_is_excellent() -> None:
    _, result = _scored("honggutan-2021")
    unit = result.unit("honggutan")

    assert unit.total == Decimal("99.1")
    assert unit.max == Decimal("100")
    assert unit.grade == "优秀"
    assert unit.flags == ()


def test_honggutan_item_15_is_deducted_by_the_rule_from_80_84_percent() -> None:
    _, result = _scored("honggutan-2021")
    item = _find(result.unit("honggutan").components[0].items, "15")

    assert item.score == Decimal("3.1")
    assert item.max == Decimal("4")
    assert item.basis == "rule"
    assert "80.84%" in item.explanation
    assert "0.9" in item.explanation


def test_honggutan_section_three_is_25_3_of_26_2() -> None:
    _, result = _scored("honggutan-2021")
    section = _find(result.unit("honggutan").components[0].items, "三")

    assert (section.score, section.max) == (Decimal("25.3"), Decimal("26.2"))


@pytest.mark.parametrize("item_id", ["10", "33", "34", "35", "38", "39", "40", "45"])
def test_honggutan_not_applicable_items_get_full_points(item_id: str) -> None:
    _, result = _scored("honggutan-2021")
    item = _find(result.unit("honggutan").components[0].items, item_id)

    assert item.score == item.max
    assert "不适用" in item.explanation


# --------------------------------------------------------------------------- Nanchang (seed 000)

NANCHANG_MAXIMA = {"county": 300, "school": 600, "provincial": 200, "private": 300}


def _by_category(result: CampaignResult) -> dict[str, list[UnitResult]]:
    groups: dict[str, list[UnitResult]] = {}
    for unit in result.units:
        groups.setdefault(unit.category, []).append(unit)
    return groups


def test_nanchang_maxima_per_category() -> None:
    scheme, result = _scored("nanchang-2018")

    for unit in result.units:
        assert unit.max == Decimal(NANCHANG_MAXIMA[unit.category]), unit.unit_id
    assert {c.id: scheme.max_for(c.id) for c in scheme.categories} == {
        k: Decimal(v) for k, v in NANCHANG_MAXIMA.items()
    }


def test_nanchang_has_the_campaign_size_the_brief_asks_for() -> None:
    scheme = load_scheme(EXAMPLES / "nanchang-2018" / "scheme.yaml")
    inputs = load_inputs(scheme, [EXAMPLES / "nanchang-2018" / "inputs"])
    counts = Counter(unit.category for unit in inputs.units)
    raters = {(b.rater_id, b.rater_group) for b in inputs.ballots}

    assert counts["county"] >= 10 and counts["school"] >= 30
    assert counts["provincial"] > 0 and counts["private"] > 0
    assert len({r for r, _ in raters}) >= 80
    assert {g for _, g in raters} == {"leaders", "heads", "units"}
    assert {b.component_id for b in inputs.ballots} == {"lide", "wuda"}


def test_nanchang_ranks_run_within_each_category_by_total() -> None:
    _, result = _scored("nanchang-2018")

    for units in _by_category(result).values():
        totals = [u.total for u in units]
        assert all(t is not None for t in totals)
        assert totals == sorted(totals, reverse=True)  # type: ignore[type-var]
        assert units[0].rank == 1
        for place, unit in enumerate(units, start=1):
            earlier = units[place - 2] if place > 1 else None
            expected = earlier.rank if earlier and earlier.total == unit.total else place
            assert unit.rank == expected, unit.unit_id


def test_nanchang_total_is_the_sum_of_its_components() -> None:
    _, result = _scored("nanchang-2018")

    for unit in result.units:
        parts = [c.score for c in unit.components if c.score is not None]
        assert len(parts) == len(unit.components)
        assert unit.total == sum(parts, Decimal(0)), unit.unit_id


def test_nanchang_representatives_never_count_for_their_own_unit() -> None:
    _, result = _scored("nanchang-2018")

    for unit in result.units:
        for component in unit.components:
            if component.rating is None:
                continue
            assert "本单位评委 1 票不计入" in component.rating.explanation, unit.unit_id
            units_group = next(g for g in component.rating.groups if g.group_id == "units")
            assert units_group.valid_ballots < len(result.units)


def test_nanchang_all_identical_sheet_is_flagged_and_not_counted() -> None:
    _, result = _scored("nanchang-2018")

    invalid = [flag for flag in result.flags if flag.code == "invalid_ballot"]
    assert len(invalid) == 2  # U-donghu's all-好 county sheet, in both rating components
    assert all("U-donghu" in flag.message for flag in invalid)


def test_nanchang_party_building_is_converted_to_300() -> None:
    _, result = _scored("nanchang-2018")

    for unit in _by_category(result)["school"]:
        dangjian = next(c for c in unit.components if c.component_id == "dangjian")
        assert dangjian.max == Decimal(300)
        assert dangjian.raw is not None and dangjian.score is not None
        assert dangjian.score == (dangjian.raw * 3).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- Linhai (seed 002)


def test_linhai_units_spread_over_the_star_tiers() -> None:
    _, result = _scored("linhai-stars")

    tiers = Counter(unit.stars for unit in result.units)
    assert tiers == {"五星级": 4, "四星级": 4, "三星级": 1, None: 3}


def test_linhai_star_follows_the_total() -> None:
    _, result = _scored("linhai-stars")

    for unit in result.units:
        assert unit.total is not None
        expected = (
            "五星级" if unit.total >= 95 else "四星级" if unit.total >= 85 else "三星级" if unit.total >= 75 else None
        )
        assert unit.stars == expected, unit.unit_id


def test_linhai_bonus_items_lift_the_best_above_100_and_penalties_pull_down() -> None:
    _, result = _scored("linhai-stars")

    best, worst = result.units[0], result.units[-1]
    assert best.total is not None and best.total > 100
    penalty = _find(worst.components[0].items, "P1")
    assert penalty.score is not None and penalty.score < 0
