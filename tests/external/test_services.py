from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kaoping.audit.models import AuditEvent
from kaoping.external.models import ImportedScore
from kaoping.external.selectors import engine_imported_scores
from kaoping.external.services import InputsError, imported_scores_import
from kaoping.results.services import compute_campaign_result

pytestmark = pytest.mark.django_db


def test_import_stores_each_row_and_audits_it(
    imported_campaign: Any, organizer: Any, write_csv: Any, campaign_units: Any
) -> None:
    path = write_csv("unit,component,raw\nnc-dh-1,dangjian,80\n西湖第二中学,基层党建工作考核,92.5\n")
    summary = imported_scores_import(campaign=imported_campaign, actor=organizer, path_or_file=path)
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    stored = {s.unit_id: s.raw for s in ImportedScore.objects.all()}
    assert stored == {campaign_units["school_a"].pk: Decimal(80), campaign_units["school_b"].pk: Decimal("92.5")}
    events = AuditEvent.objects.filter(chain=f"campaign:{imported_campaign.pk}", action="imported_score.created")
    assert events.count() == 2


def test_engine_scores_use_campaign_unit_ids_like_the_results_loader(
    imported_campaign: Any, organizer: Any, write_csv: Any, campaign_units: Any
) -> None:
    imported_scores_import(
        campaign=imported_campaign,
        actor=organizer,
        path_or_file=write_csv("unit,component,raw,raw_max\nnc-dh-1,dangjian,40,50\n"),
    )
    [score] = engine_imported_scores(imported_campaign)
    assert (score.unit_id, score.component_id, score.raw, score.raw_max) == (
        str(campaign_units["school_a"].pk),
        "dangjian",
        Decimal(40),
        Decimal(50),
    )


def test_any_bad_row_rejects_the_whole_file_with_row_locations(
    imported_campaign: Any, organizer: Any, write_csv: Any
) -> None:
    path = write_csv(
        "unit,component,raw\nnc-dh-1,dangjian,80\nnowhere,dangjian,70\nnc-xh-2,dangjian,abc\nnc-dh,dangjian,60\n"
    )
    with pytest.raises(InputsError) as caught:
        imported_scores_import(campaign=imported_campaign, actor=organizer, path_or_file=path)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "第3行" in text and "未知单位“nowhere”" in text
    assert "第4行" in text and "不是数字" in text
    assert "第5行" in text and "不参加" in text  # a county does not take the school's component
    assert not ImportedScore.objects.exists()


def test_reimport_updates_changed_scores_with_old_and_new_in_the_audit(
    imported_campaign: Any, organizer: Any, write_csv: Any
) -> None:
    imported_scores_import(
        campaign=imported_campaign,
        actor=organizer,
        path_or_file=write_csv("unit,component,raw\nnc-dh-1,dangjian,80\nnc-xh-2,dangjian,90\n"),
    )
    summary = imported_scores_import(
        campaign=imported_campaign,
        actor=organizer,
        path_or_file=write_csv("unit,component,raw\nnc-dh-1,dangjian,85\nnc-xh-2,dangjian,90\n"),
        reason="更正",
    )
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    score = ImportedScore.objects.get(unit__organization__code="nc-dh-1")
    assert (score.raw, score.version) == (Decimal(85), 2)
    event = AuditEvent.objects.get(action="imported_score.updated")
    assert (event.old["raw"], event.new["raw"], event.reason) == ("80", "85", "更正")


def test_stored_score_is_converted_into_the_standings(imported_campaign: Any, organizer: Any, write_csv: Any) -> None:
    imported_scores_import(
        campaign=imported_campaign, actor=organizer, path_or_file=write_csv("unit,component,raw\nnc-dh-1,dangjian,80\n")
    )
    result = compute_campaign_result(imported_campaign)
    by_name = {u.name: u for u in result.units}
    dangjian = {c.component_id: c for c in by_name["东湖第一中学"].components}["dangjian"]
    assert dangjian.score == Decimal(240)
    missing = {c.component_id: c for c in by_name["西湖第二中学"].components}["dangjian"]
    assert missing.score is None  # no imported score: missing, never 0
