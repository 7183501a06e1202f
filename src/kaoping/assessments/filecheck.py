"""Moved to :mod:`kaoping.evidence.filecheck`; these names stay importable from here."""

from kaoping.evidence.filecheck import KINDS, OLE_MAGIC, Kind, Refused, agree, detect

__all__ = ["KINDS", "OLE_MAGIC", "Kind", "Refused", "agree", "detect"]
