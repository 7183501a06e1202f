"""The expected-permission table: for every URL with an object id, who gets through.

One ``Cell`` = one route × one method × one target object; the test adds the roles. A role in
``allowed`` must get through (the page renders, or the form is processed/refused on its merits);
every other role gets a plain 404; anonymous goes to the login page (the API answers 401) unless
the route is ``public`` (rater links), where anonymous is judged like everyone else.

Targets (see ``world.py``): ``unit-A`` (school A's data in the city's campaign, item 1.1 of dept X),
``unit-B`` (school B's), ``other-bureau`` (the other bureau's campaign), ``item-of-dept-X`` /
``item-of-dept-Y`` (school A's item 1.1 / 1.2 with department X / Y), ``dept-X-on-item-of-Y``
(department X asking for dept Y's item), ``draft-unit`` (county A, not yet submitted).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from . import check

ANYONE_OF_CITY = frozenset({"reporter_a", "reporter_b", "scorer_x", "scorer_y", "reviewer", "leader", "organizer"})
BUREAU = frozenset({"organizer", "leader", "reviewer"})  # the city bureau's people who see every unit
REVIEWERS = frozenset({"organizer", "reviewer"})  # may confirm/adjust scores, return, lock, spot-check
NOBODY: frozenset[str] = frozenset()
EVERYONE = frozenset({"anonymous", *ANYONE_OF_CITY, "other_organizer"})

# Cells that fail today, each with the finding reported to its owner. They run as strict xfail:
# when the code is fixed the cell passes, the xfail turns into an error, and the entry goes.
KNOWN_GAPS: dict[str, str] = {}

# Routes that capture a parameter that is not an object id (none so far); listed here on purpose.
NOT_OBJECT_ROUTES: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    route: str
    method: str
    target: str
    allowed: frozenset[str]
    public: bool = False
    fixed: Mapping[str, Any] = field(default_factory=dict)  # constant URL parameters (action, index …)
    aliases: Mapping[str, str] = field(default_factory=dict)  # URL parameter → world key
    body: str = ""  # formatted with the target's parameters: "file_id={file_id}"
    query: str = ""  # appended to the URL (also formatted)
    content_type: str = "application/x-www-form-urlencoded"
    prepare: Callable[[Any], None] | None = None
    published: bool = False  # the campaign's results are published for this cell

    def expected_for(self, role: str) -> str:
        if role in self.allowed:
            return check.OK
        if role == "anonymous" and not self.public:
            return check.LOGIN
        return check.NOT_FOUND


def _row(route: str, method: str, targets: Mapping[str, frozenset[str]], **options: Any) -> list[Cell]:
    return [Cell(route=route, method=method, target=t, allowed=roles, **options) for t, roles in targets.items()]


def _publish(world: Any) -> None:
    campaign = world.cast.campaign
    campaign.results_published = True
    campaign.save(update_fields=["results_published"])


def _assessments() -> list[Cell]:
    own_unit = {"unit-A": frozenset({"reporter_a"}), "unit-B": frozenset({"reporter_b"}), "other-bureau": NOBODY}
    # Item 1.1 is dept X's, item 1.2 dept Y's: a department sees only its own items' history.
    history = {
        "unit-A": BUREAU | {"reporter_a", "scorer_x"},
        "item-of-dept-Y": BUREAU | {"reporter_a", "scorer_y"},
        "unit-B": BUREAU | {"reporter_b", "scorer_x"},
        "other-bureau": frozenset({"other_organizer"}),
    }
    # School A's file backs item 1.1 (dept X): dept Y has no business with it.
    evidence = {
        "unit-A": BUREAU | {"reporter_a", "scorer_x"},
        "unit-B": BUREAU | {"reporter_b", "scorer_x"},
        "other-bureau": frozenset({"other_organizer"}),
    }
    department = {
        "item-of-dept-X": frozenset({"scorer_x"}),
        "item-of-dept-Y": frozenset({"scorer_y"}),
        "other-bureau": NOBODY,
    }
    department_item = {**department, "dept-X-on-item-of-Y": NOBODY}
    department_cell = {**department_item, "draft-unit": NOBODY}  # departments do not see drafts
    review = {"unit-A": REVIEWERS, "unit-B": REVIEWERS, "other-bureau": frozenset({"other_organizer"})}
    return [
        *_row(
            "assessments:campaign_home",
            "GET",
            {"unit-A": ANYONE_OF_CITY, "other-bureau": frozenset({"other_organizer"})},
        ),
        *_row("assessments:unit_overview", "GET", own_unit),
        *_row("assessments:unit_section", "GET", own_unit, fixed={"index": 0}),
        *_row("assessments:entry_save", "POST", own_unit, body="self_score=1&note=x&version=1"),
        *_row("assessments:submit", "POST", own_unit),
        *_row("assessments:evidence_upload", "POST", own_unit),
        *_row("assessments:evidence_link", "POST", own_unit, body="file_id={file_id}&attach=1"),
        *_row("assessments:item_history", "GET", history),
        *_row("assessments:evidence_download", "GET", evidence),
        *_row("assessments:department_items", "GET", department),
        *_row("assessments:department_grid", "GET", department_item),
        *_row("assessments:department_cell_save", "POST", department_cell, body="score=1&version=0"),
        *_row("assessments:review_unit", "GET", review),
        *_row("assessments:review_save", "POST", review, body="score=2&reason=x&version=1"),
        *_row("assessments:review_action", "POST", review, fixed={"action": "lock"}),
    ]


def _ratings() -> list[Cell]:
    organizer_only = {"unit-A": frozenset({"organizer"}), "other-bureau": frozenset({"other_organizer"})}
    organizer_and_leader = {
        "unit-A": frozenset({"organizer", "leader"}),
        "other-bureau": frozenset({"other_organizer"}),
    }
    return [
        *_row("ratings:session_list", "GET", organizer_and_leader),
        *_row("ratings:session_list", "POST", organizer_only),
        *_row("ratings:session_detail", "GET", organizer_only),
        *_row("ratings:session_action", "POST", organizer_only, fixed={"action": "clear_test"}),
        *_row(
            "ratings:unit_action",
            "POST",
            organizer_only,
            fixed={"action": "open"},
            aliases={"unit_id": "session_unit_id"},
        ),
        *_row("ratings:credentials_issue", "POST", organizer_only),
        *_row("ratings:credential_reissue", "POST", organizer_only),
        *_row("ratings:slip_download", "GET", organizer_only, fixed={"fmt": "csv"}),
        *_row("ratings:ballots_export", "GET", organizer_only),
        *_row("ratings:board", "GET", organizer_and_leader),
        *_row("ratings:board_json", "GET", organizer_and_leader),
        # Rater links: the token is the credential. A made-up token opens nothing, for anyone.
        *_row("ratings:exchange", "GET", {"unit-A": NOBODY}, public=True, fixed={"token": "not-a-real-token"}),
        # The room's join page and the receipt check are public by design (they reveal no grade).
        *_row("ratings:join", "GET", {"unit-A": EVERYONE, "other-bureau": EVERYONE}, public=True),
        *_row("ratings:receipt", "GET", {"unit-A": EVERYONE, "other-bureau": EVERYONE}, public=True),
    ]


def _campaigns() -> list[Cell]:
    campaign = {"unit-A": ANYONE_OF_CITY, "other-bureau": frozenset({"other_organizer"})}
    organizer = {"unit-A": frozenset({"organizer"}), "other-bureau": frozenset({"other_organizer"})}
    pk = {"pk": "campaign_id"}
    return [
        *_row("campaigns:detail", "GET", campaign, aliases=pk),
        *_row("campaigns:phase", "POST", organizer, aliases=pk),
        *_row("campaigns:deadlines", "POST", organizer, aliases=pk),
        *_row("campaigns:publish", "POST", organizer, aliases=pk),
        *_row("campaigns:units", "GET", organizer, aliases=pk),
        *_row("campaigns:units", "POST", organizer, aliases=pk),
        *_row("campaigns:unit_remove", "POST", organizer, aliases=pk),
        *_row("campaigns:scheme", "GET", campaign, aliases=pk),
        *_row("campaigns:scheme", "POST", organizer, aliases=pk),
        *_row("campaigns:scheme_diff", "GET", campaign, aliases=pk, query="old=1&new=2"),
        *_row("audit:campaign_log", "GET", organizer, aliases=pk),
        *_row("orgs:unit", "GET", organizer, aliases={"pk": "org_id"}),
        *_row("orgs:membership_revoke", "POST", organizer, aliases={"pk": "membership_id"}),
        # setting a user's password: addressed by one of the user's memberships (issue 10 §2)
        *_row("orgs:user_password", "GET", organizer, aliases={"pk": "membership_id"}),
        *_row("orgs:user_password", "POST", organizer, aliases={"pk": "membership_id"}),
        # imported component scores (党建, 民办 …): the organizer's page
        *_row("external:imported_scores", "GET", organizer),
        *_row("external:imported_scores", "POST", organizer),
    ]


def _results() -> list[Cell]:
    other = {"other-bureau": frozenset({"other_organizer"})}
    before = {"unit-A": BUREAU, "unit-B": BUREAU, **other}
    # After publication units read their own result; departments read the whole table.
    after = {
        "unit-A": BUREAU | {"reporter_a", "scorer_x", "scorer_y"},
        "unit-B": BUREAU | {"reporter_b", "scorer_x", "scorer_y"},
    }
    published = {"prepare": _publish, "published": True}
    return [
        *_row("results:standings", "GET", {"unit-A": BUREAU, **other}),
        # a unit asking for the table once published is taken to its own result
        *_row("results:standings", "GET", {"unit-A": ANYONE_OF_CITY}, **published),
        *_row("results:unit_result", "GET", before),
        *_row("results:unit_result", "GET", after, **published),
        *_row("results:explain", "GET", before),
        *_row("results:explain", "GET", after, **published),
    ]


def _api() -> list[Cell]:
    """Direct API access (django-ninja, session auth): the same answers as the pages."""
    other = {"other-bureau": frozenset({"other_organizer"})}
    campaign = {"unit-A": ANYONE_OF_CITY, **other}
    entries = {"unit-A": REVIEWERS | {"reporter_a"}, "unit-B": REVIEWERS | {"reporter_b"}, **other}
    own_unit = {"unit-A": frozenset({"reporter_a"}), "unit-B": frozenset({"reporter_b"}), "other-bureau": NOBODY}
    department = {
        "item-of-dept-X": frozenset({"scorer_x"}),
        "item-of-dept-Y": frozenset({"scorer_y"}),
        "dept-X-on-item-of-Y": NOBODY,
        "draft-unit": NOBODY,
        "other-bureau": NOBODY,
    }
    evidence = {
        "unit-A": BUREAU | {"reporter_a", "scorer_x"},
        "unit-B": BUREAU | {"reporter_b", "scorer_x"},
        **other,
    }
    published = {"prepare": _publish, "published": True}
    json = {"content_type": "application/json"}
    return [
        *_row("api:campaign_detail", "GET", campaign),
        *_row("api:campaign_units", "GET", campaign),
        *_row("api:org_detail", "GET", {"unit-A": frozenset({"organizer"}), **other}),
        *_row("api:list_entries", "GET", entries),
        *_row("api:put_entry", "PUT", own_unit, body='{{"version": 1, "self_score": "1"}}', **json),
        *_row("api:put_department_score", "PUT", department, body='{{"version": 0, "score": "1"}}', **json),
        *_row(
            "api:put_review",
            "PUT",
            {"unit-A": REVIEWERS, "unit-B": REVIEWERS, **other},
            body='{{"version": 1, "score": "2", "reason": "x"}}',
            **json,
        ),
        *_row("api:evidence_meta", "GET", evidence),
        *_row("api:standings", "GET", {"unit-A": BUREAU, **other}),
        *_row("api:standings", "GET", {"unit-A": BUREAU | {"scorer_x", "scorer_y"}}, **published),
        *_row("api:unit_result", "GET", {"unit-A": BUREAU, "unit-B": BUREAU, **other}),
        *_row(
            "api:unit_result",
            "GET",
            {
                "unit-A": BUREAU | {"reporter_a", "scorer_x", "scorer_y"},
                "unit-B": BUREAU | {"reporter_b", "scorer_x", "scorer_y"},
            },
            **published,
        ),
    ]


def cells() -> list[Cell]:
    return [*_assessments(), *_ratings(), *_campaigns(), *_results(), *_api()]


def evidence_download_url(target: Mapping[str, Any]) -> str | None:
    try:
        return reverse(
            "assessments:evidence_download", kwargs={"campaign_id": target["campaign_id"], "file_id": target["file_id"]}
        )
    except NoReverseMatch:
        return None


__all__ = ["KNOWN_GAPS", "NOT_OBJECT_ROUTES", "Cell", "cells", "evidence_download_url"]
