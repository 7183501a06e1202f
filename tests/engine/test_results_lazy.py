"""Lazy explanations (engine.results.lazy_text): every reader sees the same text as before."""

from __future__ import annotations

import pickle
from decimal import Decimal

from kaoping.engine.grading import GradeOutcome
from kaoping.engine.results import (
    ComponentResult,
    RatingResult,
    UnitResult,
    lazy_text,
    rendered,
    same_text,
    slot_constructor,
    unrendered,
)

D = Decimal


def _counting() -> tuple[list[int], object]:
    calls: list[int] = []

    def render(total: Decimal, name: str) -> str:
        calls.append(1)
        return f"{name} 合计 {total}"

    return calls, render


def test_a_lazy_explanation_reads_as_its_text_and_is_worded_once() -> None:
    calls, render = _counting()
    rating = RatingResult("u1", D(9), D(90), (), (), lazy_text(render, D("1.5"), "甲"))  # type: ignore[arg-type]
    assert calls == []
    assert rating.explanation == "甲 合计 1.5"
    assert isinstance(rating.explanation, str)
    assert calls == [1]


def test_a_lazy_result_equals_hashes_and_pickles_like_the_worded_one() -> None:
    _, render = _counting()
    lazy = UnitResult("u1", "甲", "c", D(1), D(2), None, None, 1, (), (), lazy_text(render, D(1), "甲"), "")  # type: ignore[arg-type]
    plain = UnitResult("u1", "甲", "c", D(1), D(2), None, None, 1, (), (), "甲 合计 1", "")
    assert lazy == plain
    assert hash(lazy) == hash(plain)
    assert repr(lazy) == repr(plain)
    assert pickle.loads(pickle.dumps(lazy)) == plain


def test_an_unread_lazy_text_is_passed_on_without_wording_it() -> None:
    calls, render = _counting()
    grade = GradeOutcome("优秀", lazy_text(render, D(2), "乙"))  # type: ignore[arg-type]
    passed = unrendered(grade, "explanation")
    component = ComponentResult("c", "测评", D(1), D(2), passed)
    assert calls == []
    assert component.explanation == "乙 合计 2" == rendered(passed)


def test_a_kept_lazy_text_is_the_same_text_as_the_very_text_a_field_rendered_it_into() -> None:
    _, render = _counting()
    kept = lazy_text(render, D(3), "丙")  # type: ignore[arg-type]
    rating = RatingResult("u1", D(9), D(90), (), (), kept)
    assert not same_text(kept, "丙 合计 3")  # not read yet
    text = rating.explanation
    assert unrendered(rating, "explanation") is text
    assert same_text(kept, text) and same_text(text, text)
    assert not same_text(kept, "丙 合计 3"[:-1] + "3")  # an equal text, another object
    assert not same_text(lazy_text(render, D(3), "丙"), text)  # type: ignore[arg-type]


def test_the_unrolled_constructor_builds_the_same_object() -> None:
    build = slot_constructor(
        ComponentResult, ("component_id", "name", "score", "max", "explanation", "raw", "items", "rating")
    )
    built = build("c", "测评", D(1), D(2), "说明", None, (), None)
    assert built == ComponentResult("c", "测评", D(1), D(2), "说明")
    assert type(built) is ComponentResult
