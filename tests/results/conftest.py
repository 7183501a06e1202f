from collections.abc import Callable
from typing import Any

import pytest
from tests.assessments.conftest import (  # noqa: F401
    _fast_password_hasher,
    _media_root,
    open_campaign,
    scheme,
    unit_a,
    unit_b,
)


@pytest.fixture(autouse=True)
def _fresh_worker() -> None:
    """Each test starts as a fresh task worker would, with no campaign state in memory."""
    from kaoping.results.compute import forget_states

    forget_states()


@pytest.fixture
def live_session(campaign: Any, organizer: Any) -> Callable[[str], Any]:
    """Makes live rating sessions over the campaign's units, its scheme given a rating component
    first (tests.ratings.conftest.rating_scheme)."""
    from tests.ratings.conftest import rating_scheme

    from kaoping.campaigns.models import SchemeVersion
    from kaoping.ratings import services

    SchemeVersion.objects.create(campaign=campaign, number=2, data=rating_scheme(), source_name="rating.yaml")

    def make(name: str) -> Any:
        session = services.session_create(campaign=campaign, actor=organizer, name=name, component_id="lide")
        services.session_go_live(session=session)
        return session

    return make
