"""A campaign with audit events on every chain kind: entries, evidence, a submission, department
scores and a closed live-rating session with ballots — built through the product's own services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.assessments.conftest import PDF_BYTES, fill_unit
from tests.ratings.conftest import issue, rating_scheme, submit


@pytest.fixture(autouse=True)
def _evidence_and_keys(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "evidence"
    settings.RATING_KEY_DIR = tmp_path / "rating-keys"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Stored standings are derived and left out of backups and archives: recomputes are not run here.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"},
        "queue_only": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"},
    }


@dataclass
class World:
    campaign: Any
    session: Any
    cast: Any


def build_world(cast: Any) -> World:
    from kaoping.assessments import services as assessments
    from kaoping.assessments.selectors import item_ref, scheme_for
    from kaoping.campaigns.models import Phase, SchemeVersion
    from kaoping.ratings import services as ratings
    from kaoping.ratings.models import SessionUnit

    campaign = cast.campaign
    SchemeVersion.objects.create(campaign=campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    unit = cast.campaign_units["school_a"]
    reporter = cast.users["reporter_a"]
    fill_unit(unit, reporter)
    assessments.evidence_upload(
        unit=unit, actor=reporter, upload=PDF_BYTES + b"%second\n", original_name="第二份.pdf", item_ids=["1.2"]
    )
    scheme = scheme_for(campaign)
    assessments.submission_submit(unit=unit, actor=reporter, scheme=scheme)
    campaign.phase = Phase.REVIEW
    campaign.save()
    ref = item_ref(scheme, unit.category, "1.1")
    assessments.department_score_save(
        unit=unit, item=ref.item, department=cast.dept_x, actor=cast.users["scorer_x"], version=0, score="2.75"
    )
    session = ratings.session_create(
        campaign=campaign, actor=cast.users["organizer"], name="立德树人述职测评会", component_id="lide"
    )
    rng = random.Random(12)
    people = issue(session, [(f"评委{i}", ["leaders", "heads", "units"][i % 3], None) for i in range(9)])
    for session_unit in SessionUnit.objects.filter(session=session):
        ratings.unit_open(session=session, session_unit=session_unit)
        for credential, token in people:
            submit(credential, token, session_unit, rng.choice(["好", "良好", "较好", "一般", "差", "不了解"]))
        ratings.unit_close(session=session, session_unit=session_unit)
    ratings.session_close(session=session, actor=cast.users["organizer"])
    session.refresh_from_db()
    return World(campaign=campaign, session=session, cast=cast)


@pytest.fixture
def world(cast: Any) -> World:
    return build_world(cast)
