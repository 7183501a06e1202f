from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.campaigns.models import Campaign, Phase
from kaoping.goals import services
from kaoping.goals.models import KeyTask, Target, TargetReport

from .conftest import PDF_BYTES


def test_the_organizer_creates_a_target_the_department_reports_and_the_rate_shows(
    campaign, client_for, organizer, scorer_x, dept_x, leader
):
    client = client_for(organizer)
    new = reverse("goals:target_new", args=[campaign.pk])
    assert "新建目标任务" in client.get(new).content.decode()
    form = {"name": "招商引资", "measure": "万元", "target_value": "7800", "owner": f"d{dept_x.pk}", "area": ""}
    response = client.post(new, form, follow=True)
    assert "目标任务已保存" in response.content.decode()
    target = Target.objects.get()
    url = reverse("goals:target", args=[campaign.pk, target.number])
    reporter = client_for(scorer_x)
    body = reporter.get(url).content.decode()
    assert "未报送" in body and "报送完成情况" in body
    report = reverse("goals:target_report", args=[campaign.pk, target.number])
    evidence = SimpleUploadedFile("引资台账.pdf", PDF_BYTES, content_type="application/pdf")
    response = reporter.post(report, {"on": "2018-06-30", "done": "5310", "evidence": evidence}, follow=True)
    body = response.content.decode()
    assert "完成情况已报送" in body and "68.1%" in body and "引资台账.pdf" in body
    report_row = TargetReport.objects.get()
    download = reporter.get(reverse("goals:target_evidence", args=[campaign.pk, 1, report_row.pk]))
    assert download.status_code == 200 and download["Content-Security-Policy"] == "sandbox"
    overview = client_for(leader).get(reverse("goals:overview", args=[campaign.pk])).content.decode()
    assert "68.1%" in overview and "招商引资" in overview
    assert "报送完成情况" not in client_for(leader).get(url).content.decode()  # leaders read


def test_bad_input_is_named_in_chinese(campaign, client_for, organizer, scorer_x, dept_target):
    client = client_for(organizer)
    response = client.post(
        reverse("goals:target_new", args=[campaign.pk]),
        {"name": "", "measure": "万元", "target_value": "七千", "owner": "d999999"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写目标任务名称" in body and "请填写数字" in body and "请选择责任单位或处室" in body
    response = client_for(scorer_x).post(
        reverse("goals:target_report", args=[campaign.pk, dept_target.number]), {"on": "2018-13-40", "done": "NaN"}
    )
    assert response.status_code == 400 and "日期格式不对" in response.content.decode()
    assert not TargetReport.objects.exists()


def test_who_sees_and_reports_what(campaign, client_for, dept_target, unit_target, reporter_a, reporter_b, scorer_y):
    own = reverse("goals:target", args=[campaign.pk, unit_target.number])
    dept = reverse("goals:target", args=[campaign.pk, dept_target.number])
    a = client_for(reporter_a)
    assert a.get(own).status_code == 200 and a.get(dept).status_code == 404
    assert "招商引资" not in a.get(reverse("goals:overview", args=[campaign.pk])).content.decode()
    assert a.get(reverse("goals:dashboard", args=[campaign.pk])).status_code == 404
    assert client_for(reporter_b).get(own).status_code == 404
    # another department reads, but cannot report
    y = client_for(scorer_y)
    assert y.get(dept).status_code == 200
    report = reverse("goals:target_report", args=[campaign.pk, dept_target.number])
    assert y.post(report, {"on": "2018-06-30", "done": "1"}).status_code == 404
    response = a.post(
        reverse("goals:target_report", args=[campaign.pk, unit_target.number]), {"on": "2024-06-30", "done": ""}
    )
    assert response.status_code == 302
    assert TargetReport.objects.get().done is None  # blank stays blank
    assert "未报送" in a.get(own).content.decode()


def test_key_task_pages_progress_with_evidence_and_milestones(
    campaign, client_for, organizer, scorer_x, scorer_y, area, dept_x, dept_y
):
    client = client_for(organizer)
    response = client.post(
        reverse("goals:task_new", args=[campaign.pk]),
        {
            "area": str(area.pk),
            "title": "学前教育抓普惠提质量",
            "lead": str(dept_x.pk),
            "supporting": [str(dept_y.pk)],
            "status": "not_started",
        },
        follow=True,
    )
    assert "重点工作已保存" in response.content.decode()
    task = KeyTask.objects.get()
    url = reverse("goals:task", args=[campaign.pk, task.number])
    assert "添加节点" in client.get(url).content.decode()
    response = client.post(
        reverse("goals:milestone_add", args=[campaign.pk, task.number]),
        {"name": "出台行动计划", "due_on": "2022-03-31"},
        follow=True,
    )
    assert "节点已添加" in response.content.decode() and "已超期" in response.content.decode()
    supporter = client_for(scorer_y)
    evidence = SimpleUploadedFile("计划.pdf", PDF_BYTES, content_type="application/pdf")
    response = supporter.post(
        reverse("goals:task_report", args=[campaign.pk, task.number]),
        {"on": "2022-06-30", "status": "in_progress", "text": "配合完成调研", "evidence": evidence},
        follow=True,
    )
    body = response.content.decode()
    assert "进展已报送" in body and "推进中" in body and "计划.pdf" in body
    milestone = task.milestones.get()
    done = reverse("goals:milestone_done", args=[campaign.pk, task.number, milestone.pk])
    assert supporter.post(done).status_code == 404  # only the lead department ticks milestones off
    response = client_for(scorer_x).post(done, follow=True)
    assert "节点已完成" in response.content.decode()
    dashboard = client.get(reverse("goals:dashboard", args=[campaign.pk])).content.decode()
    assert "重点工作进展(按领域)" in dashboard and "echarts" in dashboard


def test_a_new_area_can_be_made_with_the_task(campaign, client_for, organizer, dept_x):
    response = client_for(organizer).post(
        reverse("goals:task_new", args=[campaign.pk]),
        {"new_area": "强化综合保障", "title": "切实保障教育经费投入", "lead": str(dept_x.pk), "status": "not_started"},
    )
    assert response.status_code == 302
    assert KeyTask.objects.get().area.name == "强化综合保障"


def test_an_archived_campaign_shows_and_refuses(campaign, client_for, scorer_x, dept_target):
    services.target_report(target=dept_target, actor=scorer_x, on=date(2018, 6, 30), done=Decimal("5310"))
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.ARCHIVED)
    client = client_for(scorer_x)
    body = client.get(reverse("goals:target", args=[campaign.pk, dept_target.number])).content.decode()
    assert "68.1%" in body and "报送完成情况" not in body
    response = client.post(
        reverse("goals:target_report", args=[campaign.pk, dept_target.number]),
        {"on": "2018-07-30", "done": "1"},
        follow=True,
    )
    assert "已归档" in response.content.decode() and TargetReport.objects.count() == 1


def test_the_nav_links_the_index(client_for, leader, campaign):
    body = client_for(leader).get(reverse("goals:index")).content.decode()
    assert "目标任务" in body and reverse("goals:overview", args=[campaign.pk]) in body


def test_the_campaign_page_links_here_for_the_bureau_and_the_unit(client_for, organizer, reporter_a, campaign):
    url = reverse("goals:overview", args=[campaign.pk])
    bureau = client_for(organizer).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert url in bureau and "重点工作的节点与进展" in bureau
    unit = client_for(reporter_a).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert url in unit and "本单位目标任务的完成情况" in unit


def test_an_archived_campaign_offers_no_edit_form(campaign, client_for, organizer, dept_target):
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.ARCHIVED)
    client = client_for(organizer)
    for url in (
        reverse("goals:target_edit", args=[campaign.pk, dept_target.number]),
        reverse("goals:task_new", args=[campaign.pk]),
    ):
        body = client.get(url).content.decode()
        assert "该考核活动已归档" in body and '<form method="post">' not in body
