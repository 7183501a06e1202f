"""The demo's commendation list: 2018年度考核优秀单位 for the 2018 campaign. Approved and published
when the demo's results are final; otherwise a draft that waits for 结果确定 (the page says why)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from kaoping.campaigns.models import Campaign
from kaoping.campaigns.selectors import current_scheme
from kaoping.commendation import services
from kaoping.commendation.models import Basis, CommendationList


def load_example(campaign: Campaign, *, organizer: str) -> bool:
    """False when the campaign has lists already or the organizer is missing."""
    if CommendationList.objects.filter(campaign=campaign).exists():
        return False
    actor = get_user_model().objects.filter(username=organizer).first()
    scheme = current_scheme(campaign)
    if actor is None or scheme is None:
        return False
    data = services.ListInput(
        title=f"{scheme.year or ''}年度考核优秀单位" if scheme.year else "年度考核优秀单位",
        basis=Basis.TOP_N,
        categories=[c.id for c in scheme.categories],
        top_n=3,
    )
    made = services.create(campaign=campaign, actor=actor, data=data)
    if made.drawn_at is not None and not services.pending(made):
        services.approve(commendation=made, actor=actor)
        services.publish(commendation=made, actor=actor)
    return True
