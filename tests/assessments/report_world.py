"""A campaign like the demo's 红谷滩区 one (examples/honggutan-2021, seed 004's scheme), in its
self-assessment phase with nothing filled in yet, an organizer at the province and the district's
reporter: where seed 004's text is imported (service, view and browser tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEED_004 = Path(__file__).resolve().parents[1] / "formats" / "data" / "report_004.txt"


@dataclass
class Honggutan:
    campaign: Any
    unit: Any
    organizer: Any
    reporter: Any


def honggutan_world(password: str = "") -> Honggutan:
    from kaoping.campaigns.models import Phase
    from kaoping.orgs.models import Membership, OrgKind, Role, User
    from kaoping.web import demo

    province, city = demo.bureaus()
    _data, scheme = demo.load_scheme_data("honggutan-2021")
    demo.categories(province, scheme)
    demo.departments(province, scheme)
    organizer = User.objects.create(username="hgt-organizer", display_name="省厅考核办")
    reporter = User.objects.create(username="hgt-reporter", display_name="红谷滩区填报员")
    if password:
        for user in (organizer, reporter):
            user.set_password(password)
            user.save()
    Membership.objects.create(user=organizer, organization=province, role=Role.ORGANIZER)
    campaign, _scheme, _created = demo.campaign_from_example("honggutan-2021", province, organizer, lambda *_: None)
    district = demo.org("honggutan", "红谷滩区", OrgKind.COUNTY, city)
    Membership.objects.create(user=reporter, organization=district, role=Role.REPORTER)
    units = demo.add_units(campaign, [(district, "district")], organizer)
    demo.advance(campaign, Phase.SELF_ASSESSMENT, organizer)
    campaign.refresh_from_db()
    return Honggutan(campaign, units["honggutan"], organizer, reporter)
