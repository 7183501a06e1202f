"""The audit trail in sentences a 督学 reads (issue 11 §2).

An ``AuditEvent`` stores codes: its action (``campaign.phase``), the object's type and id, the
field (``deadline:review``, ``figures[在校生数]``) and JSON values (``{'unit': 50, 'raw_max': None}``).
``describe(events)`` turns a page of them into ``Line`` rows — what was done, to what, and what
changed — with names instead of ids (units, categories, components, items, people) and words
instead of enum values. The names are read in a few queries for the whole page, never per event.
An action this module does not know is shown as "其他操作", never as its code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.audit.models import AuditEvent


@dataclass(frozen=True)
class Line:
    at: datetime
    actor: str
    action: str
    target: str
    change: str
    reason: str


def _actions() -> dict[str, str]:
    return {
        "campaign.create": _("创建考核"),
        "campaign.next_year": _("由上一年度考核创建"),
        "campaign.followed": _("开始下一年度考核"),
        "campaign.phase": _("切换阶段"),
        "campaign.deadline": _("设置截止时间"),
        "campaign.reminder_days": _("设置截止前提醒天数"),
        "campaign.publish": _("公布结果"),
        "campaign.unpublish": _("撤回结果公布"),
        "publication.publish": _("发布公示"),
        "publication.public": _("设置免登录公示页"),
        "publication.final": _("结果确定,锁定公示版本"),
        "publication.unfinal": _("撤销结果确定"),
        "objection.file": _("提出异议"),
        "objection.assign": _("分派异议"),
        "objection.answer": _("答复异议"),
        "goal.target.create": _("新建目标任务"),
        "goal.target.update": _("修改目标任务"),
        "goal.target.report": _("报送目标任务完成情况"),
        "goal.area.save": _("设置重点工作领域"),
        "goal.task.create": _("新建重点工作"),
        "goal.task.update": _("修改重点工作"),
        "goal.task.report": _("报送重点工作进展"),
        "goal.milestone.add": _("添加重点工作节点"),
        "goal.milestone.done": _("完成重点工作节点"),
        "goal.milestone.undone": _("撤销重点工作节点的完成"),
        "selection.create": _("新建评选"),
        "selection.nominate": _("推荐评选候选人"),
        "selection.review": _("审核评选推荐"),
        "selection.voters_issued": _("发放评选投票条"),
        "selection.vote_open": _("开始评选投票"),
        "selection.vote_close": _("结束评选投票并计票"),
        "selection.tie_resolved": _("决定评选并列名次"),
        "selection.published": _("公示评选结果"),
        "problem.create": _("登记整改问题"),
        "problem.update": _("修改整改要求"),
        "problem.report": _("报送整改进展"),
        "problem.close": _("复查销号"),
        "problem.reopen": _("复查退回重新整改"),
        "problem.settings": _("设置整改期限"),
        "inspection.group.create": _("新建督查组"),
        "inspection.group.update": _("修改督查组"),
        "inspection.checklist": _("设置督查检查项目"),
        "inspection.draw": _("督查随机抽签"),
        "inspection.assign": _("人工分配督查单位"),
        "inspection.schedule": _("安排督查检查日期"),
        "inspection.record.save": _("填写督查检查记录"),
        "inspection.photo": _("上传督查现场照片"),
        "inspection.finding": _("记录督查发现的问题"),
        "inspection.finding.problem": _("督查发现的问题登记为整改问题"),
        "inspection.record.submit": _("提交督查检查记录"),
        "inspection.record.reopen": _("退回督查检查记录"),
        "commendation.create": _("拟定表彰名单"),
        "commendation.draw": _("生成表彰名单"),
        "commendation.exclude": _("表彰名单手工排除单位"),
        "commendation.include": _("表彰名单列入并列单位"),
        "commendation.restore": _("表彰名单撤销排除"),
        "commendation.approve": _("审批表彰名单"),
        "commendation.publish": _("发布表彰名单"),
        "scheme.version": _("上传新版考核方案"),
        "unit.add": _("添加参评单位"),
        "unit.category": _("更改参评单位类别"),
        "unit.remove": _("移出参评单位"),
        "imported_score.created": _("导入外部考核分数"),
        "imported_score.updated": _("修改外部考核分数"),
        "demo.self_assessment": _("载入演示自评"),
        "demo.department_scores": _("载入演示处室评分"),
        "status": _("自评状态变更"),
        "recuse": _("登记回避"),
        "revoke": _("撤销回避"),
        "upload": _("上传佐证材料"),
        "attach": _("关联佐证材料"),
        "detach": _("取消关联佐证材料"),
        "org.create": _("新建单位"),
        "org.category": _("更改单位类别"),
        "category.create": _("新建单位类别"),
        "department.create": _("新建处室"),
        "membership.assign": _("授予角色"),
        "membership.revoke": _("撤销角色"),
        "user.create": _("新建用户"),
        "password.set": _("重设密码"),
        "password.change": _("修改密码"),
        "login.success": _("登录成功"),
        "login.failed": _("登录失败"),
        "login.locked": _("登录暂时锁定"),
        "otp.enrol": _("启用两步验证"),
        "otp.disable": _("停用两步验证"),
        "rating_session_created": _("新建现场测评"),
        "rating_unit_opened": _("开始测评单位"),
        "rating_unit_closed": _("结束测评单位"),
        "rating_session_closed": _("结束现场测评"),
        "rating_test_cleared": _("清除演练选票"),
        "rating_went_live": _("切换为正式测评"),
        "rating_links_destroyed": _("销毁评分链接"),
        "rating_credentials_issued": _("发放评分条"),
        "rating_credential_reissued": _("补发评分条"),
        "rating_session_settings": _("更改现场测评设置"),
    }


def _object_actions() -> dict[tuple[str, str], str]:
    """``create``/``update`` name the object type to mean something."""
    return {
        ("create", "self_assessment"): _("填写自评"),
        ("update", "self_assessment"): _("修改自评"),
        ("create", "department_score"): _("处室评分"),
        ("update", "department_score"): _("修改处室评分"),
        ("create", "review_score"): _("审核核定"),
        ("update", "review_score"): _("修改核定分"),
        ("create", "spot_check"): _("记录实地抽查"),
        ("create", "department_mapping"): _("对应方案处室"),
        ("update", "department_mapping"): _("修改处室对应"),
    }


def _field_words() -> dict[str, str]:
    return {
        "listed": _("列入名单"),
        "tied": _("并列待定"),
        "excluded": _("排除"),
        "self_score": _("自评分"),
        "reminder_days": _("截止前提醒天数"),
        "show_goals": _("向评委展示目标任务与重点工作进展"),
        "selection": _("评选"),
        "note": _("得失分说明"),
        "figures": _("数据"),
        "not_applicable": _("不适用"),
        "level": _("等级"),
        "triggered": _("是否发生"),
        "score": _("处室评分"),
        "confirmed_score": _("核定分"),
        "reason": _("理由"),
        "status": _("状态"),
        "phase": _("阶段"),
        "category": _("类别"),
        "organization": _("单位"),
        "results_published": _("结果公布"),
        "published_version": _("公示版本"),
        "version": _("版本"),
        "digest": _("校验码"),
        "notice": _("公示期"),
        "changed_units": _("有变化的单位数"),
        "public": _("免登录公示页"),
        "final": _("结果确定"),
        "objection": _("异议"),
        "scheme_version": _("方案版本"),
        "evidence": _("佐证材料"),
        "raw": _("原始分"),
        "raw_max": _("原始满分"),
        "name": _("名称"),
        "year": _("年度"),
        "owner": _("组织单位"),
        "scheme": _("方案文件"),
        "from": _("上一年度考核"),
        "carried": _("复制与结转"),
        "code": _("编号"),
        "kind": _("类型"),
        "parent": _("上级单位"),
        "entries": _("条目数"),
        "scores": _("评分条数"),
        "units": _("单位数"),
        "ballots": _("选票数"),
        "ballot_digest": _("选票校验值"),
        "count": _("张数"),
        "test_ballots_removed": _("清除的演练选票数"),
        "size": _("大小(字节)"),
        "sha256": _("文件校验值"),
        "on": _("日期"),
        "inspectors": _("检查人"),
        "items": _("指标"),
        "address": _("地址"),
        "second_factor": _("两步验证"),
        "step": _("步骤"),
        "username": _("用户名"),
        "role": _("角色"),
        "department": _("处室"),
        "display_name": _("姓名"),
        "target": _("目标任务"),
        "task": _("重点工作"),
        "area": _("领域"),
        "measure": _("计量单位"),
        "target_value": _("目标值"),
        "responsible": _("责任单位或处室"),
        "done": _("完成值"),
        "stated_rate": _("报送的完成率"),
        "title": _("名称"),
        "lead": _("牵头处室"),
        "supporting": _("配合处室"),
        "due": _("完成时限"),
        "milestone": _("节点"),
        "done_on": _("完成日期"),
        "problem": _("整改问题"),
        "source": _("来源"),
        "points_lost": _("扣分"),
        "deadline": _("整改期限"),
        "responsible_unit": _("责任科室"),
        "responsible_person": _("责任人"),
        "measures": _("整改措施"),
        "state": _("状态"),
        "concluded_on": _("考核结论日期"),
        "days": _("整改天数"),
        "seed": _("抽签种子"),
        "groups": _("各组单位数"),
        "visited_on": _("检查日期"),
        "checked": _("已填检查项目"),
        "comment": _("点评"),
        "finding": _("发现的问题"),
        "leader": _("组长"),
        "members": _("组员"),
        "method": _("投票方式"),
        "rater_groups": _("评议组及权重"),
        "rater_group": _("评议组"),
    }


def _value_words() -> dict[str, str]:
    from kaoping.assessments.models import SubmissionStatus
    from kaoping.campaigns.models import Phase
    from kaoping.commendation.models import ListState
    from kaoping.goals.models import TaskStatus
    from kaoping.orgs.models import OrgKind, Role
    from kaoping.publication.models import ObjectionState
    from kaoping.rectification.models import ProblemState

    words: dict[str, str] = {}
    for choices in (
        ListState,
        TaskStatus,
        ProblemState,
        ObjectionState,
        OrgKind,
        Role,
        SubmissionStatus,
        Phase,
    ):  # later ones win: "draft" reads 草稿
        words.update({str(value): str(label) for value, label in choices.choices})
    return words


# -- names for the ids found in a page of events -------------------------------------------------------


@dataclass
class _Names:
    units: dict[int, str]
    users: dict[int, str]
    scheme: dict[int, dict[str, str]]  # campaign pk → id → name (categories, components, groups, items)
    campaign_of_chain: dict[str, int]

    def in_scheme(self, chain: str, code: str) -> str:
        return self.scheme.get(self.campaign_of_chain.get(chain, 0), {}).get(code, "")


def _int(text: object) -> int | None:
    try:
        return int(str(text))
    except (TypeError, ValueError):
        return None


def _unit_ids(event: AuditEvent) -> Iterable[int]:
    if event.object_type in ("campaign_unit", "inspection_unit"):
        found = _int(event.object_id)
        if found is not None:
            yield found
    head, sep, _item = event.object_id.partition(":")
    if sep and head.isdigit():
        yield int(head)
    for value in (event.old, event.new):
        if isinstance(value, Mapping) and _int(value.get("unit")) is not None:
            yield int(value["unit"])


def _scheme_names(data: Mapping[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}

    def items(entries: Iterable[Any]) -> None:
        for entry in entries or ():
            if isinstance(entry, Mapping) and entry.get("id") is not None:
                names[str(entry["id"])] = str(entry.get("name") or entry["id"])
                items(entry.get("children") or ())

    for key in ("categories", "components"):
        items(data.get(key) or ())
    for component in data.get("components") or ():
        items(component.get("indicators") or ())
        items((component.get("rating") or {}).get("groups") or ())
    return names


def _load_names(events: Sequence[AuditEvent]) -> _Names:
    from kaoping.campaigns.models import CampaignUnit, SchemeVersion
    from kaoping.orgs.models import User

    chains: dict[str, int] = {}
    sessions: dict[str, int] = {}
    for event in events:
        kind, _sep, pk = event.chain.partition(":")
        if kind == "campaign" and pk.isdigit():
            chains[event.chain] = int(pk)
        elif kind == "rating-session" and pk.isdigit():
            sessions[event.chain] = int(pk)
    if sessions:
        from kaoping.ratings.models import RatingSession

        campaign_of = dict(RatingSession.objects.filter(pk__in=sessions.values()).values_list("pk", "campaign_id"))
        chains.update({chain: campaign_of[pk] for chain, pk in sessions.items() if pk in campaign_of})
    unit_ids = {pk for event in events for pk in _unit_ids(event)}
    units = dict(CampaignUnit.objects.filter(pk__in=unit_ids).values_list("pk", "organization__name"))
    user_ids = {
        int(v["user"]) for e in events for v in (e.old, e.new) if isinstance(v, Mapping) and _int(v.get("user"))
    }
    users = {
        pk: display or username
        for pk, display, username in User.objects.filter(pk__in=user_ids).values_list("pk", "display_name", "username")
    }
    scheme: dict[int, dict[str, str]] = {}
    latest: dict[int, int] = {}
    versions = SchemeVersion.objects.filter(campaign_id__in=set(chains.values())).values_list(
        "campaign_id", "number", "data"
    )
    for campaign_id, number, data in versions:
        names = scheme.setdefault(campaign_id, {})
        if number >= latest.get(campaign_id, 0):  # the newest version's names win
            latest[campaign_id] = number
            names.update(_scheme_names(data or {}))
        else:
            for key, value in _scheme_names(data or {}).items():
                names.setdefault(key, value)
    return _Names(units=units, users=users, scheme=scheme, campaign_of_chain=chains)


# -- one event in words ---------------------------------------------------------------------------------

_FIELD_WITH_LABEL = re.compile(r"^(?P<name>\w+)\[(?P<label>.*)\]$")


class _Describer:
    def __init__(self, names: _Names) -> None:
        self.names = names
        self.actions = _actions()
        self.object_actions = _object_actions()
        self.fields = _field_words()
        self.values = _value_words()

    def line(self, event: AuditEvent) -> Line:
        action = self.object_actions.get((event.action, event.object_type)) or self.actions.get(
            event.action, _("其他操作")
        )
        return Line(
            at=event.at,
            actor=event.actor_label or "",
            action=action,
            target=self.target(event),
            change=self.change(event),
            reason=event.reason,
        )

    def unit(self, pk: object) -> str:
        found = _int(pk)
        return self.names.units.get(found, "") if found is not None else ""

    def target(self, event: AuditEvent) -> str:
        if event.object_type == "campaign_unit":
            return self.unit(event.object_id)
        head, sep, item = event.object_id.partition(":")
        if sep and head.isdigit() and item:
            name = self.names.in_scheme(event.chain, item)
            return " · ".join(p for p in (self.unit(head), f"{_('指标')} {item} {name}".strip()) if p)
        if event.object_type == "imported_score":
            value = event.new if isinstance(event.new, Mapping) else event.old
            unit = self.unit(value.get("unit")) if isinstance(value, Mapping) else ""
            component = self.names.in_scheme(event.chain, event.field)
            return " · ".join(p for p in (unit, component) if p)
        if event.object_type == "department_mapping":
            return _("方案中的处室“%(name)s”") % {"name": event.field}
        if event.object_type == "publication":
            return _("第 %(number)s 版公示") % {"number": event.object_id}
        if event.object_type == "objection":
            unit, _sep, number = event.object_id.partition("#")
            return _("%(unit)s 第 %(number)s 条异议") % {"unit": self.unit(unit), "number": number}
        if event.object_type == "commendation":
            return _("第 %(number)s 份表彰名单") % {"number": event.object_id}
        if event.object_type == "selection":
            number, _sep, nomination = event.object_id.partition("#")
            if nomination:
                return _("第 %(number)s 项评选 第 %(n)s 号推荐") % {"number": number, "n": nomination}
            return _("第 %(number)s 项评选") % {"number": number}
        if event.object_type == "inspection_unit":
            return _("%(unit)s 督查检查") % {"unit": self.unit(event.object_id)}
        if event.object_type == "inspection_group":
            return _("第 %(number)s 督查组") % {"number": event.object_id}
        if event.object_type == "problem":
            unit, _sep, number = event.object_id.partition("#")
            return _("%(unit)s 整改问题 %(number)s") % {"unit": self.unit(unit), "number": number}
        return ""

    def field(self, event: AuditEvent) -> str:
        name = event.field
        if name.startswith("deadline:"):
            phase = name.partition(":")[2]
            return _("%(phase)s截止时间") % {"phase": self.values.get(phase, "")}
        match = _FIELD_WITH_LABEL.match(name)
        if match:
            word = self.fields.get(match["name"], "")
            return f"{word}({match['label']})" if word else match["label"]
        if event.object_type in ("imported_score", "department_mapping"):
            return ""
        return self.fields.get(name, "")

    def value(self, value: Any, event: AuditEvent, key: str = "") -> str:
        if value is None or value == "":
            return _("(空)")
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if key == "unit":
            return self.unit(value) or _("(已删除的单位)")
        if key == "user":
            return self.names.users.get(_int(value) or 0, _("(已删除的用户)"))
        if key in ("file",):
            return ""
        if key == "source":
            from kaoping.rectification.models import Source

            return str(dict(Source.choices).get(str(value), _("其他")))
        if isinstance(value, Mapping):
            parts = []
            for k, v in value.items():
                if k in ("unit", "file") and event.object_type in ("imported_score", "evidence_link"):
                    continue  # already named in the target or by the file name
                word = self.fields.get(str(k), "")
                text = self.value(v, event, str(k))
                if text:
                    parts.append(f"{word}:{text}" if word else text)
            return ",".join(parts)
        if isinstance(value, list | tuple):
            return "、".join(self.value(v, event, key) for v in value) or _("(空)")
        text = str(value)
        if key in ("on",) or re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d|Z)?", text):
            return _when(text)
        if key == "component" or event.field in ("category",):
            return self.names.in_scheme(event.chain, text) or self.values.get(text, text)
        return self.values.get(text, text)

    def change(self, event: AuditEvent) -> str:
        field = self.field(event)
        if event.action == "scheme.version":
            if event.old is None:
                return _("第 %(new)s 版") % {"new": event.new}
            return _("第 %(old)s 版 → 第 %(new)s 版") % {"old": event.old, "new": event.new}
        if event.action in ("campaign.publish", "campaign.unpublish"):
            return ""
        old = None if event.old is None else self.value(event.old, event)
        new = None if event.new is None else self.value(event.new, event)
        if old is None and new is None:
            return field
        if old is None:
            text = new or ""
        elif new is None:
            text = _("%(old)s → (空)") % {"old": old}
        else:
            text = f"{old} → {new}"
        return f"{field}:{text}" if field else text


def _when(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M") if (moment.hour, moment.minute) != (0, 0) else moment.strftime("%Y-%m-%d")


def describe(events: Iterable[AuditEvent]) -> list[Line]:
    """The events as Chinese rows, in the order given."""
    listed = list(events)
    describer = _Describer(_load_names(listed))
    return [describer.line(event) for event in listed]
