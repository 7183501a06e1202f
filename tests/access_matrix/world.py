"""The objects the access matrix points at, built once on top of the persona cast (tests/conftest.py).

Every piece of stored data carries a marker (an ASCII string unlikely to occur by chance). A
response to a role must never contain a marker that role may not see — not in a 404, not in a
page it may open. That turns "school A gets 0 bytes of school B's data" into a plain substring test.

The city's campaign is in its review phase: school A and school B have submitted (department
scores and a reviewer's adjustment exist for both), county A is still a draft (departments must
not see drafts). The other bureau's campaign mirrors school A's data under its own markers.

Every role stands at every level where it can exist (tests/conftest.py): besides the city's own
people, a leader at the province, at county A and at school A, a reviewer at the province and at
county A, a reporter at county A, a department scorer of county A, organizers of the province and
of county A. Each one's line below says what it may never receive.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Marker texts. Item 1.1 belongs to dept X (基础教育处), item 1.2 to dept Y (督导室), item 2 is split.
MARKERS: dict[str, str] = {
    "A_NOTE_11": "LEAKCHK-A-NOTE-11",
    "A_NOTE_12": "LEAKCHK-A-NOTE-12",
    "A_FILE": "LEAKCHK-A-FILE",
    "A_PDF": "LEAKCHK-A-PDF",
    "A_DX": "LEAKCHK-A-DX",
    "A_DY": "LEAKCHK-A-DY",
    "A_REVIEW": "LEAKCHK-A-REVIEW",
    "A_SPOT": "LEAKCHK-A-SPOT",
    "B_NOTE_11": "LEAKCHK-B-NOTE-11",
    "B_NOTE_12": "LEAKCHK-B-NOTE-12",
    "B_FILE": "LEAKCHK-B-FILE",
    "B_PDF": "LEAKCHK-B-PDF",
    "B_DX": "LEAKCHK-B-DX",
    "B_DY": "LEAKCHK-B-DY",
    "B_REVIEW": "LEAKCHK-B-REVIEW",
    "B_SPOT": "LEAKCHK-B-SPOT",
    "DRAFT_NOTE": "LEAKCHK-DRAFT-NOTE",
    "J_NOTE": "LEAKCHK-J-NOTE",
    "J_FILE": "LEAKCHK-J-FILE",
    "J_PDF": "LEAKCHK-J-PDF",
    "J_DEPT": "LEAKCHK-J-DEPT",
    "J_REVIEW": "LEAKCHK-J-REVIEW",
    "J_CAMPAIGN": "LEAKCHK-J-CAMPAIGN",
}

_A = {k for k in MARKERS if k.startswith("A_")}
_B = {k for k in MARKERS if k.startswith("B_")}
_J = {k for k in MARKERS if k.startswith("J_")}
_CITY = _A | _B | {"DRAFT_NOTE"}
_ALL = frozenset(MARKERS)

# What each role must never receive, anywhere.
FORBIDDEN: dict[str, frozenset[str]] = {
    "anonymous": frozenset(MARKERS),
    "reporter_a": frozenset(_B | _J | {"DRAFT_NOTE"}),
    "reporter_b": frozenset(_A | _J | {"DRAFT_NOTE"}),
    # departments see their own items of submitted units only
    "scorer_x": frozenset(_J | {"DRAFT_NOTE", "A_NOTE_12", "B_NOTE_12", "A_DY", "B_DY"}),
    "scorer_y": frozenset(_J | {"DRAFT_NOTE", "A_NOTE_11", "B_NOTE_11", "A_DX", "B_DX", "A_FILE", "B_FILE"}),
    "reviewer": frozenset(_J),
    "leader": frozenset(_J),
    "organizer": frozenset(_J),
    "other_organizer": frozenset(_CITY),
    "admin_user": frozenset(_J),
    # a leader at a unit reads that unit's own data as its reporter does, nothing else
    "leader_school_a": frozenset(_B | _J | {"DRAFT_NOTE"}),
    "leader_county_a": frozenset(_A | _B | _J),  # county A is the draft: its own draft note is its own
    "reporter_county_a": frozenset(_A | _B | _J),
    "reviewer_county_a": frozenset(_B | _J),  # reviews county A and school A beneath it, not school B
    # no role in either campaign: above the owner, or a bureau beneath it that does not own it
    "leader_province": _ALL,
    "reviewer_province": _ALL,
    "scorer_county_a": _ALL,
    "organizer_county_a": _ALL,
    "organizer_province": _ALL,
}

# Once results are published a department may read a unit's whole explained result.
PUBLISHED_FORBIDDEN: dict[str, frozenset[str]] = {
    **FORBIDDEN,
    "scorer_x": frozenset(_J | {"DRAFT_NOTE"}),
    "scorer_y": frozenset(_J | {"DRAFT_NOTE"}),
}

# Before publication a unit sees none of the scores others gave it.
UNPUBLISHED_FOR_UNITS: dict[str, frozenset[str]] = {
    "reporter_a": frozenset({"A_DX", "A_DY", "A_REVIEW", "A_SPOT"}),
    "reporter_b": frozenset({"B_DX", "B_DY", "B_REVIEW", "B_SPOT"}),
    "leader_school_a": frozenset({"A_DX", "A_DY", "A_REVIEW", "A_SPOT"}),
}

ROLES: tuple[str, ...] = (
    "anonymous",
    "reporter_a",
    "reporter_b",
    "scorer_x",
    "scorer_y",
    "reviewer",
    "leader",
    "organizer",
    "other_organizer",
    "admin_user",
    "leader_school_a",
    "leader_county_a",
    "leader_province",
    "reviewer_county_a",
    "reviewer_province",
    "reporter_county_a",
    "scorer_county_a",
    "organizer_county_a",
    "organizer_province",
)

RATING_COMPONENT: dict[str, Any] = {
    "id": "mz",
    "name": "民主测评",
    "points": 10,
    "method": "rating",
    "rating": {
        "scale": {
            "mode": "points",
            "max": 100,
            "grades": [{"name": "好", "value": 100}, {"name": "一般", "value": 70}],
        },
        "groups": [{"id": "leaders", "name": "局领导", "weight": 100}],
    },
}


def pdf_bytes(marker: str) -> bytes:
    """A small well-formed PDF whose text carries the marker."""
    stream = f"BT /F1 12 Tf 72 720 Td ({marker}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@dataclass
class World:
    cast: Any
    # target name → {url parameter name → value}
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.cast.users[role]

    def params(self, target: str) -> Mapping[str, Any]:
        return self.targets[target]


def _scheme_with_rating(data: Mapping[str, Any]) -> dict[str, Any]:
    scheme = copy.deepcopy(dict(data))
    scheme["components"] = [*scheme["components"], copy.deepcopy(RATING_COMPONENT)]
    for category in scheme["categories"]:
        category["components"] = [*category["components"], "mz"]
    return scheme


def _fill(unit: Any, actor: Any, notes: Mapping[str, str], file_marker: str, pdf_marker: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for

    scheme = scheme_for(unit.campaign)
    for item_id, score in (("1.1", "3"), ("1.2", "2.5"), ("2", "4")):
        ref = item_ref(scheme, unit.category, item_id)
        services.entry_save(
            unit=unit,
            item=ref.item,
            actor=actor,
            version=0,
            data=services.EntryInput(self_score=score, note=notes.get(item_id, "说明")),
        )
    upload = SimpleUploadedFile(f"{file_marker}.pdf", pdf_bytes(pdf_marker), content_type="application/pdf")
    return services.evidence_upload(
        unit=unit, actor=actor, upload=upload, original_name=f"{file_marker}.pdf", item_ids=["1.1"]
    )


def _score(unit: Any, departments: Mapping[str, Any], notes: Mapping[str, str], scorers: Mapping[str, Any]) -> None:
    """Department scores: item 1.1 by dept X, item 1.2 by dept Y, item 2 split between both."""
    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for

    scheme = scheme_for(unit.campaign)
    plan = (("1.1", "x", "2.5", notes["x"]), ("1.2", "y", "2", notes["y"]), ("2", "x", "2", ""), ("2", "y", "1.5", ""))
    for item_id, dept, score, note in plan:
        ref = item_ref(scheme, unit.category, item_id)
        services.department_score_save(
            unit=unit,
            item=ref.item,
            department=departments[dept],
            actor=scorers[dept],
            version=0,
            score=score,
            note=note or "评分说明",
        )


def _review(unit: Any, actor: Any, reason: str) -> None:
    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for

    ref = item_ref(scheme_for(unit.campaign), unit.category, "1.1")
    services.review_save(unit=unit, item=ref.item, actor=actor, version=0, score="2", reason=reason)


def _failed_job(campaign: Any, user: Any) -> Any:
    """A job the user started that failed (so that its retry goes through); under its own key, so
    that the campaign's standings are not held up by it."""
    from kaoping.jobs.models import Job, JobState

    return Job.objects.create(
        key=f"matrix:{campaign.pk}",
        title="计算考核结果",
        task_path="kaoping.results.tasks.recompute_standings",
        params={"campaign": campaign.pk},
        state=JobState.FAILED,
        error="计算出错",
        created_by=user,
    )


def build_world(cast: Any) -> World:
    """Fill the cast's campaigns with data through the services (so the audit trail is real)."""
    from kaoping.assessments import services
    from kaoping.assessments.models import DepartmentScore, ReviewScore, SelfAssessment
    from kaoping.assessments.selectors import scheme_for
    from kaoping.campaigns.models import Phase, SchemeVersion
    from kaoping.orgs.models import Department, Membership, Role, User
    from kaoping.ratings import services as rating_services

    users = cast.users
    campaign, other = cast.campaign, cast.other_campaign
    other.name = MARKERS["J_CAMPAIGN"]
    other.save()
    for camp in (campaign, other):
        current = camp.current_version()
        SchemeVersion.objects.create(
            campaign=camp, number=current.number + 1, data=_scheme_with_rating(current.data), source_name="v2.yaml"
        )
        camp.phase = Phase.SELF_ASSESSMENT
        camp.save()

    units = cast.campaign_units
    unit_a, unit_b, draft = units["school_a"], units["school_b"], units["county_a"]
    other_unit = other.participants.get()
    # the other bureau needs its own people and department to fill its campaign
    j_reporter = User.objects.create_user(username="j_reporter", password=None, display_name="九江填报")
    Membership.objects.create(user=j_reporter, organization=cast.other_school, role=Role.REPORTER)
    j_dept = Department.objects.create(bureau=cast.other_bureau, name="基础教育处")
    j_scorer = User.objects.create_user(username="j_scorer", password=None, display_name="九江处室")
    Membership.objects.create(
        user=j_scorer, organization=cast.other_bureau, role=Role.DEPARTMENT_SCORER, department=j_dept
    )

    file_a = _fill(
        unit_a,
        users["reporter_a"],
        {"1.1": MARKERS["A_NOTE_11"], "1.2": MARKERS["A_NOTE_12"]},
        MARKERS["A_FILE"],
        MARKERS["A_PDF"],
    )
    file_b = _fill(
        unit_b,
        users["reporter_b"],
        {"1.1": MARKERS["B_NOTE_11"], "1.2": MARKERS["B_NOTE_12"]},
        MARKERS["B_FILE"],
        MARKERS["B_PDF"],
    )
    file_j = _fill(other_unit, j_reporter, {"1.1": MARKERS["J_NOTE"]}, MARKERS["J_FILE"], MARKERS["J_PDF"])
    file_draft = _fill(draft, users["organizer"], {"1.1": MARKERS["DRAFT_NOTE"]}, "draft-file", "draft-pdf")
    for unit, who in ((unit_a, users["reporter_a"]), (unit_b, users["reporter_b"]), (other_unit, j_reporter)):
        services.submission_submit(unit=unit, actor=who, scheme=scheme_for(unit.campaign))

    for camp in (campaign, other):
        camp.phase = Phase.REVIEW
        camp.save()
    depts = {"x": cast.dept_x, "y": cast.dept_y}
    scorers = {"x": users["scorer_x"], "y": users["scorer_y"]}
    _score(unit_a, depts, {"x": MARKERS["A_DX"], "y": MARKERS["A_DY"]}, scorers)
    _score(unit_b, depts, {"x": MARKERS["B_DX"], "y": MARKERS["B_DY"]}, scorers)
    from kaoping.assessments.selectors import item_ref

    j_item = item_ref(scheme_for(other), other_unit.category, "1.1").item
    services.department_score_save(
        unit=other_unit, item=j_item, department=j_dept, actor=j_scorer, version=0, score="2", note=MARKERS["J_DEPT"]
    )
    _review(unit_a, users["reviewer"], MARKERS["A_REVIEW"])
    _review(unit_b, users["reviewer"], MARKERS["B_REVIEW"])
    _review(other_unit, None, MARKERS["J_REVIEW"])
    today = datetime.date(2024, 11, 1)
    spot_a = services.spot_check_record(
        unit=unit_a,
        actor=users["reviewer"],
        checked_on=today,
        inspectors="李督学",
        findings=MARKERS["A_SPOT"],
        item_ids=["1.1"],
    )
    spot_b = services.spot_check_record(
        unit=unit_b,
        actor=users["reviewer"],
        checked_on=today,
        inspectors="李督学",
        findings=MARKERS["B_SPOT"],
        item_ids=["1.1"],
    )
    recusal = services.recusal_add(unit=unit_b, user=users["reviewer"], actor=users["organizer"], reason="回避测试")
    services.recusal_revoke(recusal=recusal, actor=users["organizer"], reason="撤销回避")
    # an active recusal per unit, of a user who holds no role, for the revoke cells
    bystander = User.objects.create_user(username="recused_bystander", password=None, display_name="回避人")
    active = {
        unit.pk: services.recusal_add(unit=unit, user=bystander, actor=None, reason="回避")
        for unit in (unit_a, unit_b, draft, other_unit)
    }

    session = rating_services.session_create(
        campaign=campaign, component_id="mz", name="民主测评会", actor=users["organizer"]
    )
    other_session = rating_services.session_create(campaign=other, component_id="mz", name="九江测评会")
    batch = rating_services.credentials_issue(
        session=session, raters=[rating_services.RaterSpec(label="评委甲", group="leaders")], actor=users["organizer"]
    )
    other_batch = rating_services.credentials_issue(
        session=other_session, raters=[rating_services.RaterSpec(label="评委乙", group="leaders")]
    )

    def first(model: Any, **filters: Any) -> int:
        """The first matching row's id; 0 (no such row) for a unit that has none, e.g. the draft's scores."""
        return int(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first() or 0)

    def unit_params(camp: Any, unit: Any, evidence: Any, sess: Any, sess_batch: Any, spot: Any) -> dict[str, Any]:
        session_unit = sess.units.get(campaign_unit=unit)
        return {
            "membership_id": first(Membership, organization_id=unit.organization_id, role=Role.REPORTER),
            "campaign_id": camp.pk,
            "unit_id": unit.pk,
            "org_id": unit.organization_id,
            "organization_id": unit.organization_id,
            "item_id": "1.1",
            "file_id": evidence.pk,
            "evidence_id": evidence.pk,
            "entry_id": first(SelfAssessment, unit=unit, item_id="1.1"),
            "score_id": first(DepartmentScore, unit=unit, item_id="1.1"),
            "review_id": first(ReviewScore, unit=unit, item_id="1.1"),
            "spot_check_id": spot.pk if spot else 0,
            "session_id": sess.pk,
            "session_unit_id": session_unit.pk,
            "batch_id": sess_batch.pk,
            "credential_id": sess.credentials.values_list("pk", flat=True)[0],
            "public_id": sess.public_id,
            "category": unit.category,
            "recusal_id": active[unit.pk].pk,
        }

    world = World(cast=cast)
    world.objects.update(
        unit_a=unit_a,
        unit_b=unit_b,
        draft=draft,
        other_unit=other_unit,
        file_a=file_a,
        file_b=file_b,
        file_j=file_j,
        session=session,
        other_session=other_session,
        recusal=recusal,
    )
    world.targets["unit-A"] = unit_params(campaign, unit_a, file_a, session, batch, spot_a)
    world.targets["unit-A"]["job_id"] = _failed_job(campaign, users["organizer"]).pk
    world.targets["unit-B"] = unit_params(campaign, unit_b, file_b, session, batch, spot_b)
    world.targets["other-bureau"] = unit_params(other, other_unit, file_j, other_session, other_batch, None)
    world.targets["other-bureau"]["job_id"] = _failed_job(other, users["other_organizer"]).pk
    # county A: a participating unit that is also a bureau, still a draft (its reporter and leader see it)
    world.targets["unit-county-A"] = unit_params(campaign, draft, file_draft, session, batch, None)
    # Department-scoped targets: dept X's item 1.1 and dept Y's item 1.2 of unit A.
    world.targets["item-of-dept-X"] = {
        **world.targets["unit-A"],
        "department_id": cast.dept_x.pk,
        "dept_id": cast.dept_x.pk,
        "item_id": "1.1",
    }
    world.targets["item-of-dept-Y"] = {
        **world.targets["unit-A"],
        "department_id": cast.dept_y.pk,
        "dept_id": cast.dept_y.pk,
        "item_id": "1.2",
    }
    world.targets["dept-X-on-item-of-Y"] = {**world.targets["item-of-dept-X"], "item_id": "1.2"}
    world.targets["draft-unit"] = {
        **world.targets["item-of-dept-X"],
        "unit_id": draft.pk,
        "org_id": draft.organization_id,
    }
    world.targets["other-bureau"].update(department_id=j_dept.pk, dept_id=j_dept.pk)
    return world
