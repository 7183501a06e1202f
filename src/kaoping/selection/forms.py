from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.selection import graded
from kaoping.selection.models import Kind, Method


class SelectionForm(forms.Form):
    title = forms.CharField(label=_("评选名称"), max_length=200)
    quota = forms.IntegerField(label=_("评选名额(人)"), min_value=1, max_value=500, initial=10)
    eligible_text = forms.CharField(
        label=_("推荐对象"), max_length=500, required=False, help_text=_("例如:全市教育系统在职党员教师")
    )
    nomination_start = forms.DateField(label=_("推荐开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    nomination_end = forms.DateField(label=_("推荐截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    rule_party = forms.BooleanField(label=_("须为中共党员"), required=False, initial=True)
    rule_years = forms.IntegerField(
        label=_("教龄不少于(年,可空)"), min_value=1, max_value=60, required=False, initial=5
    )
    rule_discipline = forms.BooleanField(label=_("近三年无处分"), required=False, initial=True)
    method = forms.ChoiceField(
        label=_("投票方式"),
        choices=Method.choices,
        initial=Method.APPROVAL,
        required=False,
        widget=forms.RadioSelect,
    )
    rater_groups = forms.CharField(
        label=_("评议组及权重(评分方式时填写)"),
        max_length=500,
        required=False,
        help_text=_("例如:评委:60、党员代表:25、群众代表:15(权重为百分比,合计 100)"),
    )

    def clean_method(self) -> str:
        return str(self.cleaned_data.get("method") or Method.APPROVAL)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == Method.GRADED:
            try:
                graded.parse_groups(data.get("rater_groups") or "")
            except graded.GroupsInvalid as invalid:
                self.add_error("rater_groups", str(invalid))
        return data


class NominationForm(forms.Form):
    kind = forms.ChoiceField(label=_("推荐方式"), choices=Kind.choices, widget=forms.RadioSelect)
    nominee_name = forms.CharField(
        label=_("被推荐人姓名"), max_length=50, required=False, help_text=_("个人自荐时为您本人,不必填写")
    )
    organization = forms.ChoiceField(label=_("所在单位"))
    statement = forms.CharField(label=_("主要事迹"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    party_member = forms.BooleanField(label=_("中共党员"), required=False)
    teaching_years = forms.IntegerField(label=_("教龄(年)"), min_value=0, max_value=70, required=False)
    disciplined = forms.BooleanField(label=_("近三年受过处分"), required=False)
    evidence = forms.FileField(label=_("佐证材料(可空)"), required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]], kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization = self.fields["organization"]
        kind = self.fields["kind"]
        assert isinstance(organization, forms.ChoiceField) and isinstance(kind, forms.ChoiceField)
        organization.choices = [(str(pk), name) for pk, name in units]
        kind.choices = [(value, label) for value, label in Kind.choices if value in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("admit", _("通过")), ("refuse", _("不通过"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("理由(不通过时必填)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VotersForm(forms.Form):
    group = forms.ChoiceField(label=_("评议组"), required=False)
    names = forms.CharField(label=_("投票人名单(每行一人)"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, groups: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        """``groups`` (id, name) for a graded selection: the slips are issued per rater group."""
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        if groups:
            group.choices = groups
            group.required = True
        else:
            del self.fields["group"]
