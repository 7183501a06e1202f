from __future__ import annotations

from decimal import Decimal

from kaoping.goals import demo, selectors
from kaoping.goals.models import KeyTask, TargetReport, TaskArea


def test_the_seed_examples_load_faithfully_and_only_once(campaign, organizer):
    assert demo.load_examples(campaign, organizer)
    rows = {r.target.name: r for r in selectors.target_rows(campaign)}
    assert rows["招商引资(引进省外资金)"].rate.text == "68.1%"  # 5310 / 7800
    assert rows["固定资产投资"].rate.text == "18.0%" and rows["固定资产投资"].rate.stated
    assert rows["争取上级补助支持"].rate.missing and rows["争取上级补助支持"].target.target_value == Decimal("22700")
    assert rows["新增校舍建筑面积"].target.target_text == "64.9" and rows["新增校舍建筑面积"].rate.missing
    assert [a.name for a in TaskArea.objects.filter(campaign=campaign)] == [
        "加强党的领导,着力打造党建品牌",
        "优化发展结构,推动教育质量提升",
        "落实立德树人,努力培养时代新人",
        "推动改革创新,激发发展内生动力",
        "提升职业素养,打造专业教师队伍",
        "完善治理体系,提升教育治理能力",
        "强化综合保障,营造良好发展环境",
    ]
    tasks = list(KeyTask.objects.filter(area__campaign=campaign).order_by("number"))
    assert [t.number for t in tasks] == list(range(1, 30))
    assert tasks[0].title == "坚定不移抓好理论武装" and tasks[28].title == "统筹做好其他工作"
    assert "计划建成公办幼儿园25个" in tasks[25].description
    assert all("华都" not in t.description for t in tasks)
    note = TargetReport.objects.get(target=rows["固定资产投资"].target).note
    assert note == "原文:实际完成投资万元(金额空缺),完成年度任务数的18%"
    assert not demo.load_examples(campaign, organizer)
