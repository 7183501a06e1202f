"""The example targets and key tasks (``examples/goals/``, transcribed from seeds 001 and 003) loaded
into a campaign through the services, so they are audited like any other write. Idempotent: a
campaign that has targets or key-task areas already is left as it is."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from kaoping.campaigns.models import Campaign
from kaoping.goals import services
from kaoping.goals.models import Target, TaskArea
from kaoping.orgs.models import Department

FOLDER = Path(settings.BASE_DIR) / "examples" / "goals"


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if None in row:  # more cells than headings: an unquoted comma in a text
                raise ValueError(f"{name}: a row has more cells than headings: {row}")
            yield row


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def load_examples(campaign: Campaign, actor: Any) -> bool:
    """Load both files into ``campaign``; False when it had goals already."""
    if Target.objects.filter(campaign=campaign).exists() or TaskArea.objects.filter(campaign=campaign).exists():
        return False
    departments = {d.name: d for d in Department.objects.filter(bureau_id=campaign.owner_id)}

    def department(name: str) -> Department:
        if name not in departments:
            departments[name] = Department.objects.create(bureau_id=campaign.owner_id, name=name)
        return departments[name]

    for row in _rows("targets.csv"):
        fields = services.TargetFields(
            name=row["name"],
            measure=row["measure"],
            target_value=Decimal(row["target_value"]),
            area=row["area"],
            department=department(row["department"]),
            source=row["source"],
        )
        target = services.target_save(campaign=campaign, actor=actor, fields=fields)
        if row["report_on"]:
            services.target_report(
                target=target,
                actor=actor,
                on=date.fromisoformat(row["report_on"]),
                done=_number(row["done"]),
                stated_rate=_number(row["stated_rate"]),
                note=row["note"],
            )
    areas: dict[int, TaskArea] = {}
    for row in _rows("key_tasks_nanchang_2022.csv"):
        number = int(row["area_number"])
        if number not in areas:
            areas[number] = services.area_save(campaign=campaign, actor=actor, number=number, name=row["area"])
        supporting = tuple(department(n) for n in row["supporting"].split("、") if n)
        services.task_save(
            campaign=campaign,
            actor=actor,
            fields=services.TaskFields(
                area=areas[number],
                title=row["title"],
                description=row["description"],
                lead=department(row["lead"]),
                supporting=supporting,
            ),
        )
    return True
