"""What each role finds on its home page: cards with every link the role needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from kaoping.campaigns import access as campaign_access
from kaoping.campaigns import links
from kaoping.campaigns.models import Campaign
from kaoping.orgs import access
from kaoping.orgs.models import Role


@dataclass(frozen=True)
class Card:
    title: str
    description: str
    links: list[links.Link] = field(default_factory=list)


def roles_of(user: object) -> set[str]:
    return {m.role for m in access.user_memberships(user)}


def home_cards(user: object) -> list[Card]:
    cards: list[Card] = []
    if access.managed_bureaus(user):
        cards.append(_management_card())
    for campaign in campaign_access.campaigns_for(user).order_by("-year", "-created_at")[:20]:
        card = _campaign_card(user, campaign)
        if card.links:
            cards.append(card)
    return cards


def _management_card() -> Card:
    return Card(
        _("机构与人员"),
        _("管理本局及下属单位、处室、用户和角色"),
        [
            links.Link(_("考核活动"), reverse("campaigns:list")),
            links.Link(_("新建考核"), reverse("campaigns:create")),
            links.Link(_("单位"), reverse("orgs:tree")),
            links.Link(_("单位类别"), reverse("orgs:categories")),
            links.Link(_("处室"), reverse("orgs:departments")),
            links.Link(_("用户与角色"), reverse("orgs:users")),
            links.Link(_("Excel 导入"), reverse("orgs:import")),
        ],
    )


def _campaign_card(user: object, campaign: Campaign) -> Card:
    grant = campaign_access.campaign_access(user, campaign)
    role_links = links.campaign_links(campaign, grant)
    overview = links.Link(_("考核概况"), reverse("campaigns:detail", args=[campaign.pk]))
    description = f"{campaign.owner.name} · {campaign.get_phase_display()}"
    return Card(campaign.name, description, [overview, *role_links])


def role_labels(user: object) -> list[str]:
    return sorted({str(Role(m.role).label) for m in access.user_memberships(user)})
