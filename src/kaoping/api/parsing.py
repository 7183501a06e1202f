"""Request bodies the database can store.

JSON can carry text that is not valid Unicode (``"\\ud800"``, a lone surrogate) and text that
PostgreSQL cannot store (``"\\u0000"``). Python's json module accepts both; pydantic passed them on
as ``str``, and the first write raised (UnicodeEncodeError on SQLite: a 500, found by the fuzz
tests in tests/fuzz/). No field of this API has a use for either, so such a body is refused as
unreadable before any view sees it.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class UnstorableText(ValueError):
    """A string in the body that cannot be stored; ``where`` is its path ("figures.x")."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def _storable(text: str) -> bool:
    return "\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text)


def first_unstorable(data: Any) -> str | None:
    """The path of the first key or string value that cannot be stored, or None."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str) and not _storable(value):
            return where or "body"
        if isinstance(value, dict):
            for key, inner in value.items():
                path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and not _storable(key):
                    return where or "body"
                pending.append((path, inner))
        elif isinstance(value, list):
            pending.extend((f"{where}[{i}]", inner) for i, inner in enumerate(value))
    return None


class StorableJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        where = first_unstorable(data)
        if where is not None:
            raise UnstorableText(where)
        return data
