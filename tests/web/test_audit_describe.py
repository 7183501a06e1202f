"""The audit trail reads as sentences (issue 11 §2): names instead of ids, words instead of codes,
never a Python repr such as ``{'unit': 50, 'raw_max': None}``."""

from __future__ import annotations

import re
from typing import Any

from kaoping.audit.services import audit_record
from kaoping.campaigns import services
from kaoping.web.audit_describe import describe

CODE = re.compile(r"[{}\[\]']|None|True|False|raw_max|self_assessment|campaign\.|unit\b")


def _event(campaign: Any, actor: Any, **fields: Any) -> Any:
    return audit_record(chain=f"campaign:{campaign.pk}", actor=actor, **fields)


def test_every_kind_of_event_reads_as_chinese(organizer: Any, campaign: Any, campaign_units: Any) -> None:
    unit = campaign_units["school_a"]
    events = [
        _event(
            campaign,
            organizer,
            action="imported_score.created",
            object_type="imported_score",
            object_id=1,
            field="a",
            new={"unit": unit.pk, "raw": "93.1", "raw_max": None},
        ),
        _event(campaign, organizer, action="campaign.phase", object_type="campaign", object_id=campaign.pk,
               field="phase", old="draft", new="self_assessment"),
        _event(campaign, organizer, action="campaign.deadline", object_type="campaign", object_id=campaign.pk,
               field="deadline:review", old=None, new="2026-12-06T14:30:00+08:00"),
        _event(campaign, organizer, action="unit.add", object_type="campaign_unit", object_id=unit.pk,
               field="category", old=None, new="school"),
        _event(campaign, organizer, action="status", object_type="submission", object_id=unit.pk,
               field="status", old="submitted", new="returned", reason="请补充"),
        _event(campaign, organizer, action="update", object_type="self_assessment", object_id=f"{unit.pk}:1.1",
               field="figures[在校生数]", old={"在校生数": "10"}, new={"在校生数": "12"}),
        _event(campaign, organizer, action="scheme.version", object_type="campaign", object_id=campaign.pk,
               field="scheme_version", old=1, new=2),
        _event(campaign, organizer, action="something.new", object_type="x", object_id=1, new={"a": True}),
    ]  # fmt: skip
    lines = describe(events)
    text = [f"{line.action}|{line.target}|{line.change}" for line in lines]
    assert text[0].startswith("导入外部考核分数|东湖第一中学") and "原始分:93.1" in text[0]
    assert "原始满分:(空)" in text[0]
    assert text[1] == "切换阶段||阶段:草稿 → 单位自评"
    assert text[2].startswith("设置截止时间||审核评分截止时间:") and "2026-12-06" in text[2]
    assert text[3] == "添加参评单位|东湖第一中学|类别:学校"
    assert text[4] == "自评状态变更||状态:已提交 → 已退回修改" and lines[4].reason == "请补充"
    assert text[5].startswith("修改自评|东湖第一中学 · 指标 1.1") and "数据(在校生数):10 → 12" in text[5]
    assert text[6] == "上传新版考核方案||第 1 版 → 第 2 版"
    assert text[7].startswith("其他操作|")
    for line in text:
        assert not CODE.search(line), line


def test_the_campaign_log_page_shows_sentences(organizer: Any, client_for: Any, campaign: Any) -> None:
    services.campaign_set_phase(campaign=campaign, expected="draft", target="self_assessment", actor=organizer)
    page = client_for(organizer).get(f"/audit/campaign/{campaign.pk}/").content.decode()
    assert "切换阶段" in page and "阶段:草稿 → 单位自评" in page
    assert "campaign.phase" not in page and "self_assessment" not in page
