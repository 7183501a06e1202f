"""engine.rules.figure_names: which figures a rule reads, with their labels."""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.model import Indicator, RuleSpec
from kaoping.engine.rules import figure_names


def test_a_manual_item_reads_no_figure() -> None:
    assert figure_names(Indicator("1", "x", Decimal(1))) == []


def test_figure_target_figure_and_figures_in_the_rule_order_labels_default_to_names() -> None:
    rule = RuleSpec(
        "ratio_to_target",
        {"figure": "done", "label": "完成数", "target_figure": "plan", "figures": [{"figure": "a"}, {"x": 1}]},
    )
    item = Indicator("1", "x", Decimal(1), rule=rule)
    assert figure_names(item) == [("done", "完成数"), ("plan", "plan"), ("a", "a")]
