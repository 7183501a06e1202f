"""Stored results read back exactly: every number with its exponent, every explanation and flag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaoping.engine import codec, score
from kaoping.formats.inputs_io import load_inputs
from kaoping.formats.scheme_file import load_scheme

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["honggutan-2021", "nanchang-2018", "linhai-stars"])
def test_every_unit_of_the_examples_survives_a_json_round_trip_exactly(name: str) -> None:
    scheme = load_scheme(EXAMPLES / name / "scheme.yaml")
    result = score(scheme, load_inputs(scheme, [EXAMPLES / name / "inputs"]))
    for unit in result.units:
        stored = json.loads(json.dumps(codec.encode_unit(unit), ensure_ascii=False))
        assert repr(codec.decode_unit(stored)) == repr(unit)  # repr: Decimal("2.50") is not Decimal("2.5")


def test_the_head_keeps_what_a_list_shows_and_drops_the_trees() -> None:
    scheme = load_scheme(EXAMPLES / "nanchang-2018" / "scheme.yaml")
    unit = score(scheme, load_inputs(scheme, [EXAMPLES / "nanchang-2018" / "inputs"])).units[0]
    head = codec.decode_unit(json.loads(json.dumps(codec.encode_head(unit))))
    assert (head.total, head.grade, head.stars, head.rank, head.flags) == (
        unit.total,
        unit.grade,
        unit.stars,
        unit.rank,
        unit.flags,
    )
    assert [(c.component_id, repr(c.score)) for c in head.components] == [
        (c.component_id, repr(c.score)) for c in unit.components
    ]
    assert all(not c.items and c.rating is None for c in head.components)
    assert len(json.dumps(codec.encode_head(unit))) < len(json.dumps(codec.encode_unit(unit)))


def test_data_of_another_layout_is_refused_for_recomputing_not_misread() -> None:
    with pytest.raises(codec.StaleFormat):
        codec.decode_unit([codec.FORMAT + 1, "1"])
