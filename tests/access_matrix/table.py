"""The expected-permission table: for every URL with an object id, who gets through.

One ``Cell`` = one route × one method × one target object; the test adds the roles. A role in
``allowed`` must get through (the page renders, or the form is processed/refused on its merits);
every other role gets a plain 404; anonymous goes to the login page (the API answers 401) unless
the route is ``public`` (rater links), where anonymous is judged like everyone else.

Targets (see ``world.py``): ``unit-A`` (school A's data in the city's campaign, item 1.1 of dept X),
``unit-B`` (school B's), ``other-bureau`` (the other bureau's campaign), ``item-of-dept-X`` /
``item-of-dept-Y`` (school A's item 1.1 / 1.2 with department X / Y), ``dept-X-on-item-of-Y``
(department X asking for dept Y's item), ``draft-unit`` (county A, not yet submitted, as a
department's target), ``unit-county-A`` (county A's own data: a participating unit that is also
a bureau).

Every write cell (any method but GET) runs a second time against an archived (已归档) campaign
(``archived_cells``): a role allowed to write gets through the access checks and is refused with
"该考核活动已归档…" and nothing stored changes; everyone else gets the same 404 as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.urls import NoReverseMatch, reverse

from . import check

MANAGERS = frozenset({"organizer", "admin_user"})  # organizer and administrator of the city (same rights)
BUREAU = MANAGERS | {"leader", "reviewer"}  # the city bureau's people who see every unit
REVIEWERS = MANAGERS | {"reviewer"}  # may confirm/adjust scores, return, lock, spot-check
# the reviewer at county A reviews the units beneath county A: school A and county A itself
REVIEWERS_OF_A = REVIEWERS | {"reviewer_county_a"}
UNIT_PEOPLE = frozenset({"reporter_a", "reporter_b", "leader_school_a", "leader_county_a", "reporter_county_a"})
ANYONE_OF_CITY = BUREAU | UNIT_PEOPLE | {"scorer_x", "scorer_y", "reviewer_county_a"}
NOBODY: frozenset[str] = frozenset()
# roles with no part in either campaign (above the owner, or a bureau beneath it that owns nothing)
OUTSIDERS = frozenset({"leader_province", "reviewer_province", "scorer_county_a", "organizer_county_a"})
EVERYONE = frozenset({"anonymous", *ANYONE_OF_CITY, "other_organizer", "organizer_province", *OUTSIDERS})
# who manages an organization: the city's managers for its units, plus a bureau above it
ORG_MANAGERS_OF_A = MANAGERS | {"organizer_county_a", "organizer_province"}

# Cells that fail today, each with the finding reported to its owner. They run as strict xfail:
# when the code is fixed the cell passes, the xfail turns into an error, and the entry goes.
KNOWN_GAPS: dict[str, str] = {}

# Routes that capture a parameter that is not an object id (none so far); listed here on purpose.
NOT_OBJECT_ROUTES: tuple[str, ...] = ()

# Write routes that do not belong to a campaign: archiving a campaign does not freeze them.
# Documents are downloads that change nothing: an archived campaign still gets them (tests/documents).
NOT_CAMPAIGN_WRITES: frozenset[str] = frozenset(
    {
        "orgs:membership_revoke",
        "orgs:user_password",
        "jobs:retry",
        "documents:notice",
        "documents:batch",
        "inbox:open",
        "inbox:mark",
        "campaigns:next_year",  # starting next year's campaign only reads this one, archived or not
    }
)


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
    archived: bool = False  # both campaigns are archived for this cell: allowed roles are refused

    @property
    def label(self) -> str:
        return self.target + ("-published" if self.published else "") + ("-archived" if self.archived else "")

    def expected_for(self, role: str) -> str:
        if role in self.allowed:
            return check.ARCHIVED if self.archived else check.OK
        if role == "anonymous" and not self.public:
            return check.LOGIN
        return check.NOT_FOUND


def _row(route: str, method: str, targets: Mapping[str, frozenset[str]], **options: Any) -> list[Cell]:
    return [Cell(route=route, method=method, target=t, allowed=roles, **options) for t, roles in targets.items()]


def _publish(world: Any) -> None:
    campaign = world.cast.campaign
    campaign.results_published = True
    campaign.save(update_fields=["results_published"])


def _publish_version(world: Any) -> None:
    """A frozen 第 1 版 of both campaigns (kaoping.publication), without going through a notice phase."""
    from django.utils import timezone

    from kaoping.publication.models import PublishedVersion

    for campaign in (world.cast.campaign, world.cast.other_campaign):
        PublishedVersion.objects.get_or_create(
            campaign=campaign,
            number=1,
            defaults={
                "campaign_name": campaign.name,
                "bureau_name": campaign.owner.name,
                "digest": "0" * 64,
                "data_version": "",
                "published_at": timezone.now(),
                "notice_start": timezone.localdate(),
                "notice_end": timezone.localdate(),
                "public_key": "matrix-city" if campaign == world.cast.campaign else "matrix-other",
                "public": campaign == world.cast.campaign,
            },
        )


def _zip_ready(world: Any) -> None:
    """A finished documents zip of each campaign, started by its organizer (``zip_job_id``)."""
    from kaoping.documents import tasks as documents
    from kaoping.jobs.models import Job, JobState

    for target, campaign, owner in (
        ("unit-A", world.cast.campaign, "organizer"),
        ("other-bureau", world.cast.other_campaign, "other_organizer"),
    ):
        user = world.user(owner)
        job, _created = Job.objects.get_or_create(
            key=f"documents:{campaign.pk}:{user.pk}:docx",
            state=JobState.DONE,
            defaults={
                "title": "自评报告打包",
                "task_path": "kaoping.documents.tasks.build_reports_zip",
                "created_by": user,
            },
        )
        path = documents.batch_path(campaign.pk, job.pk)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip
        world.targets[target]["zip_job_id"] = job.pk


def _file_objections(world: Any) -> None:
    """第 1 条异议 of every target unit (with a PDF), against a 第 1 版 of its campaign."""
    from django.utils import timezone

    from kaoping.assessments import uploads
    from kaoping.campaigns.models import CampaignUnit
    from kaoping.publication.models import Objection, PublishedVersion

    from .world import pdf_bytes

    _publish_version(world)
    for unit in CampaignUnit.objects.filter(campaign__in=[world.cast.campaign, world.cast.other_campaign]):
        stored, facts = uploads.store_upload(pdf_bytes("objection"), "复核材料.pdf")
        Objection.objects.get_or_create(
            unit=unit,
            number=1,
            defaults={
                "version": PublishedVersion.objects.get(campaign_id=unit.campaign_id, number=1),
                "item_name": "总分",
                "reasons": "异议理由",
                "evidence_name": facts.original_name,
                "evidence_stored": stored,
                "evidence_type": facts.content_type,
                "filed_at": timezone.now(),
                "due_on": timezone.localdate(),
            },
        )


def _problems(world: Any) -> None:
    """整改问题 1 of every target unit, with a progress report carrying a PDF (``report_id``)."""
    from django.utils import timezone

    from kaoping.assessments import uploads
    from kaoping.campaigns.models import CampaignUnit
    from kaoping.rectification.models import Problem, Progress

    from .world import pdf_bytes

    for target in ("unit-A", "unit-B", "unit-county-A", "other-bureau"):
        unit = CampaignUnit.objects.get(pk=world.targets[target]["unit_id"])
        problem, created = Problem.objects.get_or_create(
            unit=unit,
            number=1,
            defaults={
                "campaign": unit.campaign,
                "organization": unit.organization,
                "source": "review",
                "description": "会议记录不全",
                "deadline": timezone.localdate(),
                "created_at": timezone.now(),
            },
        )
        if created:
            stored, facts = uploads.store_upload(pdf_bytes("problem"), "整改报告.pdf")
            Progress.objects.create(
                problem=problem,
                text="已整改",
                evidence_name=facts.original_name,
                evidence_stored=stored,
                evidence_type=facts.content_type,
                reported_at=timezone.now(),
            )
        world.targets[target]["report_id"] = problem.reports.values_list("pk", flat=True).first()


def _rectification() -> list[Cell]:
    """问题整改: the ledger for everyone in the campaign (each sees the units they may); the unit's reviewers
    register, edit and re-check its problems, its reporters report progress, the organizers set the deadline."""
    other = {"other-bureau": frozenset({"other_organizer"})}
    organizer = {"unit-A": MANAGERS, **other}
    organizers_of_units = {"unit-A": MANAGERS, "unit-B": MANAGERS, "unit-county-A": MANAGERS, **other}
    managers = {"unit-A": REVIEWERS_OF_A, "unit-B": REVIEWERS, "unit-county-A": REVIEWERS_OF_A, **other}
    reporters = {
        "unit-A": frozenset({"reporter_a"}),
        "unit-B": frozenset({"reporter_b"}),
        "unit-county-A": frozenset({"reporter_county_a"}),
        "other-bureau": NOBODY,
    }
    register = {key: managers[key] | reporters[key] for key in managers}
    seen = {
        "unit-A": BUREAU | {"reviewer_county_a", "reporter_a", "leader_school_a"},
        "unit-B": BUREAU | {"reporter_b"},
        "unit-county-A": BUREAU | {"reviewer_county_a", "reporter_county_a", "leader_county_a"},
        **other,
    }
    problem = {"prepare": _problems, "fixed": {"number": 1}}
    return [
        *_row("rectification:ledger", "GET", {"unit-A": ANYONE_OF_CITY, **other}),
        *_row("rectification:ledger", "GET", seen, query="unit={unit_id}"),
        *_row("rectification:ledger_xlsx", "GET", {"unit-A": ANYONE_OF_CITY, **other}),
        *_row("rectification:ledger_docx", "GET", seen, query="unit={unit_id}"),
        *_row("rectification:settings", "POST", organizer, body="days=30"),
        *_row("rectification:new", "GET", register),
        *_row("rectification:new", "POST", register, body="source=self_assessment&description=x&deadline=2030-01-01"),
        *_row("rectification:from_review", "POST", managers),
        # the spot checks of school A and B (the other bureau's unit has none: 404 for everyone)
        *_row(
            "rectification:from_spot_check",
            "POST",
            {"unit-A": REVIEWERS_OF_A, "unit-B": REVIEWERS, "other-bureau": NOBODY},
        ),
        *_row(
            "rectification:from_objection", "POST", organizers_of_units, prepare=_file_objections, fixed={"number": 1}
        ),
        *_row("rectification:problem", "GET", seen, **problem),
        *_row("rectification:evidence", "GET", seen, **problem),
        *_row("rectification:edit", "POST", managers, body="deadline=2030-01-01&measures=x", **problem),
        *_row("rectification:report", "POST", reporters, body="text=x", **problem),
        *_row("rectification:recheck", "POST", managers, body="decision=reopen&opinion=x", **problem),
    ]


def _publication() -> list[Cell]:
    """结果公示: the bureau's organizers publish, its leader reads; everyone in the campaign reads the notice."""
    other = {"other-bureau": frozenset({"other_organizer"})}
    bureau = {"unit-A": MANAGERS | {"leader"}, **other}
    organizer = {"unit-A": MANAGERS, **other}
    version = {"prepare": _publish_version, "fixed": {"number": 1}}
    objection = {"prepare": _file_objections, "fixed": {"number": 1}}
    pub = {"prepare": _publish_version}
    own_reporter = {
        "unit-A": frozenset({"reporter_a"}),
        "unit-B": frozenset({"reporter_b"}),
        "unit-county-A": frozenset({"reporter_county_a"}),
        "other-bureau": NOBODY,
    }
    seen = {
        "unit-A": BUREAU | {"reviewer_county_a", "reporter_a", "leader_school_a"},
        "unit-B": BUREAU | {"reporter_b"},
        "unit-county-A": BUREAU | {"reviewer_county_a", "reporter_county_a", "leader_county_a"},
        **other,
    }
    return [
        # the public notice: anyone, signed in or not, while the organizer keeps it open (the city's is)
        *_row("publication:public", "GET", {"unit-A": EVERYONE}, public=True, fixed={"key": "matrix-city"}, **pub),
        *_row("publication:manage", "GET", bureau),
        *_row("publication:publish", "POST", organizer),
        *_row("publication:notice", "GET", {"unit-A": ANYONE_OF_CITY, **other}),
        *_row("publication:notice", "GET", {"unit-A": ANYONE_OF_CITY, **other}, prepare=_publish_version),
        *_row("publication:version", "GET", bureau, **version),
        *_row("publication:set_public", "POST", organizer, body="public=1", **version),
        # 异议: the register for everyone in the campaign (each sees the rows they may); a unit's reporter files
        *_row("publication:objections", "GET", {"unit-A": ANYONE_OF_CITY, **other}),
        *_row("publication:objection_new", "GET", own_reporter),
        *_row("publication:objection_new", "POST", own_reporter),
        # one objection: the bureau, the unit's reviewers and the unit itself; organizers assign and answer
        *_row("publication:objection", "GET", seen, **objection),
        *_row("publication:objection_evidence", "GET", seen, **objection),
        *_row("publication:objection_assign", "POST", organizer, **objection),
        *_row("publication:objection_answer", "POST", organizer, **objection),
        # Excel of a published version (digest on every sheet), the 异议登记表: the bureau's managers and leader
        *_row(
            "publication:version_xlsx", "GET", bureau, prepare=_publish_version, fixed={"number": 1, "table": "summary"}
        ),
        *_row("publication:objections_xlsx", "GET", bureau),
    ]


def _assessments() -> list[Cell]:
    # a unit's reporters fill in its self-assessment; its leaders only read it
    own_unit = {
        "unit-A": frozenset({"reporter_a"}),
        "unit-B": frozenset({"reporter_b"}),
        "unit-county-A": frozenset({"reporter_county_a"}),
        "other-bureau": NOBODY,
    }
    own_unit_read = {
        **own_unit,
        "unit-A": frozenset({"reporter_a", "leader_school_a"}),
        "unit-county-A": frozenset({"reporter_county_a", "leader_county_a"}),
    }
    # Item 1.1 is dept X's, item 1.2 dept Y's: a department sees only its own items' history.
    # importing an existing self-evaluation report: the unit's reporters, and the campaign's organizers for any unit
    report_import = {
        "unit-A": frozenset({"reporter_a"}) | MANAGERS,
        "unit-B": frozenset({"reporter_b"}) | MANAGERS,
        "unit-county-A": frozenset({"reporter_county_a"}) | MANAGERS,
        "other-bureau": frozenset({"other_organizer"}),
    }
    history = {
        "unit-A": BUREAU | {"reporter_a", "leader_school_a", "scorer_x", "reviewer_county_a"},
        "item-of-dept-Y": BUREAU | {"reporter_a", "leader_school_a", "scorer_y", "reviewer_county_a"},
        "unit-B": BUREAU | {"reporter_b", "scorer_x"},
        "unit-county-A": BUREAU | {"reporter_county_a", "leader_county_a", "reviewer_county_a"},  # a draft
        "other-bureau": frozenset({"other_organizer"}),
    }
    # School A's file backs item 1.1 (dept X): dept Y has no business with it.
    evidence = {
        "unit-A": BUREAU | {"reporter_a", "leader_school_a", "scorer_x", "reviewer_county_a"},
        "unit-B": BUREAU | {"reporter_b", "scorer_x"},
        "unit-county-A": BUREAU | {"reporter_county_a", "leader_county_a", "reviewer_county_a"},  # a draft
        "other-bureau": frozenset({"other_organizer"}),
    }
    department = {
        "item-of-dept-X": frozenset({"scorer_x"}),
        "item-of-dept-Y": frozenset({"scorer_y"}),
        "other-bureau": NOBODY,
    }
    # the bureau's organizers and its leader read every department's scoring progress (read only)
    department_progress = {
        "item-of-dept-X": department["item-of-dept-X"] | MANAGERS | {"leader"},
        "item-of-dept-Y": department["item-of-dept-Y"] | MANAGERS | {"leader"},
        "other-bureau": frozenset({"other_organizer"}),
    }
    department_item = {**department, "dept-X-on-item-of-Y": NOBODY}
    department_cell = {**department_item, "draft-unit": NOBODY}  # departments do not see drafts
    review = {
        "unit-A": REVIEWERS_OF_A,
        "unit-B": REVIEWERS,
        "unit-county-A": REVIEWERS_OF_A,
        "other-bureau": frozenset({"other_organizer"}),
    }
    submitted = {key: roles for key, roles in review.items() if key != "unit-county-A"}  # return, lock, spot-check
    recusal = {"unit-A": MANAGERS, "unit-B": MANAGERS, "other-bureau": frozenset({"other_organizer"})}
    return [
        *_row(
            "assessments:campaign_home",
            "GET",
            {"unit-A": ANYONE_OF_CITY, "other-bureau": frozenset({"other_organizer"})},
        ),
        *_row("assessments:unit_overview", "GET", own_unit_read),
        *_row("assessments:unit_section", "GET", own_unit_read, fixed={"index": 0}),
        *_row("assessments:entry_save", "POST", own_unit, body="self_score=1&note=x&version=1"),
        *_row("assessments:submit", "POST", own_unit),
        *_row("assessments:self_import", "GET", own_unit),
        *_row("assessments:self_import", "POST", own_unit),
        *_row("assessments:self_import_template", "GET", own_unit),
        *_row("assessments:self_import_confirm", "POST", own_unit, body="payload=x"),
        *_row("assessments:report_import", "GET", report_import),
        *_row("assessments:report_import", "POST", report_import),
        *_row("assessments:report_import_confirm", "POST", report_import, body="payload=x"),
        *_row("assessments:evidence_upload", "POST", own_unit),
        *_row("assessments:evidence_link", "POST", own_unit, body="file_id={file_id}&attach=1"),
        *_row("assessments:item_history", "GET", history),
        *_row("assessments:evidence_download", "GET", evidence),
        *_row("assessments:department_items", "GET", department_progress),
        *_row("assessments:department_grid", "GET", department_item),
        *_row("assessments:department_cell_save", "POST", department_cell, body="score=1&version=0"),
        *_row("assessments:review_unit", "GET", review),
        *_row("assessments:review_save", "POST", review, body="score=2&reason=x&version=1"),
        *_row("assessments:review_action", "POST", submitted, fixed={"action": "lock"}),
        *_row("assessments:review_action", "POST", submitted, fixed={"action": "return"}, body="reason=x"),
        *_row(
            "assessments:review_action",
            "POST",
            submitted,
            fixed={"action": "spot_check"},
            body="checked_on=2024-11-02&inspectors=x&findings=y&item_ids=1.1",
        ),
        *_row("assessments:review_action", "POST", recusal, fixed={"action": "recuse"}, body="username=x&reason=y"),
        *_row(
            "assessments:review_action",
            "POST",
            recusal,
            fixed={"action": "revoke"},
            body="recusal_id={recusal_id}&reason=y",
        ),
    ]


def _ratings() -> list[Cell]:
    organizer_only = {"unit-A": MANAGERS, "other-bureau": frozenset({"other_organizer"})}
    organizer_and_leader = {
        "unit-A": MANAGERS | {"leader"},
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
        *_row("ratings:progress", "GET", organizer_and_leader),  # 测评进度大屏 (counts only)
        # Rater links: the token is the credential. A made-up token opens nothing, for anyone.
        *_row("ratings:exchange", "GET", {"unit-A": NOBODY}, public=True, fixed={"token": "not-a-real-token"}),
        # The room's join page and the receipt check are public by design (they reveal no grade).
        *_row("ratings:join", "GET", {"unit-A": EVERYONE, "other-bureau": EVERYONE}, public=True),
        *_row("ratings:receipt", "GET", {"unit-A": EVERYONE, "other-bureau": EVERYONE}, public=True),
    ]


def _campaigns() -> list[Cell]:
    campaign = {"unit-A": ANYONE_OF_CITY, "other-bureau": frozenset({"other_organizer"})}
    organizer = {"unit-A": MANAGERS, "other-bureau": frozenset({"other_organizer"})}
    # an organization's pages: the managers of a bureau above it (county A's organizer for its own units)
    org = {
        "unit-A": ORG_MANAGERS_OF_A,
        "unit-B": MANAGERS | {"organizer_province"},
        "unit-county-A": ORG_MANAGERS_OF_A,
        "other-bureau": frozenset({"other_organizer", "organizer_province"}),
    }
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
        *_row("campaigns:next_year", "GET", organizer, aliases=pk),
        *_row("campaigns:next_year", "POST", organizer, aliases=pk),
        *_row("audit:campaign_log", "GET", organizer, aliases=pk),
        *_row("assessments:department_mapping", "GET", organizer),
        *_row("assessments:department_mapping", "POST", organizer),
        *_row("orgs:unit", "GET", org, aliases={"pk": "org_id"}),
        *_row("orgs:membership_revoke", "POST", org, aliases={"pk": "membership_id"}),
        # setting a user's password: addressed by one of the user's memberships (issue 10 §2)
        *_row("orgs:user_password", "GET", org, aliases={"pk": "membership_id"}),
        *_row("orgs:user_password", "POST", org, aliases={"pk": "membership_id"}),
        # imported component scores (党建, 民办 …): the organizer's page
        *_row("external:imported_scores", "GET", organizer),
        *_row("external:imported_scores", "POST", organizer),
    ]


def _results() -> list[Cell]:
    other = {"other-bureau": frozenset({"other_organizer"})}
    # reviewers read the standings of the units they review (county A's: school A and county A)
    before = {"unit-A": BUREAU | {"reviewer_county_a"}, "unit-B": BUREAU, **other}
    # After publication units (reporters and leaders) read their own result; departments the whole table.
    after = {
        "unit-A": BUREAU | {"reporter_a", "leader_school_a", "reviewer_county_a", "scorer_x", "scorer_y"},
        "unit-B": BUREAU | {"reporter_b", "scorer_x", "scorer_y"},
    }
    published = {"prepare": _publish, "published": True}
    self_report = {
        "unit-A": MANAGERS | {"reporter_a"},
        "unit-B": MANAGERS | {"reporter_b"},
        "unit-county-A": MANAGERS | {"reporter_county_a"},
        **other,
    }
    return [
        *_row("results:standings", "GET", {"unit-A": BUREAU | {"reviewer_county_a"}, **other}),
        # a unit asking for the table once published is taken to its own result
        *_row("results:standings", "GET", {"unit-A": ANYONE_OF_CITY}, **published),
        *_row("results:unit_result", "GET", before),
        *_row("results:unit_result", "GET", after, **published),
        *_row("results:explain", "GET", before),
        *_row("results:explain", "GET", after, **published),
        # the 统计 page: whoever sees the whole table (departments too once published), never a unit
        *_row("results:stats", "GET", {"unit-A": BUREAU | {"reviewer_county_a"}, **other}),
        *_row("results:stats", "GET", {"unit-A": BUREAU | {"reviewer_county_a", "scorer_x", "scorer_y"}}, **published),
        # the Excel tables a bureau files (汇总表, 明细表): whoever sees the standings, never a unit
        *_row(
            "results:table_xlsx", "GET", {"unit-A": BUREAU | {"reviewer_county_a"}, **other}, fixed={"table": "summary"}
        ),
        *_row(
            "results:table_xlsx", "GET", {"unit-A": BUREAU | {"reviewer_county_a"}, **other}, fixed={"table": "detail"}
        ),
        *_row(
            "results:table_xlsx",
            "GET",
            {"unit-A": BUREAU | {"reviewer_county_a", "scorer_x", "scorer_y"}},
            fixed={"table": "summary"},
            **published,
        ),
        # asking a worker to recompute (the retry after a failure): whoever sees the standings
        *_row("results:recompute", "POST", {"unit-A": BUREAU | {"reviewer_county_a"}, **other}),
        # a background job's page, progress and retry: only the person who started it
        *_row("jobs:job", "GET", {"unit-A": frozenset({"organizer"}), "other-bureau": frozenset({"other_organizer"})}),
        *_row(
            "jobs:progress", "GET", {"unit-A": frozenset({"organizer"}), "other-bureau": frozenset({"other_organizer"})}
        ),
        *_row(
            "jobs:retry", "POST", {"unit-A": frozenset({"organizer"}), "other-bureau": frozenset({"other_organizer"})}
        ),
        # a unit's self-evaluation report (Word, PDF): the campaign's managers and the unit's own reporter
        *_row("documents:self_report", "GET", self_report, fixed={"kind": "docx"}),
        *_row("documents:self_report", "GET", self_report, fixed={"kind": "pdf"}),
        # the ranking notice (通报): the campaign's organizers and leaders; a POST answers with the file
        *_row("documents:notice", "GET", {"unit-A": MANAGERS | {"leader"}, **other}),
        *_row("documents:notice", "POST", {"unit-A": MANAGERS | {"leader"}, **other}, body="kind=docx"),
        # every unit's reports in a zip: started by the organizers and leaders, downloaded by the starter only
        # (the world's job is a failed recompute, never a documents zip: nobody gets it)
        *_row("documents:batch", "GET", {"unit-A": MANAGERS | {"leader"}, **other}),
        *_row("documents:batch", "POST", {"unit-A": MANAGERS | {"leader"}, **other}, body="kind=pdf"),
        *_row("documents:batch_download", "GET", {"unit-A": NOBODY}),
        # a finished zip: only the organizer who started it downloads it
        *_row(
            "documents:batch_download",
            "GET",
            {"unit-A": frozenset({"organizer"}), "other-bureau": frozenset({"other_organizer"})},
            prepare=_zip_ready,
            aliases={"job_id": "zip_job_id"},
        ),
    ]


def _api() -> list[Cell]:
    """Direct API access (django-ninja, session auth): the same answers as the pages."""
    other = {"other-bureau": frozenset({"other_organizer"})}
    campaign = {"unit-A": ANYONE_OF_CITY, **other}
    entries = {
        "unit-A": REVIEWERS_OF_A | {"reporter_a", "leader_school_a"},
        "unit-B": REVIEWERS | {"reporter_b"},
        "unit-county-A": REVIEWERS_OF_A | {"reporter_county_a", "leader_county_a"},
        **other,
    }
    own_unit = {
        "unit-A": frozenset({"reporter_a"}),
        "unit-B": frozenset({"reporter_b"}),
        "unit-county-A": frozenset({"reporter_county_a"}),
        "other-bureau": NOBODY,
    }
    department = {
        "item-of-dept-X": frozenset({"scorer_x"}),
        "item-of-dept-Y": frozenset({"scorer_y"}),
        "dept-X-on-item-of-Y": NOBODY,
        "draft-unit": NOBODY,
        "other-bureau": NOBODY,
    }
    evidence = {
        "unit-A": BUREAU | {"reporter_a", "leader_school_a", "scorer_x", "reviewer_county_a"},
        "unit-B": BUREAU | {"reporter_b", "scorer_x"},
        **other,
    }
    published = {"prepare": _publish, "published": True}
    json = {"content_type": "application/json"}
    org = {"unit-A": ORG_MANAGERS_OF_A, "other-bureau": frozenset({"other_organizer", "organizer_province"})}
    return [
        *_row("api:campaign_detail", "GET", campaign),
        *_row("api:campaign_units", "GET", campaign),
        *_row("api:org_detail", "GET", org),
        *_row("api:list_entries", "GET", entries),
        *_row("api:put_entry", "PUT", own_unit, body='{{"version": 1, "self_score": "1"}}', **json),
        *_row("api:put_department_score", "PUT", department, body='{{"version": 0, "score": "1"}}', **json),
        *_row(
            "api:put_review",
            "PUT",
            {"unit-A": REVIEWERS_OF_A, "unit-B": REVIEWERS, **other},
            body='{{"version": 1, "score": "2", "reason": "x"}}',
            **json,
        ),
        *_row("api:evidence_meta", "GET", evidence),
        *_row("api:standings", "GET", {"unit-A": BUREAU | {"reviewer_county_a"}, **other}),
        *_row("api:standings", "GET", {"unit-A": BUREAU | {"reviewer_county_a", "scorer_x", "scorer_y"}}, **published),
        *_row("api:unit_result", "GET", {"unit-A": BUREAU | {"reviewer_county_a"}, "unit-B": BUREAU, **other}),
        *_row(
            "api:unit_result",
            "GET",
            {
                "unit-A": BUREAU | {"reporter_a", "leader_school_a", "reviewer_county_a", "scorer_x", "scorer_y"},
                "unit-B": BUREAU | {"reporter_b", "scorer_x", "scorer_y"},
            },
            **published,
        ),
    ]


def _archive(world: Any) -> None:
    """Both campaigns archived (a bare UPDATE: the world's objects keep their old phase)."""
    from kaoping.campaigns.models import Campaign, Phase

    Campaign.objects.filter(pk__in=[world.cast.campaign.pk, world.cast.other_campaign.pk]).update(phase=Phase.ARCHIVED)


def _then_archive(prepare: Callable[[Any], None] | None) -> Callable[[Any], None]:
    def both(world: Any) -> None:
        if prepare:
            prepare(world)
        _archive(world)

    return both


def archived_cells(cells: list[Cell]) -> list[Cell]:
    """Every campaign write cell again, against archived campaigns."""
    return [
        replace(cell, archived=True, prepare=_then_archive(cell.prepare))
        for cell in cells
        if cell.method != "GET" and cell.route not in NOT_CAMPAIGN_WRITES
    ]


def _inbox_messages(world: Any) -> None:
    """A message in the organizer's inbox (``unit-A``) and one in the other bureau's (``other-bureau``)."""
    from kaoping.inbox.models import Message

    for target, owner in (("unit-A", "organizer"), ("other-bureau", "other_organizer")):
        message, _created = Message.objects.get_or_create(
            recipient=world.user(owner),
            key="matrix",
            defaults={"subject": "截止提醒", "body": "还有 3 天", "link": "/campaigns/"},
        )
        world.targets[target]["message_id"] = message.pk


def _inbox() -> list[Cell]:
    """消息: a message is its recipient's only; everyone else gets 404."""
    own = {"unit-A": frozenset({"organizer"}), "other-bureau": frozenset({"other_organizer"})}
    return [
        *_row("inbox:open", "POST", own, prepare=_inbox_messages),
        *_row("inbox:mark", "POST", own, prepare=_inbox_messages),
    ]


def _goals(world: Any) -> None:
    """目标任务 and 重点工作 of both campaigns, each report with a PDF: in the city's, target 1 is school A's,
    2 school B's, 3 department X's (``goal_number`` of unit-A, unit-B, item-of-dept-X); key task 1 is led by
    department X with Y supporting, with milestone ``milestone_id``. The other bureau: target 1 and task 1."""
    from decimal import Decimal

    from django.utils import timezone

    from kaoping.campaigns.models import CampaignUnit
    from kaoping.evidence import uploads
    from kaoping.goals.models import KeyTask, Milestone, Target, TargetReport, TaskArea, TaskReport
    from kaoping.orgs.models import Department

    from .world import pdf_bytes

    def evidence(name: str) -> dict[str, str]:
        stored, facts = uploads.store_upload(pdf_bytes("goal"), name)
        return {"evidence_name": facts.original_name, "evidence_stored": stored, "evidence_type": facts.content_type}

    def target(campaign: Any, number: int, key: str, **owner: Any) -> None:
        made, created = Target.objects.get_or_create(
            campaign=campaign,
            number=number,
            defaults={"name": f"目标{number}", "measure": "万元", "target_value": Decimal(100), **owner},
        )
        if created:
            TargetReport.objects.create(
                target=made,
                on=timezone.localdate(),
                done=Decimal(50),
                reported_at=timezone.now(),
                **evidence("台账.pdf"),
            )
        world.targets[key]["goal_number"] = number
        world.targets[key]["goal_report_id"] = made.reports.values_list("pk", flat=True).first()

    def task(campaign: Any, key: str, lead: Any, supporting: Any = None) -> None:
        area, _created = TaskArea.objects.get_or_create(campaign=campaign, number=1, defaults={"name": "领域"})
        made, created = KeyTask.objects.get_or_create(area=area, number=1, defaults={"title": "重点工作", "lead": lead})
        if created:
            if supporting is not None:
                made.supporting.add(supporting)
            Milestone.objects.create(task=made, name="节点", due_on=timezone.localdate())
            TaskReport.objects.create(
                task=made,
                on=timezone.localdate(),
                text="进展",
                status="in_progress",
                reported_at=timezone.now(),
                **evidence("进展.pdf"),
            )
        world.targets[key]["milestone_id"] = made.milestones.values_list("pk", flat=True).first()
        world.targets[key]["goal_task_report_id"] = made.reports.values_list("pk", flat=True).first()

    city, other = world.cast.campaign, world.cast.other_campaign
    units = {u.organization_id: u for u in CampaignUnit.objects.filter(campaign__in=[city, other])}
    target(city, 1, "unit-A", unit=units[world.cast.school_a.pk])
    target(city, 2, "unit-B", unit=units[world.cast.school_b.pk])
    target(city, 3, "item-of-dept-X", department=world.cast.dept_x)
    target(other, 1, "other-bureau", unit=units[world.cast.other_school.pk])
    task(city, "unit-A", world.cast.dept_x, world.cast.dept_y)
    task(other, "other-bureau", Department.objects.get(pk=world.targets["other-bureau"]["department_id"]))


def _goals_cells() -> list[Cell]:
    """目标任务与重点工作: the bureau (managers, leader, department scorers, its reviewer) reads everything;
    a unit's people and the reviewers of its county read that unit's targets; whoever is responsible
    reports (the unit's reporters, the department's scorers, the lead and supporting departments of a
    task); only managers create and edit, and the lead department ticks off milestones."""
    other = {"other-bureau": frozenset({"other_organizer"})}
    bureau = BUREAU | {"scorer_x", "scorer_y"}
    managers = {"unit-A": MANAGERS, **other}
    targets = {
        "unit-A": bureau | {"reviewer_county_a", "reporter_a", "leader_school_a"},
        "unit-B": bureau | {"reporter_b"},
        "item-of-dept-X": bureau,
        **other,
    }
    reporters = {
        "unit-A": MANAGERS | {"reporter_a"},
        "unit-B": MANAGERS | {"reporter_b"},
        "item-of-dept-X": MANAGERS | {"scorer_x"},
        **other,
    }
    target = {"prepare": _goals, "aliases": {"number": "goal_number"}}
    task = {"prepare": _goals, "fixed": {"number": 1}}
    return [
        *_row("goals:overview", "GET", {"unit-A": ANYONE_OF_CITY, **other}),
        *_row("goals:dashboard", "GET", {"unit-A": bureau, **other}, prepare=_goals),
        *_row("goals:xlsx", "GET", {"unit-A": ANYONE_OF_CITY, **other}, prepare=_goals),
        *_row("goals:target_new", "GET", managers),
        *_row("goals:target_new", "POST", managers),
        *_row("goals:target", "GET", targets, **target),
        *_row(
            "goals:target_evidence",
            "GET",
            targets,
            prepare=_goals,
            aliases={"number": "goal_number", "report_id": "goal_report_id"},
        ),
        *_row("goals:target_edit", "GET", managers, **target),
        *_row("goals:target_edit", "POST", managers, **target),
        *_row("goals:target_report", "POST", reporters, **target),
        *_row("goals:task_new", "GET", managers),
        *_row("goals:task_new", "POST", managers),
        *_row("goals:task", "GET", {"unit-A": bureau, **other}, **task),
        *_row(
            "goals:task_evidence",
            "GET",
            {"unit-A": bureau, **other},
            aliases={"report_id": "goal_task_report_id"},
            **task,
        ),
        *_row("goals:task_edit", "GET", managers, **task),
        *_row("goals:task_edit", "POST", managers, **task),
        *_row("goals:task_report", "POST", {"unit-A": MANAGERS | {"scorer_x", "scorer_y"}, **other}, **task),
        *_row("goals:milestone_add", "POST", managers, **task),
        *_row("goals:milestone_done", "POST", {"unit-A": MANAGERS | {"scorer_x"}, **other}, **task),
    ]


def _inspection(world: Any) -> None:
    """督查组: in the city's campaign 第一组 (组长 the city's reviewer) visits unit-A, unit-B and county A, each
    record with 发现的问题 1 and a photo (``inspection_photo_id``); the other bureau's 第一组 (组长 its organizer)
    visits its school."""
    from django.utils import timezone

    from kaoping.campaigns.models import CampaignUnit
    from kaoping.evidence import uploads
    from kaoping.inspection.models import Assignment, Finding, Group, Photo

    from .world import pdf_bytes

    leaders = {
        world.cast.campaign.pk: world.user("reviewer"),
        world.cast.other_campaign.pk: world.user("other_organizer"),
    }
    for target in ("unit-A", "unit-B", "unit-county-A", "other-bureau"):
        unit = CampaignUnit.objects.get(pk=world.targets[target]["unit_id"])
        group, _created = Group.objects.get_or_create(
            campaign_id=unit.campaign_id, number=1, defaults={"name": "第一组", "leader": leaders[unit.campaign_id]}
        )
        assignment, created = Assignment.objects.get_or_create(
            unit=unit, defaults={"campaign_id": unit.campaign_id, "group": group}
        )
        if created:
            Finding.objects.create(assignment=assignment, number=1, text="制度未上墙", created_at=timezone.now())
            stored, facts = uploads.store_upload(pdf_bytes("inspection"), "现场.pdf")
            Photo.objects.create(
                assignment=assignment,
                name=facts.original_name,
                stored=stored,
                content_type=facts.content_type,
                sha256=facts.sha256,
                uploaded_at=timezone.now(),
            )
        world.targets[target]["inspection_photo_id"] = assignment.photos.values_list("pk", flat=True).first()


def _inspection_cells() -> list[Cell]:
    """督查检查: the bureau's managers and leader see every group; a group's members (the city's reviewer leads
    第一组) see and write their units' records, its leader schedules and submits; only managers set groups,
    draw, assign and reopen. A unit's people read their record only once submitted (not in this world)."""
    other = {"other-bureau": frozenset({"other_organizer"})}
    units = ("unit-A", "unit-B", "unit-county-A")
    managers = {"unit-A": MANAGERS, **other}
    members = {**{u: frozenset({"reviewer"}) for u in units}, **other}
    readers = {**{u: MANAGERS | {"leader", "reviewer"} for u in units}, **other}
    planners = {**{u: MANAGERS | {"reviewer"} for u in units}, **other}
    reopeners = {**{u: MANAGERS for u in units}, **other}
    prepared = {"prepare": _inspection}
    return [
        *_row("inspection:overview", "GET", {"unit-A": BUREAU | {"reviewer_county_a"}, **other}),
        *_row("inspection:group_new", "GET", managers),
        *_row("inspection:group_new", "POST", managers, body="name=x"),
        *_row("inspection:group_edit", "GET", managers, fixed={"number": 1}, **prepared),
        *_row("inspection:group_edit", "POST", managers, fixed={"number": 1}, body="name=x", **prepared),
        *_row("inspection:draw", "POST", managers),
        *_row("inspection:checklist", "POST", managers, body="checklist=x"),
        *_row("inspection:plan", "POST", planners, body="planned_on=2030-01-01", **prepared),
        *_row("inspection:record", "GET", readers, **prepared),
        *_row("inspection:record", "POST", members, body="comment=x", **prepared),
        *_row("inspection:photo", "POST", members, **prepared),
        *_row("inspection:photo_file", "GET", readers, aliases={"photo_id": "inspection_photo_id"}, **prepared),
        *_row("inspection:finding", "POST", members, body="text=x", **prepared),
        *_row("inspection:finding_problem", "POST", planners, fixed={"number": 1}, **prepared),
        *_row("inspection:submit", "POST", members, **prepared),
        *_row("inspection:reopen", "POST", reopeners, body="reason=x", **prepared),
    ]


def _selection_world(world: Any) -> None:
    """评选 in both campaigns: 第 1 项 open for nominations, nomination 1 (school A's in the city's,
    with a PDF) admitted and voting slips issued; 第 2 项 voted, closed and published (its public key
    ``matrix-selection``), nomination 1 selected; in the city's a 第 3 项 with the vote open, whose
    voting code is ``selection_voter_token`` of unit-A (the fuzz's rater persona signs in with it)."""
    import datetime
    import uuid

    from django.utils import timezone

    from kaoping.ratings import tokens
    from kaoping.selection import services, votes
    from kaoping.selection.models import Selection

    from .world import pdf_bytes

    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=1), today + datetime.timedelta(days=9)
    for campaign, actor, org, key in (
        (world.cast.campaign, world.user("organizer"), world.cast.school_a, "matrix-selection"),
        (world.cast.other_campaign, world.user("other_organizer"), world.cast.other_school, "matrix-selection-other"),
    ):
        if Selection.objects.filter(campaign=campaign).exists():
            continue
        for number in (1, 2):
            selection = services.selection_create(
                campaign=campaign,
                actor=actor,
                fields=services.SelectionFields(
                    title=f"评选{number}", quota=1, nomination_start=start, nomination_end=end
                ),
            )
            fields = services.NominationFields(
                nominee_name="候选人", organization=org, kind="recommend", statement="事迹"
            )
            nomination = services.nominate(
                selection=selection, fields=fields, actor=actor, upload=pdf_bytes("selection"), upload_name="事迹.pdf"
            )
            services.review(nomination=nomination, admit=True, reason="", actor=actor)
            services.voters_issue(selection=selection, labels=["投票人"], actor=actor)
            if number == 2:
                services.vote_open(selection=selection, actor=actor)
                entry = services.slip_entries(selection)[0]
                signed = services.voter_exchange(token=entry["token"])
                cookie = votes.VoterCookie(signed.voter.pk, signed.sheet, str(selection.public_id))
                votes.ballot_submit(cookie=cookie, choices=[1], idem_key=str(uuid.uuid4()), receipt=tokens.new_token())
                services.vote_close(selection=selection, actor=actor)
                services.publish(selection=selection, actor=actor)
                Selection.objects.filter(pk=selection.pk).update(public_key=key)
        if campaign == world.cast.campaign:  # 第 3 项 voting: the fuzz's rater persona holds its voting slip
            selection = services.selection_create(
                campaign=campaign,
                actor=actor,
                fields=services.SelectionFields(title="评选3", quota=1, nomination_start=start, nomination_end=end),
            )
            fields = services.NominationFields(
                nominee_name="候选人", organization=org, kind="recommend", statement="事迹"
            )
            nomination = services.nominate(selection=selection, fields=fields, actor=actor)
            services.review(nomination=nomination, admit=True, reason="", actor=actor)
            services.voters_issue(selection=selection, labels=["投票人"], actor=actor)
            services.vote_open(selection=selection, actor=actor)
            world.targets["unit-A"]["selection_voter_token"] = services.slip_entries(selection)[0]["token"]


def _selection_cells() -> list[Cell]:
    """评选: everyone with a role in the campaign reads the selections; a participating unit's people
    nominate (its reporters for the unit, anyone of it for themself) and read their unit's nominations;
    the organizer reviews, issues slips, runs the vote and publishes; the bureau's leader reads all and
    the certificates. The 公示 is public under its key; a made-up voting token opens nothing."""
    other = {"other-bureau": frozenset({"other_organizer"})}
    managers = {"unit-A": MANAGERS, **other}
    readers = {"unit-A": ANYONE_OF_CITY, **other}
    nominators = {"unit-A": UNIT_PEOPLE, "other-bureau": NOBODY}
    nomination_readers = {"unit-A": MANAGERS | {"leader", "reporter_a", "leader_school_a"}, **other}
    first: dict[str, Any] = {"prepare": _selection_world, "fixed": {"number": 1}}
    nomination: dict[str, Any] = {"prepare": _selection_world, "fixed": {"number": 1, "nomination_number": 1}}
    closed: dict[str, Any] = {"prepare": _selection_world, "fixed": {"number": 2, "nomination_number": 1}}
    notice: dict[str, Any] = {"prepare": _selection_world, "fixed": {"key": "matrix-selection"}}
    return [
        *_row("selection:list", "GET", readers),
        *_row("selection:list", "POST", managers),
        *_row("selection:detail", "GET", readers, **first),
        *_row("selection:detail", "GET", readers, prepare=_selection_world, fixed={"number": 2}),
        *_row("selection:nominate", "GET", nominators, **first),
        *_row("selection:nominate", "POST", nominators, **first),
        *_row("selection:nomination", "GET", nomination_readers, **nomination),
        *_row("selection:nomination", "POST", managers, **nomination),
        *_row("selection:evidence", "GET", nomination_readers, **nomination),
        *_row("selection:voters", "GET", managers, **first),
        *_row("selection:voters", "POST", managers, **first),
        *_row("selection:slips_pdf", "GET", managers, **first),
        *_row("selection:action", "POST", managers, prepare=_selection_world, fixed={"number": 1, "name": "open"}),
        *_row("selection:tie", "POST", managers, **first),
        *_row("selection:certificate", "GET", {"unit-A": MANAGERS | {"leader"}, **other}, **closed),
        *_row("selection:public", "GET", {"unit-A": EVERYONE}, public=True, **notice),
        *_row("selection:exchange", "GET", {"unit-A": NOBODY}, public=True, fixed={"token": "not-a-real-token"}),
    ]


def _commendation_world(world: Any) -> None:
    """表彰名单 1 (published) and 2 (a draft) of both campaigns."""
    from django.utils import timezone

    from kaoping.commendation.models import CommendationList

    for campaign in (world.cast.campaign, world.cast.other_campaign):
        for number, state in ((1, "published"), (2, "draft")):
            CommendationList.objects.get_or_create(
                campaign=campaign,
                number=number,
                defaults={
                    "title": f"表彰名单{number}",
                    "basis": "top_n",
                    "top_n": 1,
                    "categories": ["school"],
                    "state": state,
                    "created_at": timezone.now(),
                },
            )


def _commendation_cells() -> list[Cell]:
    """表彰名单: everyone in the campaign reads the published lists; drafts, drawing up, decisions, approval
    and publication are for the organizers and administrators."""
    other = {"other-bureau": frozenset({"other_organizer"})}
    everyone = {"unit-A": ANYONE_OF_CITY, **other}
    managers = {"unit-A": MANAGERS, **other}
    published: dict[str, Any] = {"prepare": _commendation_world, "fixed": {"number": 1}}
    draft: dict[str, Any] = {"prepare": _commendation_world, "fixed": {"number": 2}}
    body = "title=x&basis=top_n&top_n=1&categories=school"
    return [
        *_row("commendation:index", "GET", everyone),
        *_row("commendation:index", "POST", managers, body=body),
        *_row("commendation:detail", "GET", everyone, **published),
        *_row("commendation:docx", "GET", everyone, **published),
        *_row("commendation:xlsx", "GET", everyone, **published),
        *_row("commendation:detail", "GET", managers, **draft),
        *_row("commendation:xlsx", "GET", managers, **draft),
        *_row("commendation:draw", "POST", managers, **draft),
        *_row("commendation:decide", "POST", managers, body="unit={unit_id}&decision=exclude&reason=x", **draft),
        *_row("commendation:approve", "POST", managers, **draft),
        *_row("commendation:publish", "POST", managers, **published),
    ]


# Objects some cells need that the world does not hold; the fuzz world creates them all up front.
WORLD_EXTRAS: tuple[Callable[[Any], None], ...] = (
    _publish_version,
    _file_objections,
    _zip_ready,
    _inbox_messages,
    _problems,
    _goals,
    _inspection,
    _selection_world,
    _commendation_world,
)


def _analytics_cells() -> list[Cell]:
    # 评委与结果分析: the campaign's organizers and administrators only
    managers = {"unit-A": MANAGERS, "other-bureau": frozenset({"other_organizer"})}
    return [*_row("analytics:analysis", "GET", managers), *_row("analytics:compute", "POST", managers)]


def cells() -> list[Cell]:
    live = [
        *_assessments(),
        *_ratings(),
        *_campaigns(),
        *_results(),
        *_publication(),
        *_rectification(),
        *_goals_cells(),
        *_inspection_cells(),
        *_analytics_cells(),
        *_selection_cells(),
        *_commendation_cells(),
        *_api(),
        *_inbox(),
    ]
    return [*live, *archived_cells(live)]


def evidence_download_url(target: Mapping[str, Any]) -> str | None:
    try:
        return reverse(
            "assessments:evidence_download", kwargs={"campaign_id": target["campaign_id"], "file_id": target["file_id"]}
        )
    except NoReverseMatch:
        return None


__all__ = [
    "KNOWN_GAPS",
    "NOT_CAMPAIGN_WRITES",
    "NOT_OBJECT_ROUTES",
    "Cell",
    "archived_cells",
    "cells",
    "evidence_download_url",
]
