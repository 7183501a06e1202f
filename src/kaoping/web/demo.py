"""Demo data from the example campaigns (examples/nanchang-2018, examples/honggutan-2021).

Idempotent: organizations and users are matched by code and username, a campaign by owner and
name; a campaign that already exists is left as it is. Everything goes through the same services
as the pages, so phase changes are audited like real ones.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from kaoping.audit.services import audit_record
from kaoping.campaigns import reminders as campaign_reminders
from kaoping.campaigns import services as campaign_services
from kaoping.campaigns.models import PHASE_ORDER, Campaign, CampaignUnit, Phase
from kaoping.commendation.demo import load_example as load_commendation_example
from kaoping.engine.model import Indicator, Scheme
from kaoping.goals.demo import load_examples as load_goal_examples
from kaoping.inspection.demo import load_examples as load_inspection_examples
from kaoping.orgs.models import Department, Membership, Organization, OrgKind, Role, UnitCategory, User
from kaoping.rectification.demo import load_examples as load_problem_examples
from kaoping.selection.demo import load_example as load_selection_example

DEMO_PASSWORD = "kaoping-demo"
EXAMPLES = Path(settings.BASE_DIR) / "examples"
Report = Callable[[str], None]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    org_code: str
    department: str = ""


DEMO_USERS = (
    DemoUser("demo-province", "省厅考核办", Role.ORGANIZER, "jx-edu"),
    DemoUser("demo-organizer", "市局考核办", Role.ORGANIZER, "nanchang-edu"),
    DemoUser("demo-admin", "市局系统管理员", Role.ADMIN, "nanchang-edu"),
    DemoUser("demo-leader", "市局领导", Role.LEADER, "nanchang-edu"),
    DemoUser("demo-reviewer", "市督学", Role.REVIEWER, "nanchang-edu"),
    DemoUser("demo-scorer", "基础教育处评分员", Role.DEPARTMENT_SCORER, "nanchang-edu", "基础教育处"),
    DemoUser("demo-scorer2", "思政处评分员", Role.DEPARTMENT_SCORER, "nanchang-edu", "思政处"),
    DemoUser("demo-reporter", "红谷滩区填报员", Role.REPORTER, "honggutan"),
    DemoUser("demo-school", "南昌一中填报员", Role.REPORTER, "nc1z"),
)


@dataclass
class DemoResult:
    campaigns: list[Campaign] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip()) if text and text.strip() else None
    except InvalidOperation:
        return None


def _yes(text: str) -> bool | None:
    text = (text or "").strip()
    return True if text in ("是", "1", "true", "True") else False if text in ("否", "0", "false", "False") else None


# -- organizations and people ------------------------------------------------------------------------


def org(code: str, name: str, kind: str, parent: Organization | None) -> Organization:
    found = Organization.objects.filter(code=code).first()
    return found or Organization.objects.create(code=code, name=name, kind=kind, parent=parent)


def bureaus() -> tuple[Organization, Organization]:
    province = org("jx-edu", "江西省教育厅", OrgKind.PROVINCE, None)
    city = org("nanchang-edu", "南昌市教育局", OrgKind.CITY, province)
    return province, city


def categories(owner: Organization, scheme: Scheme) -> dict[str, UnitCategory]:
    return {
        c.id: UnitCategory.objects.get_or_create(owner=owner, code=c.id, defaults={"name": c.name})[0]
        for c in scheme.categories
    }


def departments(bureau: Organization, scheme: Scheme) -> None:
    names = {share.department for item in scheme_items(scheme) for share in item.departments}
    for name in sorted(names | {"基础教育处", "思政处"}):
        Department.objects.get_or_create(bureau=bureau, name=name)


def scheme_items(scheme: Scheme) -> list[Indicator]:
    return [leaf for c in scheme.components for top in c.indicators for leaf in top.leaves()]


def demo_users(report: Report) -> list[DemoUser]:
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username, display_name=spec.display_name)
            user.set_password(DEMO_PASSWORD)
            user.save()
        organization = Organization.objects.get(code=spec.org_code)
        department = Department.objects.get(bureau=organization, name=spec.department) if spec.department else None
        Membership.objects.get_or_create(user=user, organization=organization, role=spec.role, department=department)
    # each demo person finds the phase their campaigns are in under 消息 (kaoping.inbox); sent once per person
    for campaign in Campaign.objects.exclude(phase__in=[Phase.DRAFT, Phase.ARCHIVED]):
        before = PHASE_ORDER[PHASE_ORDER.index(campaign.phase) - 1]
        campaign_reminders.phase_opened(campaign, before, campaign.phase)
    return list(DEMO_USERS)


# -- campaigns -----------------------------------------------------------------------------------------


def load_scheme_data(name: str) -> tuple[dict[str, Any], Scheme]:
    content = (EXAMPLES / name / "scheme.yaml").read_bytes()
    data = campaign_services.scheme_data_from_upload(filename="scheme.yaml", content=content)
    return data, campaign_services.scheme_of_data(data)


def campaign_from_example(name: str, owner: Organization, actor: User, report: Report) -> tuple[Campaign, Scheme, bool]:
    data, scheme = load_scheme_data(name)
    existing = Campaign.objects.filter(owner=owner, name=scheme.name).first()
    if existing:
        report(f"已存在,跳过:{scheme.name}")
        return existing, scheme, False
    campaign = campaign_services.campaign_create(
        owner=owner,
        name=scheme.name,
        year=scheme.year,
        scheme_data=data,
        source_name=f"{name}/scheme.yaml",
        actor=actor,
    )
    report(f"已创建考核:{scheme.name}")
    return campaign, scheme, True


def advance(campaign: Campaign, target: str, actor: User) -> None:
    while PHASE_ORDER.index(campaign.phase) < PHASE_ORDER.index(target):
        following = campaign_services.next_phase(campaign.phase)
        assert following is not None
        campaign_services.campaign_set_phase(
            campaign=campaign, expected=campaign.phase, target=following, actor=actor, reason="演示数据"
        )


def add_units(campaign: Campaign, rows: list[tuple[Organization, str]], actor: User) -> dict[str, CampaignUnit]:
    by_category: dict[str, list[Organization]] = {}
    for organization, category in rows:
        by_category.setdefault(category, []).append(organization)
    for category, organizations in by_category.items():
        campaign_services.campaign_add_units(
            campaign=campaign, organizations=organizations, category=category, actor=actor
        )
    units = CampaignUnit.objects.filter(campaign=campaign).select_related("organization")
    return {u.organization.code: u for u in units}


def load_nanchang(city: Organization, actor: User, report: Report) -> Campaign:
    folder = EXAMPLES / "nanchang-2018"
    _data, scheme = load_scheme_data("nanchang-2018")
    owned = categories(city, scheme)
    departments(city, scheme)
    rows: list[tuple[Organization, str]] = []
    for row in read_csv(folder / "inputs" / "units.csv"):
        kind = OrgKind.COUNTY if row["category"] == "county" else OrgKind.SCHOOL
        unit = org(row["id"], row["name"], kind, city)
        if unit.category_id is None:
            unit.category = owned.get(row["category"])
            unit.save()
        rows.append((unit, row["category"]))
    campaign, scheme, created = campaign_from_example("nanchang-2018", city, actor, report)
    if created:
        units = add_units(campaign, rows, actor)
        advance(campaign, Phase.SELF_ASSESSMENT, actor)
        fill_nanchang_scores(campaign, units, folder / "inputs", actor)
        advance(campaign, Phase.SCORING, actor)
        load_example_imported(campaign, folder / "inputs" / "imported.csv", actor, report)
        load_example_ballots(campaign, folder / "inputs" / "ballots.csv", report)
    return campaign


def load_example_imported(campaign: Campaign, path: Path, actor: User, report: Report) -> None:
    """Scores assessed elsewhere (基层党建、民办学校督导), through the external app's import."""
    from kaoping.external.services import imported_scores_import

    summary = imported_scores_import(
        campaign=campaign, actor=actor, path_or_file=path, reason="演示数据:来自 examples/"
    )
    report(f"已导入外部考核分数 {summary.created} 条")


def load_example_ballots(campaign: Campaign, path: Path, report: Report) -> None:
    """The example's ballots cast through closed live-rating sessions (kaoping.ratings.demo)."""
    from kaoping.ratings.demo import load_example_ballots as cast_ballots

    sessions = cast_ballots(campaign, path)
    report(f"已载入现场测评选票({len(sessions)} 场测评)")


def load_honggutan(province: Organization, city: Organization, actor: User, report: Report) -> Campaign:
    folder = EXAMPLES / "honggutan-2021"
    _data, scheme = load_scheme_data("honggutan-2021")
    categories(province, scheme)
    departments(province, scheme)
    rows: list[tuple[Organization, str]] = []
    for row in read_csv(folder / "inputs" / "units.csv"):
        rows.append((org(row["单位编号"], row["单位名称"], OrgKind.COUNTY, city), row["类别"]))
    campaign, scheme, created = campaign_from_example("honggutan-2021", province, actor, report)
    if created:
        units = add_units(campaign, rows, actor)
        advance(campaign, Phase.SELF_ASSESSMENT, actor)
        fill_honggutan_self_assessment(campaign, units, folder / "inputs", actor)
        advance(campaign, Phase.REVIEW, actor)
    return campaign


# -- hooks into the assessments app --------------------------------------------------------------------


def fill_honggutan_self_assessment(
    campaign: Campaign, units: dict[str, CampaignUnit], inputs: Path, actor: User
) -> None:
    """The district's self scores, notes, not-applicable marks and figures as its submitted
    self-assessment (seed 004: total 99.1, 优秀)."""
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for row in read_csv(inputs / "items.csv"):
        entries[(row["单位编号"], row["指标编号"])] = {
            "self_score": _decimal(row["自评分"]),
            "not_applicable": bool(_yes(row["不适用"])) or row["不适用"].strip() in ("不适用", "√", "Y"),
            "note": row.get("得失分说明", ""),
        }
    for row in read_csv(inputs / "figures.csv"):
        entry = entries.setdefault((row["单位编号"], row["指标编号"]), {})
        entry.setdefault("figures", {})[row["数据项"]] = row["数值"]
    store_self_assessments(campaign, units, entries, actor)


def fill_nanchang_scores(campaign: Campaign, units: dict[str, CampaignUnit], inputs: Path, actor: User) -> None:
    """Departments' scores (items.csv ``reviewed``) and the units' figures and triggered flags."""
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    scores: list[tuple[str, str, str, Decimal | None]] = []
    for row in read_csv(inputs / "items.csv"):
        if row.get("reviewed", "").strip():
            scores.append((row["unit"], row["item"], row["department"], _decimal(row["reviewed"])))
        if _yes(row.get("triggered", "")) is not None:
            entries.setdefault((row["unit"], row["item"]), {})["triggered"] = _yes(row["triggered"])
    for row in read_csv(inputs / "figures.csv"):
        entries.setdefault((row["unit"], row["item"]), {}).setdefault("figures", {})[row["figure"]] = row["value"]
    store_self_assessments(campaign, units, entries, actor)
    store_department_scores(campaign, units, scores, actor)


def store_self_assessments(
    campaign: Campaign, units: dict[str, CampaignUnit], entries: dict[tuple[str, str], dict[str, Any]], actor: User
) -> None:
    """Write entries with the assessments app's models (when they exist) and mark the units'
    self-assessments as submitted, with one audit event per unit."""
    try:
        from kaoping.assessments.models import SelfAssessment, Submission, SubmissionStatus
    except ImportError:  # pragma: no cover - the assessments app is part of the product
        return
    for code, unit in units.items():
        mine = {item: values for (unit_code, item), values in entries.items() if unit_code == code}
        for item_id, values in mine.items():
            SelfAssessment.objects.update_or_create(
                unit=unit, item_id=item_id, defaults={**values, "updated_by": actor}
            )
        Submission.objects.update_or_create(unit=unit, defaults={"status": SubmissionStatus.SUBMITTED})
        audit_record(
            chain=f"campaign:{campaign.pk}",
            action="demo.self_assessment",
            object_type="campaign_unit",
            object_id=unit.pk,
            actor=actor,
            new={"entries": len(mine)},
            reason="演示数据:来自 examples/",
        )


def store_department_scores(
    campaign: Campaign,
    units: dict[str, CampaignUnit],
    scores: list[tuple[str, str, str, Decimal | None]],
    actor: User,
) -> None:
    try:
        from kaoping.assessments.models import DepartmentScore
    except ImportError:  # pragma: no cover
        return
    bureau_departments = {d.name: d for d in Department.objects.filter(bureau=campaign.owner)}
    for code, item_id, department_name, value in scores:
        unit = units.get(code)
        department = bureau_departments.get(department_name)
        if unit is None or department is None:
            continue
        DepartmentScore.objects.update_or_create(
            unit=unit, item_id=item_id, department=department, defaults={"score": value, "updated_by": actor}
        )
    audit_record(
        chain=f"campaign:{campaign.pk}",
        action="demo.department_scores",
        object_type="campaign",
        object_id=campaign.pk,
        actor=actor,
        new={"scores": len(scores)},
        reason="演示数据:来自 examples/",
    )


# -- the whole demo ------------------------------------------------------------------------------------


@transaction.atomic
def load_demo(report: Report = print) -> DemoResult:
    province, city = bureaus()
    result = DemoResult()
    nanchang = load_nanchang(city, _actor("demo-organizer", "市局考核办"), report)
    result.campaigns.append(nanchang)
    result.campaigns.append(load_honggutan(province, city, _actor("demo-province", "省厅考核办"), report))
    departments(city, load_scheme_data("nanchang-2018")[1])
    if load_goal_examples(nanchang, _actor("demo-organizer", "市局考核办")):
        report("目标任务与重点工作:载入种子 001、003 的示例(examples/goals)")
    result.users = demo_users(report)
    if load_problem_examples(result.campaigns[0], reviewer="demo-reviewer", reporter="demo-school", unit_code="nc1z"):
        report("问题整改:载入几条不同状态的整改问题(整改中、待复查、已销号、已超期)")
    if load_inspection_examples(
        result.campaigns[0],
        organizer="demo-organizer",
        leader="demo-reviewer",
        password=DEMO_PASSWORD,
        recused_code="nc1z",
    ):
        report("督查检查:三个指导检查组抽签分配各学校(含一条回避),一家学校的检查记录已提交")
    if load_commendation_example(result.campaigns[0], organizer="demo-organizer"):
        report("表彰名单:载入 2018 年度考核优秀单位名单(结果确定后生成,否则为草稿)")
    if load_selection_example(result.campaigns[0], organizer="demo-organizer"):
        report("评选:载入种子 002 的“育人成才先锋党员”评选(14 人推荐与自荐、审核、投票、第 10 名并列的决定、公示)")
    return result


def _actor(username: str, display_name: str) -> User:
    """The demo's changes are made by a named organizer, so the audit log names a person."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display_name)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user
