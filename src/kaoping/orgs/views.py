"""Organization pages: tree, unit, categories, departments, users and roles, Excel import.

Only organizers and administrators manage organizations; everyone else gets 404 here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaoping import listing
from kaoping.jobs import services as jobs
from kaoping.orgs import access, accounts, imports, selectors, services
from kaoping.orgs.models import Department, Membership, OrgKind, Role, User
from kaoping.orgs.tasks import import_orgs

IMPORT_SESSION_KEY = "orgs_import"


def _bureaus_or_404(request: HttpRequest) -> list[Any]:
    bureaus = access.managed_bureaus(request.user)
    if not bureaus:
        raise Http404
    return bureaus


def _show_errors(request: HttpRequest, error: services.OrgError | imports.ImportFileError) -> None:
    for message in error.messages:
        messages.error(request, message)


SELECTED = " selected"


class QuickSelect(forms.Select):
    """A <select> whose options are built in Python.

    Django's Select renders one template per option: ~0.5 s for a bureau with 2,000 units.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        selected = set(self.format_value(value))
        # plain string joins: format_html per option took 0.2 s for 2,000 options
        rows = (
            (escape(choice), SELECTED if str(choice) in selected else "", escape(label))
            for choice, label in self.choices
        )
        options = mark_safe("".join(f'<option value="{v}"{s}>{text}</option>' for v, s, text in rows))  # all escaped
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


def _tree_html(roots: list[selectors.OrgNode]) -> SafeString:
    """The nested <li> list of the unit tree, built in Python.

    A template include per node took seconds for 2,000 units; one reverse() serves every link.
    """
    marker = 987654321
    link = escape(reverse("orgs:unit", args=[marker])).replace(str(marker), "{}")
    kinds = {value: escape(label) for value, label in OrgKind.choices}

    def item(node: selectors.OrgNode) -> str:
        # escape() on every user-entered value; the rest is our own markup.
        org = node.org
        kind = kinds.get(org.kind, escape(org.kind))
        category = f" · {escape(org.category.name)}" if org.category else ""
        children = f"<ul>{''.join(item(c) for c in node.children)}</ul>" if node.children else ""
        return (
            f'<li><a href="{link.format(org.pk)}">{escape(org.name)}</a> '
            f'<span class="muted small">{kind}{category}</span>\n{children}</li>\n'
        )

    return mark_safe("".join(item(root) for root in roots))


class UnitForm(forms.Form):
    parent = forms.TypedChoiceField(label=gettext_lazy("上级单位"), coerce=int, widget=QuickSelect)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=200)
    code = forms.CharField(label=gettext_lazy("代码"), max_length=64)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=OrgKind.choices, initial=OrgKind.SCHOOL)
    category = forms.TypedChoiceField(label=gettext_lazy("单位类别"), coerce=int, required=False, empty_value=None)


@login_required
def org_tree(request: HttpRequest) -> HttpResponse:
    _bureaus_or_404(request)
    orgs = list(access.orgs_for(request.user))
    categories = list(selectors.categories_for(request.user))
    form = UnitForm(request.POST or None)
    form.fields["parent"].choices = [(o.pk, o.name) for o in orgs]  # type: ignore[attr-defined]
    form.fields["category"].choices = [("", "—"), *((c.pk, f"{c.name}({c.owner})") for c in categories)]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        parent = access.org_for(request.user, form.cleaned_data["parent"])
        category = next((c for c in categories if c.pk == form.cleaned_data["category"]), None)
        try:
            unit = services.unit_create(
                parent=parent,
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                kind=form.cleaned_data["kind"],
                category=category,
                actor=request.user,
            )
        except services.OrgError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("已添加单位“%(name)s”") % {"name": unit.name})
            return redirect("orgs:tree")
    tree = _tree_html(selectors.tree_of(sorted(orgs, key=lambda o: o.path)))
    return render(request, "orgs/tree.html", {"tree": tree, "form": form})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.org_for(request.user, pk)
    if request.method == "POST":
        return _set_category(request, unit)
    members = selectors.memberships_for(request.user).filter(organization=unit)
    context = {
        "unit": unit,
        "children": unit.children.select_related("category").order_by("name"),
        "members": members,
        "ancestors": [a for a in access.orgs_for(request.user) if unit.path.startswith(a.path) and a.pk != unit.pk],
        "categories": selectors.categories_for(request.user),
    }
    return render(request, "orgs/unit.html", context)


def _set_category(request: HttpRequest, unit: Any) -> HttpResponse:
    chosen = request.POST.get("category", "")
    # isdigit() alone admits "²" and other Unicode digits that int() refuses, and int() refuses more
    # than 4,300 digits: both were a 500. No primary key has more than 18 digits.
    wanted = int(chosen) if chosen.isascii() and chosen.isdigit() and len(chosen) <= 18 else None
    category = selectors.categories_for(request.user).filter(pk=wanted).first() if wanted is not None else None
    if chosen and category is None:
        raise Http404
    services.unit_set_category(unit=unit, category=category, actor=request.user)
    messages.success(request, _("已更新单位类别"))
    return redirect("orgs:unit", unit.pk)


@login_required
def categories(request: HttpRequest) -> HttpResponse:
    bureaus = _bureaus_or_404(request)
    if request.method == "POST":
        bureau = access.bureau_for(request.user, request.POST.get("bureau", ""))
        try:
            services.category_create(
                owner=bureau, code=request.POST.get("code", ""), name=request.POST.get("name", ""), actor=request.user
            )
        except services.OrgError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("已添加单位类别"))
            return redirect("orgs:categories")
    context = {"bureaus": bureaus, "categories": selectors.categories_for(request.user)}
    return render(request, "orgs/categories.html", context)


@login_required
def departments(request: HttpRequest) -> HttpResponse:
    bureaus = _bureaus_or_404(request)
    if request.method == "POST":
        bureau = access.bureau_for(request.user, request.POST.get("bureau", ""))
        try:
            services.department_create(bureau=bureau, name=request.POST.get("name", ""), actor=request.user)
        except services.OrgError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("已添加处室"))
            return redirect("orgs:departments")
    context = {"bureaus": bureaus, "departments": selectors.departments_for(request.user)}
    return render(request, "orgs/departments.html", context)


class AssignForm(forms.Form):
    """Give a role to a user of the bureau (chosen from the list), or create a new user and give it."""

    user = forms.TypedChoiceField(
        label=gettext_lazy("已有用户"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=QuickSelect,
        error_messages={"invalid_choice": gettext_lazy("请从列表中选择本局及下属单位的用户")},
    )
    username = forms.CharField(label=gettext_lazy("或新建用户:用户名"), max_length=150, required=False)
    display_name = forms.CharField(label=gettext_lazy("姓名"), max_length=100, required=False)
    password = forms.CharField(
        label=gettext_lazy("初始密码(新用户,可空;首次登录时须修改)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    organization = forms.TypedChoiceField(label=gettext_lazy("单位"), coerce=int, widget=QuickSelect)
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)
    department = forms.TypedChoiceField(label=gettext_lazy("处室"), coerce=int, required=False, empty_value=None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("user") is None and not str(data.get("username", "")).strip():
            raise forms.ValidationError(_("请选择已有用户,或填写新用户的用户名"))
        password = data.get("password")
        if data.get("user") is None and password:
            candidate = User(username=str(data.get("username", "")), display_name=str(data.get("display_name", "")))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


@login_required
def users(request: HttpRequest) -> HttpResponse:
    _bureaus_or_404(request)
    memberships = selectors.memberships_for(request.user)
    depts = list(selectors.departments_for(request.user))
    form = AssignForm(request.POST or None)
    # the choices read three columns, not 2,000 users and 2,000 units with their parents (≈0.3 s)
    candidates = selectors.users_for(request.user)
    people = candidates.values_list("pk", "display_name", "username")
    form.fields["user"].choices = [("", "—"), *((pk, f"{name or login} ({login})") for pk, name, login in people)]  # type: ignore[attr-defined]
    form.fields["organization"].choices = list(access.orgs_for(request.user).values_list("pk", "name"))  # type: ignore[attr-defined]
    form.fields["department"].choices = [("", "—"), *((d.pk, f"{d.bureau} · {d.name}") for d in depts)]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            _assign(request, form.cleaned_data, depts, candidates)
        except services.OrgError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("已分配角色"))
            return redirect("orgs:users")
    context = {"form": form, "password_user_ids": _password_user_ids(request), **_membership_list(request, memberships)}
    return render(request, "orgs/users.html", context)


USER_SORTS = (
    listing.SortOption("unit", gettext_lazy("按单位"), ("organization__path", "user__username", "pk")),
    listing.SortOption("user", gettext_lazy("按用户名"), ("user__username", "organization__path", "pk")),
    listing.SortOption("name", gettext_lazy("按姓名"), ("user__display_name", "user__username", "pk")),
    listing.SortOption("role", gettext_lazy("按角色"), ("role", "organization__path", "user__username", "pk")),
)


def _membership_list(request: HttpRequest, memberships: QuerySet[Membership]) -> dict[str, Any]:
    """The role assignments searched (user name, name, unit), filtered by role, sorted and in pages."""
    q = listing.search_term(request)
    role = listing.choice(request, "role", list(Role.values))
    sort = listing.sort_option(request, USER_SORTS)
    if q:
        memberships = memberships.filter(
            Q(user__username__icontains=q) | Q(user__display_name__icontains=q) | Q(organization__name__icontains=q)
        )
    if role:
        memberships = memberships.filter(role=role)
    page = listing.paginate(memberships.order_by(*sort.order), request)
    return {
        "memberships": page.object_list,
        "page": page,
        "q": q,
        "role": role,
        "sort": sort,
        "sorts": USER_SORTS,
        "role_choices": Role.choices,
        "filtered": bool(q or role),
    }


def _password_user_ids(request: HttpRequest) -> set[int]:
    """Users whose password this manager may set: all their roles lie within the manager's bureaus."""
    return selectors.password_user_ids(request.user)


def _assign(request: HttpRequest, data: dict[str, Any], depts: list[Department], candidates: QuerySet[User]) -> None:
    organization = access.org_for(request.user, data["organization"])
    department = next((d for d in depts if d.pk == data["department"]), None)
    ours = {u.pk: u for u in candidates}
    if data["user"] is not None:
        user = ours[data["user"]]  # the form accepted only candidates
    else:
        username = data["username"].strip()
        found = selectors.user_named(username)
        if found is not None and found.pk not in ours:
            # A name taken by another bureau's account: refused with nothing about that account.
            raise services.OrgError(_("用户名“%(name)s”已被占用,请换一个用户名") % {"name": username})
        user = found or _new_user(request, data)
    services.membership_assign(
        user=user, organization=organization, role=data["role"], department=department, actor=request.user
    )


def _new_user(request: HttpRequest, data: dict[str, Any]) -> User:
    user = services.user_create(
        username=data["username"],
        display_name=data["display_name"],
        password=data["password"] or None,
        actor=request.user,
    )
    if data["password"]:  # an initial password is known to the administrator: the user replaces it
        accounts.require_password_change(user)
    return user


class SetPasswordForm(auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    must_change = forms.BooleanField(label=gettext_lazy("下次登录时必须修改密码(推荐)"), required=False, initial=True)
    clear_second_factor = forms.BooleanField(
        label=gettext_lazy("同时清除两步验证(用户的手机丢失时)"), required=False, initial=False
    )


def _managed_user_or_404(request: HttpRequest, membership_id: int) -> User:
    """The user of a membership the actor manages, if every one of their roles lies within the actor's
    bureaus (so nobody takes over an account that also serves a bureau they do not manage); never the
    actor, never a superuser. Anything else is a 404."""
    membership = selectors.membership_for(request.user, membership_id)
    user = membership.user if membership else None
    if user is None or user.pk == request.user.pk or user.is_superuser:
        raise Http404
    roles = user.memberships.select_related("organization")
    if any(not access.manager_of(request.user, m.organization) for m in roles):
        raise Http404
    return user


@login_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator sets or resets a user's password (an imported user has none until then).

    The URL names one of the user's memberships, as the users page lists memberships."""
    _bureaus_or_404(request)
    target = _managed_user_or_404(request, pk)
    form = SetPasswordForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.password_set(
            user=target,
            password=form.cleaned_data["new_password1"],
            must_change=form.cleaned_data["must_change"],
            clear_second_factor=form.cleaned_data["clear_second_factor"],
            actor=request.user,
        )
        messages.success(request, _("已为“%(name)s”设置新密码") % {"name": target})
        return redirect("orgs:users")
    context = {
        "target": target,
        "form": form,
        "has_password": target.has_usable_password(),
        "second_factor": accounts.totp_device(target) is not None,
        "memberships": selectors.memberships_for(request.user).filter(user=target),
    }
    return render(request, "orgs/user_password.html", context)


@login_required
@require_POST
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for(request.user, pk)
    if membership is None:
        raise Http404
    try:
        services.membership_revoke(membership=membership, actor=request.user, reason=request.POST.get("reason", ""))
    except services.OrgError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("已撤销角色"))
    return redirect("orgs:users")


# -- Excel import -------------------------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    bureaus = _bureaus_or_404(request)
    preview = None
    file_errors: list[str] = []
    if request.method == "POST":
        bureau = access.bureau_for(request.user, request.POST.get("bureau", ""))
        upload = request.FILES.get("file")
        if upload is None:
            file_errors = [_("请选择要导入的 Excel 文件")]
        else:
            try:
                rows = imports.read_workbook(upload.read(), name=upload.name or "")
            except imports.ImportFileError as error:
                file_errors = error.messages
            else:
                preview = imports.validate(rows, bureau=bureau)
                request.session[IMPORT_SESSION_KEY] = {"bureau": bureau.pk, "rows": rows}
    context = {"bureaus": bureaus, "preview": preview, "file_errors": file_errors}
    return render(request, "orgs/import.html", context, status=400 if file_errors else 200)


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    _bureaus_or_404(request)
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending:
        messages.error(request, _("没有待导入的数据,请重新上传文件"))
        return redirect("orgs:import")
    bureau = access.bureau_for(request.user, pending["bureau"])
    # A task worker writes the rows (each initial password takes a noticeable time to hash); the job
    # page shows its progress and, when it is done, what was imported or why nothing was.
    job = jobs.request(
        f"orgs-import:{bureau.pk}:{uuid.uuid4().hex}",
        _("导入单位和用户(%(bureau)s)") % {"bureau": bureau.name},
        import_orgs,
        params={"bureau": bureau.pk, "actor": request.user.pk, "rows": pending["rows"]},
        user=request.user,
    )
    del request.session[IMPORT_SESSION_KEY]
    return redirect("jobs:job", job.pk)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _bureaus_or_404(request)
    response = HttpResponse(
        imports.template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    disposition = content_disposition_header(as_attachment=True, filename="单位用户导入模板.xlsx")
    response["Content-Disposition"] = disposition or "attachment"
    return response
