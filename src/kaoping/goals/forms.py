from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaoping.goals.models import TaskStatus

_DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("日期格式不对,请按“2026-06-30”填写")}
_NUMBER_ERRORS = {
    "invalid": _("请填写数字,例如 7800 或 68.5"),
    "max_digits": _("数字太大:整数部分最多 15 位"),
    "max_decimal_places": _("小数最多 4 位"),
    "max_whole_digits": _("数字太大:整数部分最多 15 位"),
    "required": _("请填写数字"),
}
MEASURES = ("万元", "亿元", "元", "所", "个", "人", "人次", "%", "万平方米", "平方米", "项")


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        error_messages=_DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _number(label: Any, *, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=19,
        decimal_places=4,
        error_messages=_NUMBER_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class TargetForm(forms.Form):
    name = forms.CharField(
        label=_("目标任务"),
        max_length=200,
        error_messages={"required": _("请填写目标任务名称"), "max_length": _("名称最多 %(limit_value)d 个字")},
    )
    area = forms.CharField(
        label=_("类别(可选)"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("类别最多 %(limit_value)d 个字")},
    )
    measure = forms.CharField(
        label=_("计量单位"),
        max_length=20,
        widget=forms.TextInput(attrs={"list": "measures"}),
        error_messages={"required": _("请填写计量单位"), "max_length": _("计量单位最多 %(limit_value)d 个字")},
    )
    target_value = _number(_("目标值"), required=True)
    owner = forms.ChoiceField(label=_("责任单位或处室"), error_messages={"invalid_choice": _("请选择责任单位或处室")})
    source = forms.CharField(
        label=_("来源(可选,如文件名称)"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("来源最多 %(limit_value)d 个字")},
    )

    def __init__(self, *args: Any, owners: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", _("请选择")), *owners]


class TargetReportForm(forms.Form):
    on = _date(_("截至日期"))
    done = _number(_("完成值(不知道就留空,显示为未报送)"), required=False)
    stated_rate = _number(_("或:只知道完成率(%)"), required=False)
    note = forms.CharField(
        label=_("说明(可选)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("说明最多 %(limit_value)d 个字")},
    )
    evidence = forms.FileField(label=_("佐证材料(可选,PDF、图片或 Office 文件)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


_STATUS = forms.ChoiceField(
    label=_("状态"), choices=TaskStatus.choices, error_messages={"invalid_choice": _("请选择状态")}
)


class TaskForm(forms.Form):
    area = forms.ChoiceField(label=_("领域"), required=False, error_messages={"invalid_choice": _("请选择领域")})
    new_area = forms.CharField(
        label=_("或新建领域"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("领域名称最多 %(limit_value)d 个字")},
    )
    title = forms.CharField(
        label=_("重点工作"),
        max_length=200,
        error_messages={"required": _("请填写重点工作名称"), "max_length": _("名称最多 %(limit_value)d 个字")},
    )
    description = forms.CharField(
        label=_("工作内容(可选)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("工作内容最多 %(limit_value)d 个字")},
    )
    lead = forms.ChoiceField(label=_("牵头处室"), error_messages={"invalid_choice": _("请选择牵头处室")})
    supporting = forms.MultipleChoiceField(
        label=_("配合处室(可多选)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从列表中选择配合处室")},
    )
    due_on = _date(_("完成时限(可选)"), required=False)
    status = _STATUS

    def __init__(self, *args: Any, areas: list[tuple[str, str]], departments: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        for name, choices in (("area", [("", _("请选择")), *areas]), ("lead", [("", _("请选择")), *departments])):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        supporting = self.fields["supporting"]
        assert isinstance(supporting, forms.MultipleChoiceField)
        supporting.choices = departments

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("area") and not (data.get("new_area") or "").strip() and "area" not in self.errors:
            self.add_error("area", _("请选择领域,或填写新领域的名称"))
        return data


class TaskReportForm(forms.Form):
    on = _date(_("报送日期"))
    status = _STATUS
    text = forms.CharField(
        label=_("进展情况"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写进展情况"), "max_length": _("进展情况最多 %(limit_value)d 个字")},
    )
    evidence = forms.FileField(label=_("佐证材料(可选,PDF、图片或 Office 文件)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class MilestoneForm(forms.Form):
    name = forms.CharField(
        label=_("节点"),
        max_length=200,
        error_messages={"required": _("请填写节点名称"), "max_length": _("节点名称最多 %(limit_value)d 个字")},
    )
    due_on = _date(_("计划完成日期"))
