"""Small text and number parsers shared by the scheme file and the Excel table readers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kaoping.engine.model import DepartmentShare

_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# 、 , , ; ; / and line breaks all separate departments in real tables.
_DEPARTMENT_SEPARATORS = re.compile(r"[、,,;;/\n]+")
_SHARE = re.compile(r"^(?P<name>.+?)\s*[::]\s*(?P<points>\S+?)\s*分?$")


def parse_decimal(value: object) -> Decimal | None:
    """An exact Decimal from an int, a Decimal, a numeric string or a float, else None.

    Floats only reach us from readers that lost the text (openpyxl cells); ``str()`` of a float
    is its shortest round-trip text ("13.5", "0.1"), so going through it keeps what was typed.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not _NUMBER_TEXT.match(text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern already guards this
            return None
    return None


def format_decimal(value: Decimal) -> str:
    """Plain text for a Decimal, never in exponent form ("11", "13.5", "0.1")."""
    text = format(value, "f")
    return text


class DepartmentTextError(ValueError):
    """A department list whose split points are not numbers."""


def parse_departments(text: str) -> tuple[DepartmentShare, ...]:
    """Read "办公室、财务处" or "办公室:4、财务处:3" (split points) into department shares."""
    shares = []
    for part in _DEPARTMENT_SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        match = _SHARE.match(part)
        if match is None:
            shares.append(DepartmentShare(part))
            continue
        points = parse_decimal(match.group("points"))
        if points is None:
            raise DepartmentTextError(f"责任处室“{part}”中的分值“{match.group('points')}”不是数字")
        shares.append(DepartmentShare(match.group("name").strip(), points))
    return tuple(shares)


def format_departments(shares: tuple[DepartmentShare, ...]) -> str:
    """The inverse of parse_departments: "办公室:4、财务处:3"."""
    return "、".join(
        share.department if share.points is None else f"{share.department}:{format_decimal(share.points)}"
        for share in shares
    )
