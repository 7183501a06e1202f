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
def _fresh_cache() -> None:
    from kaoping.results.services import clear_result_cache

    clear_result_cache()
