"""Fixtures for the assessment workflow, on top of the shared persona cast (tests/conftest.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kaoping.campaigns.models import Phase


@pytest.fixture
def open_campaign(campaign: Any) -> Any:
    """The cast's campaign in its self-assessment phase."""
    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    return campaign


@pytest.fixture
def unit_a(open_campaign: Any, campaign_units: dict[str, Any]) -> Any:
    return campaign_units["school_a"]


@pytest.fixture
def unit_b(open_campaign: Any, campaign_units: dict[str, Any]) -> Any:
    return campaign_units["school_b"]


@pytest.fixture
def scheme(open_campaign: Any) -> Any:
    from kaoping.assessments.selectors import scheme_for

    return scheme_for(open_campaign)


@pytest.fixture
def item(scheme: Any) -> Any:
    """Item 1.1: 3 points, scored by 基础教育处, evidence required."""
    from kaoping.assessments.selectors import item_ref

    return item_ref(scheme, "school", "1.1").item


def fill_unit(unit: Any, actor: Any, *, with_evidence: bool = True) -> None:
    """Fill every item of the small scheme so the unit can submit."""
    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for

    scheme = scheme_for(unit.campaign)
    for item_id, value in (("1.1", "3"), ("1.2", "2.5"), ("2", "4")):
        ref = item_ref(scheme, unit.category, item_id)
        services.entry_save(
            unit=unit, item=ref.item, actor=actor, version=0, data=services.EntryInput(self_score=value, note="说明")
        )
    if with_evidence:
        services.evidence_upload(unit=unit, actor=actor, upload=PDF_BYTES, original_name="纪要.pdf", item_ids=["1.1"])


@pytest.fixture
def submitted_a(unit_a: Any, reporter_a: Any) -> Any:
    """School A, filled in and submitted."""
    from kaoping.assessments import services
    from kaoping.assessments.selectors import scheme_for

    fill_unit(unit_a, reporter_a)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme_for(unit_a.campaign))
    return unit_a


# A well-formed one-page PDF (catalog, page tree, cross-reference table): uploads are parsed since
# issue 10, and a file with no catalog is refused as damaged.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
ZERO = Decimal(0)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "evidence"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """The cast creates nine users per test; PBKDF2 at 1.2M rounds would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
