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
