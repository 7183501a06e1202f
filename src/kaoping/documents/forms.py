from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NoticeForm(forms.Form):
    """What the organizer writes in the ranking notice (通报); the ranking table is added from the result."""

    issuer = forms.CharField(label=_("发文机关标志"), max_length=60, help_text=_("版头的红色大字,如“南昌市教育局文件”"))
    number = forms.CharField(label=_("发文字号"), max_length=60, help_text=_("如“洪教督字〔2026〕12号”"))
    title = forms.CharField(label=_("标题"), max_length=200)
    recipient = forms.CharField(label=_("主送机关"), max_length=200, required=False)
    body = forms.CharField(
        label=_("正文"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("每行一段;以“一、”开头的行是一级标题,以“(一)”开头的行是二级标题。附件排名表自动附在文后。"),
    )
    signature = forms.CharField(label=_("落款(发文机关署名)"), max_length=100)
    day = forms.DateField(label=_("成文日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
