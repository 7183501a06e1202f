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
