"""Reads about campaigns that several apps share."""

from __future__ import annotations

from kaoping.campaigns.models import Campaign, SchemeVersion
from kaoping.engine.model import Scheme


def scheme_of(version: SchemeVersion) -> Scheme:
    from kaoping.formats.scheme_file import scheme_from_data

    scheme: Scheme = scheme_from_data(version.data)
    return scheme


def current_scheme(campaign: Campaign) -> Scheme | None:
    """The engine's view of the campaign's newest scheme version, or None before one is set."""
    version = campaign.current_scheme()
    return scheme_of(version) if version else None
