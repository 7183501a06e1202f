"""Forms of the campaign pages. Labels and errors are Chinese."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import PHASE_ORDER, Phase
from kaoping.inbox import scanners
from kaoping.orgs.models import OrgKind

SCHEME_MAX_BYTES = 5 * 1024 * 1024


class SchemeFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is not None and upload.size > SCHEME_MAX_BYTES:
            raise forms.ValidationError(_("文件过大(上限 5 MB)"))
        return upload


class CampaignCreateForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("组织单位"), coerce=int)
    name = forms.CharField(label=_("考核名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    scheme_file = SchemeFileField(label=_("考核方案文件"), help_text=_("YAML/JSON 方案文件,或 Excel 量化考核表(.xlsx)"))

    def __init__(self, *args: Any, bureaus: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(b.pk, b.name) for b in bureaus]  # type: ignore[attr-defined]


class SchemeVersionForm(forms.Form):
    scheme_file = SchemeFileField(label=_("新的方案文件"))
    reason = forms.CharField(label=_("变更原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PhaseForm(forms.Form):
    expected = forms.ChoiceField(choices=Phase.choices, widget=forms.HiddenInput)
    target = forms.ChoiceField(choices=Phase.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)
    confirm_archive = forms.BooleanField(
        label=_("我已知晓:归档后本考核活动的全部数据只能查看,不能再修改,也不能退回"), required=False
    )
    incomplete_confirmed = forms.BooleanField(label=_("我已知晓以上单位结果不完整,仍要继续"), required=False)

    def clean(self) -> dict[str, Any]:
        """Archiving cannot be undone, so it needs the box ticked (a stray click changes nothing)."""
        data = super().clean() or {}
        if data.get("target") == Phase.ARCHIVED and not data.get("confirm_archive"):
            raise forms.ValidationError(_("归档后不能再修改或退回,请勾选确认后再归档"))
        return data


class DeadlinesForm(forms.Form):
    """One optional date-time field per phase."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for phase in PHASE_ORDER:
            self.fields[phase] = forms.DateTimeField(
                label=Phase(phase).label,
                required=False,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
            )
        self.fields["reminder_days"] = forms.CharField(
            label=_("截止前提醒天数"),
            required=False,
            max_length=40,
            help_text=_("截止前几天提醒相关人员,用逗号分隔,如 7,3,1;留空按系统设置(%(days)s)")
            % {"days": ",".join(str(d) for d in scanners.deadline_days())},
        )

    def clean_reminder_days(self) -> str:
        text = str(self.cleaned_data.get("reminder_days") or "").strip()
        if not text:
            return ""
        try:
            return ",".join(str(d) for d in scanners.parse_days(text))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class _UnitIdsField(forms.MultipleChoiceField):
    """Ticked unit ids; which of them may be added is decided against the candidates queryset in
    ``AddUnitsForm.clean`` (a page shows 100 of maybe 2,000, so the choices are not listed here)."""

    def valid_value(self, value: Any) -> bool:
        # ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses
        return re.fullmatch(r"[0-9]{1,18}", str(value)) is not None

    def clean(self, value: Any) -> list[int]:
        return [int(v) for v in super().clean(value)]


class AddUnitsForm(forms.Form):
    """Units picked on the page, or every candidate matching the picker's search (``select_all``)."""

    organizations = _UnitIdsField(label=_("单位"), required=False)
    category = forms.ChoiceField(label=_("考核类别"))
    select_all = forms.BooleanField(required=False)
    cq = forms.CharField(required=False, max_length=100)
    ckind = forms.CharField(required=False, max_length=32)

    def __init__(self, *args: Any, candidates: QuerySet[Any], categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["category"].choices = categories  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("select_all"):
            chosen = filter_candidates(self.candidates, data.get("cq", ""), data.get("ckind", ""))
        else:
            chosen = self.candidates.filter(pk__in=data.get("organizations") or [])
        data["chosen"] = list(chosen.order_by("path"))
        if not data["chosen"] and "organizations" not in self.errors:
            self.add_error("organizations", _("请至少选择一个本局下属、尚未参评的单位"))
        return data


def filter_candidates(candidates: QuerySet[Any], q: str, kind: str) -> QuerySet[Any]:
    """The picker's search: name or code contains ``q``; ``kind`` one of the organization kinds."""
    q = " ".join(str(q).split())
    if q:
        candidates = candidates.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind in OrgKind.values:
        candidates = candidates.filter(kind=kind)
    return candidates


class PublishForm(forms.Form):
    published = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)
    incomplete_confirmed = forms.BooleanField(label=_("我已知晓以上单位结果不完整,仍要继续"), required=False)


class NextYearForm(forms.Form):
    name = forms.CharField(label=_("新考核名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
