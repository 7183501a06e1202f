"""Import units and users from an Excel workbook: read → preview with per-row errors → apply.

The workbook has a sheet “单位” and/or a sheet “用户” (the template shows the columns). Reading
gives plain rows (JSON-able, kept in the session between preview and confirmation); validation
resolves them against the database and the file itself; applying re-validates and writes all
rows in one transaction, or nothing when any row has an error.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaoping.formats.xlsx_guard import Bounds, WorkbookRefused
from kaoping.formats.xlsx_guard import open_workbook as open_checked_workbook
from kaoping.orgs import accounts, services
from kaoping.orgs.models import Department, Organization, OrgKind, Role, UnitCategory, User

UNIT_SHEET = "单位"
USER_SHEET = "用户"
UNIT_COLUMNS = ("代码", "名称", "类型", "上级单位", "类别")
USER_COLUMNS = ("用户名", "姓名", "所属单位", "角色", "处室", "初始密码")
REQUIRED_UNIT = ("代码", "名称", "上级单位")
REQUIRED_USER = ("用户名", "所属单位", "角色")
MAX_ROWS = 5000
IMPORT_BOUNDS = Bounds(rows=50_000, columns=100, cells=500_000, merged_cells=10_000)

KIND_WORDS = {
    "省": OrgKind.PROVINCE,
    "省级": OrgKind.PROVINCE,
    "市": OrgKind.CITY,
    "市级": OrgKind.CITY,
    "县": OrgKind.COUNTY,
    "区": OrgKind.COUNTY,
    "县区": OrgKind.COUNTY,
    "县(区)": OrgKind.COUNTY,
    "学校": OrgKind.SCHOOL,
    "其他": OrgKind.OTHER,
}
ROLE_WORDS = {
    "组织者": Role.ORGANIZER,
    "考核办": Role.ORGANIZER,
    "处室评分员": Role.DEPARTMENT_SCORER,
    "评分员": Role.DEPARTMENT_SCORER,
    "督学": Role.REVIEWER,
    "复核人": Role.REVIEWER,
    "填报员": Role.REPORTER,
    "单位填报员": Role.REPORTER,
    "领导": Role.LEADER,
    "管理员": Role.ADMIN,
    "系统管理员": Role.ADMIN,
}
for _choice in OrgKind:
    KIND_WORDS.setdefault(str(_choice.label), _choice)
    KIND_WORDS.setdefault(_choice.value, _choice)
for _role in Role:
    ROLE_WORDS.setdefault(str(_role.label), _role)
    ROLE_WORDS.setdefault(_role.value, _role)


class ImportFileError(Exception):
    """The workbook as a whole cannot be read (not Excel, no known sheet, missing columns)."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(messages))


@dataclass
class ImportPreview:
    units: list[dict[str, Any]] = field(default_factory=list)  # each row has "row" and "errors"
    users: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [e for row in (*self.units, *self.users) for e in row["errors"]]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.units or self.users)


# -- reading -------------------------------------------------------------------------------------


def read_workbook(content: bytes, *, name: str = "") -> dict[str, list[dict[str, Any]]]:
    """Rows of the 单位 and 用户 sheets as {"row": n, column: text}. Raises ImportFileError.

    The workbook passes xlsx_guard first: a DTD or entity declaration, a zip bomb or an absurd
    sheet extent is refused with the reason, before openpyxl builds anything."""
    shown = display_name(name)
    try:
        workbook = open_checked_workbook(io.BytesIO(content), bounds=IMPORT_BOUNDS, read_only=True)
    except WorkbookRefused as error:
        raise ImportFileError(
            _("无法读取 Excel 文件“%(name)s”:%(reason)s") % {"name": shown, "reason": error.message}
        ) from None
    try:
        found = [name for name in (UNIT_SHEET, USER_SHEET) if name in workbook.sheetnames]
        if not found:
            sheets = "、".join(workbook.sheetnames)
            raise ImportFileError(
                _("工作簿中没有名为“单位”或“用户”的工作表(现有:%(sheets)s),请使用导入模板") % {"sheets": sheets}
            )
        return {name: _sheet_rows(workbook[name], name) for name in found}
    except ImportFileError:
        raise
    except Exception:  # a cell openpyxl cannot read (bad shared-string index, broken XML …): never a 500
        raise ImportFileError(
            _("无法读取 Excel 文件“%(name)s”:工作表内容已损坏,请用 Excel 另存为 .xlsx 后重试") % {"name": shown}
        ) from None
    finally:
        workbook.close()


def display_name(name: str) -> str:
    """An uploaded file's name fit for a message: no path, no control characters, at most 80 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in base if ch.isprintable()).strip()
    return (text[:77] + "…" if len(text) > 80 else text) or _("上传的文件")


def _sheet_rows(sheet: Any, name: str) -> list[dict[str, Any]]:
    required = REQUIRED_UNIT if name == UNIT_SHEET else REQUIRED_USER
    columns = UNIT_COLUMNS if name == UNIT_SHEET else USER_COLUMNS
    rows = sheet.iter_rows(max_col=IMPORT_BOUNDS.columns, values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFileError(
            _("工作表“%(sheet)s”第1行缺少列:%(columns)s") % {"sheet": name, "columns": "、".join(missing)}
        )
    index = {c: header.index(c) for c in columns if c in header}
    result: list[dict[str, Any]] = []
    for number, values in enumerate(rows, start=2):
        cells = {c: _text(values[i]) if i < len(values) else "" for c, i in index.items()}
        if not any(cells.values()):
            continue
        if len(result) >= MAX_ROWS:
            raise ImportFileError(_("工作表“%(sheet)s”超过 %(max)d 行") % {"sheet": name, "max": MAX_ROWS})
        result.append({"row": number, **{c: cells.get(c, "") for c in columns}})
    return result


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# -- validating ------------------------------------------------------------------------------------


def validate(rows: dict[str, list[dict[str, Any]]], *, bureau: Organization) -> ImportPreview:
    preview = ImportPreview(
        units=[dict(r, errors=[]) for r in rows.get(UNIT_SHEET, [])],
        users=[dict(r, errors=[]) for r in rows.get(USER_SHEET, [])],
    )
    scope = {o.code: o for o in bureau.descendants()} | {bureau.code: bureau}
    names = {o.name: o for o in scope.values()}
    categories = {c.code: c for c in UnitCategory.objects.filter(owner=bureau)}
    categories |= {c.name: c for c in categories.values()}
    _validate_units(preview.units, scope, names, categories)
    file_units = {r["代码"]: r for r in preview.units} | {r["名称"]: r for r in preview.units}
    _validate_users(preview.users, scope, names, file_units)
    return preview


def _validate_units(
    rows: list[dict[str, Any]],
    scope: dict[str, Organization],
    names: dict[str, Organization],
    categories: dict[str, UnitCategory],
) -> None:
    seen: dict[str, int] = {}
    existing_codes = set(Organization.objects.filter(code__in=[r["代码"] for r in rows]).values_list("code", flat=True))
    for row in rows:
        where = _("第%(row)d行(单位):") % {"row": row["row"]}
        errors: list[str] = row["errors"]
        code, name, parent = row["代码"], row["名称"], row["上级单位"]
        for column in REQUIRED_UNIT:
            if not row[column]:
                errors.append(where + _("“%(column)s”不能为空") % {"column": column})
        if code in seen:
            errors.append(where + _("单位代码“%(code)s”与第%(other)d行重复") % {"code": code, "other": seen[code]})
        elif code and code in existing_codes:
            errors.append(where + _("单位代码“%(code)s”已存在") % {"code": code})
        if parent and parent not in scope and parent not in names and parent not in seen:
            errors.append(where + _("上级单位“%(parent)s”不存在") % {"parent": parent})
        if row["类型"] and row["类型"] not in KIND_WORDS:
            errors.append(where + _("类型“%(kind)s”无法识别(可填:省、市、县区、学校、其他)") % {"kind": row["类型"]})
        if row["类别"] and row["类别"] not in categories:
            errors.append(where + _("单位类别“%(category)s”不存在") % {"category": row["类别"]})
        if code:
            seen.setdefault(code, row["row"])
        if name:
            seen.setdefault(name, row["row"])


def _validate_users(
    rows: list[dict[str, Any]],
    scope: dict[str, Organization],
    names: dict[str, Organization],
    file_units: dict[str, dict[str, Any]],
) -> None:
    seen: dict[str, int] = {}
    taken = set(User.objects.filter(username__in=[r["用户名"] for r in rows]).values_list("username", flat=True))
    for row in rows:
        where = _("第%(row)d行(用户):") % {"row": row["row"]}
        errors: list[str] = row["errors"]
        username, unit, role = row["用户名"], row["所属单位"], row["角色"]
        for column in REQUIRED_USER:
            if not row[column]:
                errors.append(where + _("“%(column)s”不能为空") % {"column": column})
        if username in seen:
            errors.append(
                where + _("用户名“%(name)s”与第%(other)d行重复") % {"name": username, "other": seen[username]}
            )
        elif username in taken:
            errors.append(where + _("用户名“%(name)s”已被占用") % {"name": username})
        seen.setdefault(username, row["row"])
        org = scope.get(unit) or names.get(unit)
        if unit and org is None and unit not in file_units:
            errors.append(where + _("所属单位“%(unit)s”不存在") % {"unit": unit})
        if role and role not in ROLE_WORDS:
            errors.append(where + _("角色“%(role)s”无法识别") % {"role": role})
        elif ROLE_WORDS.get(role) == Role.DEPARTMENT_SCORER:
            _check_department(row, org, where)
        password = row.get("初始密码", "")
        if password:
            errors.extend(
                where + _("初始密码:%(reason)s") % {"reason": reason} for reason in _password_problems(password)
            )


def _password_problems(password: str) -> list[str]:
    """The password policy's own reasons (settings.AUTH_PASSWORD_VALIDATORS), in Chinese."""
    try:
        password_validation.validate_password(password)
    except ValidationError as error:
        return list(error.messages)
    return []


def _check_department(row: dict[str, Any], org: Organization | None, where: str) -> None:
    department = row["处室"]
    if not department:
        row["errors"].append(where + _("处室评分员必须填写“处室”"))
    elif org is None or not Department.objects.filter(bureau=org, name=department).exists():
        row["errors"].append(where + _("处室“%(name)s”不存在") % {"name": department})


# -- applying ----------------------------------------------------------------------------------------


@transaction.atomic
def apply(
    rows: dict[str, list[dict[str, Any]]],
    *,
    bureau: Organization,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPreview:
    """Validate again (the database may have changed since the preview) and write every row, or
    nothing: any error raises ImportFileError before the first write. ``progress(done, total)``
    is told after each row (a user's password hash takes a noticeable fraction of a second)."""
    preview = validate(rows, bureau=bureau)
    if preview.errors:
        raise ImportFileError(*preview.errors)
    by_ref: dict[str, Organization] = {o.code: o for o in bureau.descendants()} | {bureau.code: bureau}
    by_ref |= {o.name: o for o in list(by_ref.values())}
    categories = {c.code: c for c in UnitCategory.objects.filter(owner=bureau)}
    categories |= {c.name: c for c in categories.values()}
    total, done = len(preview.units) + len(preview.users), 0
    for row in preview.units:
        unit = services.unit_create(
            parent=by_ref[row["上级单位"]],
            name=row["名称"],
            code=row["代码"],
            kind=KIND_WORDS.get(row["类型"], OrgKind.SCHOOL),
            category=categories.get(row["类别"]),
            actor=actor,
        )
        by_ref[unit.code] = by_ref[unit.name] = unit
        done += 1
        if progress is not None:
            progress(done, total)
    for row in preview.users:
        org = by_ref[row["所属单位"]]
        user = services.user_create(
            username=row["用户名"], display_name=row["姓名"], password=row["初始密码"] or None, actor=actor
        )
        if row["初始密码"]:  # written in a file others have seen: the user chooses their own at first sign-in
            accounts.require_password_change(user)
        role = ROLE_WORDS[row["角色"]]
        department = Department.objects.filter(bureau=org, name=row["处室"]).first() if row["处室"] else None
        services.membership_assign(user=user, organization=org, role=role, department=department, actor=actor)
        done += 1
        if progress is not None:
            progress(done, total)
    return preview


# -- template ----------------------------------------------------------------------------------------


def template_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    units = workbook.active
    assert units is not None
    units.title = UNIT_SHEET
    units.append(list(UNIT_COLUMNS))
    units.append(["dh-001", "东湖区第一小学", "学校", "东湖区教育局", "局属学校"])
    users = workbook.create_sheet(USER_SHEET)
    users.append(list(USER_COLUMNS))
    users.append(["dh001-tb", "张老师", "dh-001", "填报员", "", ""])
    notes = workbook.create_sheet("说明")
    for line in (
        "“单位”表:代码唯一;上级单位填代码或名称(须已存在,或在本表前面的行中);类型:省、市、县区、学校、其他;类别填本局单位类别的代码或名称。",
        "“用户”表:用户名唯一;所属单位填代码或名称;角色:组织者、处室评分员、督学、填报员、领导、管理员;处室评分员须填处室。",
        "初始密码可空(由管理员稍后设置),填写时至少 10 位。有任何错误时不会导入任何一行。",
    ):
        notes.append([line])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
