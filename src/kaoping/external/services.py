"""Writes of imported scores: a whole file is checked first and written only when every row is right.

Parsing and checking reuse :mod:`kaoping.formats.inputs_io` (the same reader the command line uses
for ``imported`` tables), with the campaign's units standing in for the units table: a row names a
unit by its organization code (or name) and a component by id (or name).

An archived campaign refuses every import (``CampaignArchived``, ``kaoping.campaigns.readonly``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.readonly import CampaignArchived, require_writable
from kaoping.campaigns.selectors import current_scheme
from kaoping.engine.inputs import ImportedScore as EngineImportedScore
from kaoping.engine.inputs import Unit
from kaoping.engine.numbers import fmt
from kaoping.external.models import ImportedScore
from kaoping.formats import inputs_io
from kaoping.formats.inputs_io import InputsError
from kaoping.formats.problems import Problem

__all__ = [
    "CampaignArchived",
    "ImportConflict",
    "ImportSummary",
    "InputsError",
    "imported_scores_check",
    "imported_scores_import",
]


class ImportConflict(Exception):
    """A score changed under us between reading and writing (optimistic lock)."""


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class CheckedScore:
    unit: CampaignUnit
    component_id: str
    raw: Decimal
    raw_max: Decimal | None


def imported_scores_check(*, campaign: Campaign, path_or_file: Path | str | Any) -> list[CheckedScore]:
    """Every row of the file, checked against the campaign's scheme and units. Raises
    :class:`InputsError` with all problems (located to the row, in Chinese) if there is any."""
    scheme = current_scheme(campaign)
    if scheme is None:
        raise InputsError([Problem(_("考核活动"), _("该考核活动还没有考核方案"))])
    units = list(CampaignUnit.objects.filter(campaign=campaign).select_related("organization"))
    by_code = {u.organization.code: u for u in units}
    problems: list[Problem] = []
    builder = inputs_io._Builder(scheme, problems)
    for unit in units:
        engine_unit = Unit(id=unit.organization.code, name=unit.organization.name, category=unit.category)
        builder.units[unit.organization.code] = engine_unit
        builder.units.setdefault(unit.organization.name, engine_unit)
    with tempfile.TemporaryDirectory() as folder:
        path = _local_path(path_or_file, Path(folder))
        tables = [t for p in inputs_io._expand([path], problems) for t in inputs_io._read_file(p, problems)]
    rows = 0
    for table in tables:
        if table.kind != "imported":
            problems.append(Problem(table.source, _("这里只能导入“导入分数”表(列:单位、考核项目、原始分、原始满分)")))
            continue
        rows += len(table.rows)
        builder.add(table)
    if not problems and rows == 0:
        problems.append(Problem(path.name, _("文件中没有导入分数")))
    if problems:
        raise InputsError(problems)
    return [_checked(score, by_code) for score in builder.imported.values()]


def _checked(score: EngineImportedScore, by_code: dict[str, CampaignUnit]) -> CheckedScore:
    return CheckedScore(by_code[score.unit_id], score.component_id, score.raw, score.raw_max)


MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _local_path(path_or_file: Path | str | Any, folder: Path) -> Path:
    """A path on disk; an uploaded file is copied under a safe form of its base name, which tells
    the table kind ("imported.csv"). A 1 KB name, NUL or a control character no longer reaches the
    file system (a 255-character Chinese name is 765 bytes: ENAMETOOLONG was a 500)."""
    if isinstance(path_or_file, str | Path):
        return Path(path_or_file)
    target = folder / _safe_name(str(getattr(path_or_file, "name", "") or ""))
    handle: IO[bytes] = path_or_file
    chunks = path_or_file.chunks() if hasattr(path_or_file, "chunks") else [handle.read()]
    written = 0
    with target.open("wb") as out:
        for chunk in chunks:
            written += len(chunk)
            if written > MAX_IMPORT_BYTES:
                limit = MAX_IMPORT_BYTES // 1024 // 1024
                raise InputsError([Problem(target.name, _("文件过大,上限为 %(mb)d MB") % {"mb": limit})])
            out.write(chunk)
    return target


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/").replace("\x00", "")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, "csv"
    clean_stem = "".join(ch for ch in stem if ch.isprintable() and ch not in "/\\")[:60].strip(" .") or "imported"
    clean_suffix = "".join(ch for ch in suffix if ch.isascii() and ch.isalnum())[:8] or "csv"
    return f"{clean_stem}.{clean_suffix}"


def imported_scores_import(
    *, campaign: Campaign, actor: Any, path_or_file: Path | str | Any, reason: str = ""
) -> ImportSummary:
    """Check the whole file, then create or update one score per (unit, component) — all or nothing.

    Raises CampaignArchived on an archived campaign, before the file is read."""
    require_writable(campaign)
    checked = imported_scores_check(campaign=campaign, path_or_file=path_or_file)
    source = _safe_name(str(getattr(path_or_file, "name", path_or_file)))
    reason = reason or _("导入文件 %(name)s") % {"name": source}
    created = updated = unchanged = 0
    with transaction.atomic():
        require_writable(campaign)  # again, inside the write: it may have been archived while the file was read
        existing = {
            (s.unit_id, s.component_id): s for s in ImportedScore.objects.select_for_update().filter(campaign=campaign)
        }
        for row in checked:
            current = existing.get((row.unit.pk, row.component_id))
            if current is None:
                _create(campaign, row, actor, source, reason)
                created += 1
            elif current.raw == row.raw and current.raw_max == row.raw_max:
                unchanged += 1
            else:
                _update(campaign, current, row, actor, source, reason)
                updated += 1
    return ImportSummary(created, updated, unchanged)


def _values(raw: Decimal | None, raw_max: Decimal | None) -> dict[str, str | None]:
    return {
        "raw": None if raw is None else fmt(raw),
        "raw_max": None if raw_max is None else fmt(raw_max),
    }


def _create(campaign: Campaign, row: CheckedScore, actor: Any, source: str, reason: str) -> None:
    user = actor if getattr(actor, "pk", None) else None
    score = ImportedScore.objects.create(
        campaign=campaign,
        unit=row.unit,
        component_id=row.component_id,
        raw=row.raw,
        raw_max=row.raw_max,
        source=source,
        created_by=user,
        updated_by=user,
    )
    audit_record(
        chain=f"campaign:{campaign.pk}",
        action="imported_score.created",
        object_type="imported_score",
        object_id=score.pk,
        actor=actor,
        field=row.component_id,
        old=None,
        new={"unit": row.unit.pk, **_values(row.raw, row.raw_max)},
        reason=reason,
    )


def _update(
    campaign: Campaign, current: ImportedScore, row: CheckedScore, actor: Any, source: str, reason: str
) -> None:
    changed = ImportedScore.objects.filter(pk=current.pk, version=current.version).update(
        raw=row.raw,
        raw_max=row.raw_max,
        source=source,
        updated_by=actor if getattr(actor, "pk", None) else None,
        version=F("version") + 1,
    )
    if not changed:
        raise ImportConflict(_("该评分已被他人修改,请刷新后再改"))
    audit_record(
        chain=f"campaign:{campaign.pk}",
        action="imported_score.updated",
        object_type="imported_score",
        object_id=current.pk,
        actor=actor,
        field=row.component_id,
        old={"unit": current.unit_id, **_values(current.raw, current.raw_max)},
        new={"unit": row.unit.pk, **_values(row.raw, row.raw_max)},
        reason=reason,
    )
