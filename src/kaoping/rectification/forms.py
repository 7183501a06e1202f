from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.rectification.models import Source

_DATE_ERRORS = {"required": _("请填写整改期限"), "invalid": _("日期格式不对,请按“2026-12-07”填写")}


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        error_messages=_DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _text(label: Any, *, required: bool, limit: int, rows: int = 0) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(attrs={"list": "responsible-list"}),
        error_messages={
            "required": _("请填写%(label)s") % {"label": label},
            "max_length": _("%(label)s最多 %(n)s 个字") % {"label": label, "n": limit},
        },
    )


class RequirementsForm(forms.Form):
    """What is asked of the unit: responsible office and person, measures, deadline."""

    responsible_unit = _text(_("责任科室"), required=False, limit=200)
    responsible_person = _text(_("责任人"), required=False, limit=100)
    measures = _text(_("整改措施"), required=False, limit=4000, rows=4)
    deadline = _date(_("整改期限"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].widget.attrs.pop("list", None)


class ProblemForm(RequirementsForm):
    source = forms.ChoiceField(
        label=_("问题来源"), choices=Source.choices, error_messages={"invalid_choice": _("请选择问题来源")}
    )
    item = forms.ChoiceField(
        label=_("关联指标"), required=False, error_messages={"invalid_choice": _("请选择一个指标")}
    )
    points_lost = forms.DecimalField(
        label=_("扣分(没有扣分可不填)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=4,
        error_messages={
            "invalid": _("扣分请填写数字,如 0.5"),
            "min_value": _("扣分须为不小于 0 的数"),
            "max_digits": _("扣分的数字太长"),
            "max_decimal_places": _("扣分最多 4 位小数"),
            "max_whole_digits": _("扣分的数字太大"),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    description = _text(_("问题描述"), required=True, limit=4000, rows=4)
    source_note = forms.CharField(
        label=_("来源说明(如督查日期、抽查人员)"),
        required=False,
        max_length=300,
        error_messages={"max_length": _("来源说明最多 %(limit_value)d 个字")},
    )
    field_order = [
        "source",
        "source_note",
        "item",
        "points_lost",
        "description",
        "responsible_unit",
        "responsible_person",
        "measures",
        "deadline",
    ]

    def __init__(self, *args: Any, items: list[tuple[str, str]], sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item = self.fields["item"]
        assert isinstance(item, forms.ChoiceField)
        item.choices = [("", _("(不关联指标)")), *items]
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = sources


class ReportForm(forms.Form):
    text = _text(_("整改进展"), required=True, limit=4000, rows=4)
    evidence = forms.FileField(label=_("佐证材料(可选,PDF、图片或 Office 文件)"), required=False)
    done = forms.BooleanField(label=_("已整改完成,申请复查"), required=False)


class RecheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("复查结论"),
        choices=[("close", _("整改到位,销号")), ("reopen", _("整改未到位,重新整改"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择复查结论"), "invalid_choice": _("请选择复查结论")},
    )
    opinion = _text(_("复查意见"), required=True, limit=4000, rows=4)
    new_deadline = _date(_("新的整改期限(重新整改时可填)"), required=False)


class SettingsForm(forms.Form):
    concluded_on = forms.DateField(
        label=_("考核结论日期"),
        required=False,
        error_messages={"invalid": _("日期格式不对,请按“2026-12-07”填写")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    days = forms.IntegerField(
        label=_("整改期限(结论日期后的天数)"),
        min_value=1,
        max_value=365,
        error_messages={
            "required": _("请填写整改天数"),
            "invalid": _("整改期限请填写 1 至 365 之间的天数"),
            "min_value": _("整改期限请填写 1 至 365 之间的天数"),
            "max_value": _("整改期限请填写 1 至 365 之间的天数"),
        },
    )
