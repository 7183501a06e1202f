from __future__ import annotations

import struct
import zlib
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

from kaoping.orgs.models import Membership, Role, User


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def inspectors(cast: Any) -> dict[str, Any]:
    """Four more reviewers of the city bureau (督学) to sit in inspection groups."""
    made = {}
    for name, display in (("insp1", "甲督学"), ("insp2", "乙督学"), ("insp3", "丙督学"), ("insp4", "丁督学")):
        user = User.objects.create(username=name, display_name=display)
        Membership.objects.create(user=user, organization=cast.city, role=Role.REVIEWER)
        made[name] = user
    return made
