"""Ranks within a category: shared ties and tie-break chains."""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.grading import RankEntry, RankOutcome, rank_units
from kaoping.engine.model import RankingSpec, TieBreak, TieBreakKind, TiePolicy

D = Decimal

CHAIN = RankingSpec(
    ties=TiePolicy.CHAIN,
    chain=(TieBreak(TieBreakKind.COMPONENT, "lide"), TieBreak(TieBreakKind.TOP_GRADE_COUNT, "lide")),
)


def entry(unit: str, total: str | None, *keys: str | None) -> RankEntry:
    return RankEntry(unit, None if total is None else D(total), tuple(None if k is None else D(k) for k in keys))


def ranks(outcomes: dict[str, RankOutcome]) -> dict[str, int | None]:
    return {unit: outcome.rank for unit, outcome in outcomes.items()}


def test_shared_ties_skip_the_following_places() -> None:
    entries = [entry("a", "95"), entry("b", "90"), entry("c", "90"), entry("d", "80")]
    outcomes = rank_units(RankingSpec(), entries)
    assert ranks(outcomes) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert outcomes["b"].explanation == "总分 90.00,本类别 4 个单位中第 2 名(与 c 同分,并列)"
    assert outcomes["a"].explanation == "总分 95.00,本类别 4 个单位中第 1 名"


def test_shared_policy_ignores_tie_keys() -> None:
    outcomes = rank_units(RankingSpec(), [entry("a", "90", "1"), entry("b", "90", "2")])
    assert ranks(outcomes) == {"a": 1, "b": 1}


def test_missing_total_has_no_rank_and_does_not_take_a_place() -> None:
    outcomes = rank_units(RankingSpec(), [entry("a", None), entry("b", "50"), entry("c", "60")])
    assert ranks(outcomes) == {"a": None, "b": 2, "c": 1}
    assert outcomes["a"].explanation == "总分缺失,不参加排名"


def test_chain_breaks_a_tie_by_the_first_key() -> None:
    entries = [entry("a", "90", "80", "3"), entry("b", "90", "85", "1"), entry("c", "95", "70", "0")]
    outcomes = rank_units(CHAIN, entries)
    assert ranks(outcomes) == {"c": 1, "b": 2, "a": 3}
    # the first link separates them, so the second is not shown
    assert outcomes["b"].explanation.endswith("(总分与 a 相同,按同分比较链依次比较:项目“lide”得分 b 85、a 80)")
    assert "按同分比较链依次比较:项目“lide”得分 b 85、a 80" in outcomes["a"].explanation


def test_chain_moves_to_the_next_key_when_the_first_ties() -> None:
    outcomes = rank_units(CHAIN, [entry("a", "90", "80", "3"), entry("b", "90", "80", "5")])
    assert ranks(outcomes) == {"b": 1, "a": 2}


def test_chain_missing_key_loses() -> None:
    outcomes = rank_units(CHAIN, [entry("a", "90", None, "9"), entry("b", "90", "0", "0")])
    assert ranks(outcomes) == {"b": 1, "a": 2}
    assert "项目“lide”得分 b 0、a 缺失" in outcomes["a"].explanation


def test_chain_still_tied_after_every_key_shares_the_place() -> None:
    entries = [entry("a", "90", "80", "3"), entry("b", "90", "80", "3"), entry("c", "80", "99", "9")]
    outcomes = rank_units(CHAIN, entries)
    assert ranks(outcomes) == {"a": 1, "b": 1, "c": 3}
    assert (
        "依次比较:项目“lide”得分 a 80、b 80;“lide”最高等次票数 a 3、b 3;仍与 b 相同,并列)" in outcomes["a"].explanation
    )


def test_chain_with_fewer_keys_than_links_treats_the_rest_as_missing() -> None:
    outcomes = rank_units(CHAIN, [entry("a", "90", "80"), entry("b", "90", "80", "1")])
    assert ranks(outcomes) == {"b": 1, "a": 2}


def test_chain_without_a_tie_needs_no_tie_break_text() -> None:
    outcomes = rank_units(CHAIN, [entry("a", "90", "1", "1"), entry("b", "80", "99", "9")])
    assert ranks(outcomes) == {"a": 1, "b": 2}
    assert "同分" not in outcomes["b"].explanation


def test_empty_category_ranks_nothing() -> None:
    assert rank_units(CHAIN, []) == {}
