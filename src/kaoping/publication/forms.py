from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

_DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("日期格式不对,请按“2026-12-07”填写")}


class PublishForm(forms.Form):
    notice_start = forms.DateField(
        label=_("公示开始日期"),
        error_messages=_DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notice_end = forms.DateField(
        label=_("公示结束日期"),
        error_messages=_DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    answer_working_days = forms.IntegerField(
        label=_("异议答复期限(工作日)"),
        required=False,
        min_value=1,
        max_value=60,
        initial=15,
        error_messages={
            "required": _("请填写答复期限"),
            "invalid": _("请填写 1 至 60 之间的整数"),
            "min_value": _("请填写 1 至 60 之间的整数"),
            "max_value": _("请填写 1 至 60 之间的整数"),
        },
    )
    public = forms.BooleanField(label=_("同时开放免登录的公示页(只显示纸质公示的内容)"), required=False)
    reason = forms.CharField(
        label=_("说明(发布更正版本时必填)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("说明最多 %(limit_value)d 个字")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("notice_start"), data.get("notice_end")
        if start and end and end < start:
            self.add_error("notice_end", _("公示结束日期不能早于开始日期"))
        return data


class VerifyForm(forms.Form):
    digest = forms.CharField(
        label=_("校验码"),
        max_length=200,
        error_messages={"required": _("请输入校验码"), "max_length": _("校验码为 64 位,输入的内容过长")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ObjectionForm(forms.Form):
    target = forms.ChoiceField(label=_("异议对象"), error_messages={"invalid_choice": _("请选择总分或一个指标")})
    reasons = forms.CharField(
        label=_("异议理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请写明异议理由"), "max_length": _("异议理由最多 %(limit_value)d 个字")},
    )
    evidence = forms.FileField(label=_("佐证材料(可选,PDF、图片或 Office 文件)"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = choices


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("答复结论"),
        choices=[("accepted", _("异议成立")), ("rejected", _("异议不成立"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择异议是否成立")},
    )
    answer = forms.CharField(
        label=_("书面答复"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写书面答复"), "max_length": _("书面答复最多 %(limit_value)d 个字")},
    )
