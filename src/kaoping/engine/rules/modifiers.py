"""Rules of 0-point items that change a unit's grade instead of its score.

- veto (一票否决): ``effect: fail`` (default; the unit's grade is the lowest band) or
  ``effect: zero_component`` (the component this item belongs to scores 0);
- downgrade (降一个等次);
- not_excellent (不得评为优秀).

They read ``ItemInput.triggered``. An item nobody recorded (``None``) counts as not
triggered: such items are reported when something happened, not confirmed every year.
"""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator, Modifier
from kaoping.engine.results import FlagCode
from kaoping.engine.rules.base import BASIS_RULE, ZERO, FlagNote, Outcome, ParamReader, RuleContext

# every modifier kind (``model.Modifier``, the one set) with its flag and meaning
_EFFECTS: dict[str, tuple[FlagCode, str]] = {
    Modifier.VETO: (FlagCode.VETO, "一票否决,等次定为最低等次"),
    Modifier.ZERO_COMPONENT: (FlagCode.VETO, "一票否决,本考核项目计0分"),
    Modifier.DOWNGRADE: (FlagCode.DOWNGRADED, "等次降一等"),
    Modifier.NOT_EXCELLENT: (FlagCode.NOT_EXCELLENT, "不得评为优秀"),
}


class ModifierRule:
    __slots__ = ("effect", "flag", "triggered_text")
    value_is_deduction = False

    def __init__(self, item: Indicator, effect: str) -> None:
        self.effect: str | None = Modifier(effect).value
        code, meaning = _EFFECTS[effect]
        self.triggered_text = f"已触发:{meaning}"
        self.flag: FlagNote = (code, f"指标 {item.id} {item.name}:{self.triggered_text}")

    def evaluate(self, inp: ItemInput) -> Outcome:
        if inp.triggered:
            return ZERO, self.triggered_text, BASIS_RULE, self.flag
        return ZERO, "未触发", BASIS_RULE, None


def _zero_points(reader: ParamReader, item: Indicator) -> None:
    if item.points != Decimal(0):
        reader.problem(f"此类指标不计分,分值应为 0,实际为 {item.points}")


class VetoType:
    kind = Modifier.VETO.value
    title = "一票否决"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> ModifierRule:
        effect = reader.choice("effect", {"fail": "等次定为最低等次", "zero_component": "本考核项目计0分"}, "fail")
        reader.finish()
        _zero_points(reader, item)
        return ModifierRule(item, Modifier.VETO if effect == "fail" else Modifier.ZERO_COMPONENT)


class DowngradeType:
    kind = Modifier.DOWNGRADE.value
    title = "降一个等次"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> ModifierRule:
        reader.finish()
        _zero_points(reader, item)
        return ModifierRule(item, Modifier.DOWNGRADE)


class NotExcellentType:
    kind = Modifier.NOT_EXCELLENT.value
    title = "不得评为优秀"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> ModifierRule:
        reader.finish()
        _zero_points(reader, item)
        return ModifierRule(item, Modifier.NOT_EXCELLENT)
