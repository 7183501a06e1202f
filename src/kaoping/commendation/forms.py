from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.commendation.models import Basis
from kaoping.engine.model import Scheme


class ListForm(forms.Form):
    title = forms.CharField(label=_("名单标题"), max_length=200)
    basis = forms.ChoiceField(label=_("表彰依据"), widget=forms.RadioSelect)
    top_n = forms.IntegerField(label=_("各类别前 N 名(统一的 N)"), min_value=1, max_value=10000, required=False)
    grade = forms.ChoiceField(label=_("等次"), required=False)
    star_tier = forms.ChoiceField(label=_("星级"), required=False)
    categories = forms.MultipleChoiceField(label=_("考核类别"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        bases = [(Basis.TOP_N.value, _("各类别前 N 名"))]
        if scheme.grade_bands:
            bases.append((Basis.GRADE.value, _("全部某等次(如“优秀”)")))
        if scheme.stars:
            bases.append((Basis.STARS.value, _("星级")))
        self._choice("basis").choices = bases
        self._choice("grade").choices = [("", _("(请选择)"))] + [(b.name, b.name) for b in scheme.grade_bands]
        self._choice("star_tier").choices = [("", _("(请选择)"))] + [(t.name, t.name) for t in scheme.stars]
        self._choice("categories").choices = [(c.id, c.name) for c in scheme.categories]
        for category in scheme.categories:
            self.fields[f"n_{category.id}"] = forms.IntegerField(
                label=_("%(name)s 名额") % {"name": category.name}, min_value=1, max_value=10000, required=False
            )

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def per_category(self) -> dict[str, int]:
        return {
            c.id: self.cleaned_data[f"n_{c.id}"]
            for c in self.scheme.categories
            if self.cleaned_data.get(f"n_{c.id}") is not None
        }

    def category_fields(self) -> list[Any]:
        return [self[f"n_{c.id}"] for c in self.scheme.categories]


class DecisionForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("exclude", _("排除")), ("include", _("列入"))])
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
