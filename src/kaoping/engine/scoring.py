"""Orchestrates a whole campaign: items → components → conversion → totals → grades → ranks."""

from __future__ import annotations

from kaoping.engine.inputs import Inputs
from kaoping.engine.model import Scheme
from kaoping.engine.results import CampaignResult


def score(scheme: Scheme, inputs: Inputs) -> CampaignResult:
    raise NotImplementedError  # owned by the engine-items helper
