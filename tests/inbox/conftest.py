from __future__ import annotations

from tests.assessments.conftest import (  # noqa: F401
    _fast_password_hasher,
    _media_root,
    open_campaign,
    scheme,
    submitted_a,
    unit_a,
    unit_b,
)
from tests.publication.conftest import _fresh_worker, on_notice  # noqa: F401
