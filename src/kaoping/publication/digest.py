"""The SHA-256 digest of a published results version: what is printed on every copy.

Anyone holding a printed notice or document can type its digest into the check page and see which
campaign and version it belongs to; an auditor can recompute it from the stored rows and see that
nothing changed since publishing. The digest covers the canonical JSON of the campaign's name, its
bureau, the version number and every unit's whole result (``engine.codec`` data, exact decimal
strings) in the published order. No Django here: the same function checks a restored database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

# Bumped if what the digest covers ever changes; old digests keep their meaning under their own number.
DIGEST_FORMAT = 1


def canonical(campaign: str, bureau: str, number: int, units: Iterable[Sequence[Any]]) -> bytes:
    """``units``: (category, rank, name, data) per unit, in the published order."""
    document = {
        "format": DIGEST_FORMAT,
        "campaign": campaign,
        "bureau": bureau,
        "version": number,
        "units": [list(unit) for unit in units],
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(campaign: str, bureau: str, number: int, units: Iterable[Sequence[Any]]) -> str:
    return hashlib.sha256(canonical(campaign, bureau, number, units)).hexdigest()


def normalize(typed: str) -> str:
    """What a person typed from paper: spaces, dashes, full-width characters and case ignored."""
    text = typed.translate({ord(c): None for c in " \t\r\n-_ :：　"})
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return text.lower()


def spaced(full: str) -> str:
    """The digest as printed: groups of eight, easier to read aloud and to compare."""
    return " ".join(full[i : i + 8] for i in range(0, len(full), 8))
