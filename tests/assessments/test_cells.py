"""The guard of one writable cell, shared by a page and its API twin (assessments.cells)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from tests.assessments.conftest import fill_unit

from kaoping.assessments import cells, services
from kaoping.assessments.selectors import item_ref


def test_a_department_cell_is_found_once_the_unit_has_submitted(
    open_campaign: Any, unit_b: Any, reporter_b: Any, scorer_y: Any, dept_y: Any, scheme: Any
) -> None:
    with pytest.raises(Http404):  # still drafting: departments never see it
        cells.department_cell(scorer_y, open_campaign.pk, dept_y.pk, unit_b.pk, "1.2")
    fill_unit(unit_b, reporter_b)
    services.submission_submit(unit=unit_b, actor=reporter_b, scheme=scheme)
    cell = cells.department_cell(scorer_y, open_campaign.pk, dept_y.pk, unit_b.pk, "1.2")
    assert (cell.unit, cell.department, cell.ref.id) == (unit_b, dept_y, "1.2")
    assert cell.ref.item == item_ref(scheme, "school", "1.2").item


def test_a_department_gets_404_for_an_item_it_is_not_assigned(
    open_campaign: Any, unit_b: Any, reporter_b: Any, scorer_x: Any, dept_x: Any, scheme: Any
) -> None:
    fill_unit(unit_b, reporter_b)
    services.submission_submit(unit=unit_b, actor=reporter_b, scheme=scheme)
    with pytest.raises(Http404):
        cells.department_cell(scorer_x, open_campaign.pk, dept_x.pk, unit_b.pk, "1.2")


def test_an_entry_cell_is_for_the_units_reporters_only(
    open_campaign: Any, unit_a: Any, reporter_a: Any, reporter_b: Any
) -> None:
    assert cells.entry_cell(reporter_a, open_campaign.pk, unit_a.pk, "1.1").unit == unit_a
    with pytest.raises(Http404):
        cells.entry_cell(reporter_b, open_campaign.pk, unit_a.pk, "1.1")
