"""Crawl every page as every role and look for internal code in what a user reads (issue 11 §2).

Shared by ``tests/web/test_every_page_speaks_chinese.py`` (Django's test client: the word check)
and ``tests/browser/test_axe_every_page.py`` (Chromium: axe-core on every page pattern).

The world is the demo data (``kaoping.web.demo.load_demo``: both example campaigns and a user for
every role) plus what the demo leaves out, made through the same services as the pages: a
campaign created from the Excel 量化考核表 (examples/honggutan-2021/indicators.xlsx) through the
create form, a second scheme version with a reason (so the scheme diff has content), a reviewer's
adjustment, a returned self-assessment, an open live-rating session in test mode with a rater's
phone signed in, and an evidence file.

``CODE_WORDS`` is the one list of words that are internal code: it is the hand-kept list below
plus every value of the project's enums (phases, statuses, roles, rounding modes, methods …) and
every id in the schemes of the campaigns in the database (components, categories, rater groups).
A page fails when its visible text (text nodes, ``title``/``placeholder``/``aria-label``/``alt``)
contains one as a whole word, or a Python repr (``{'unit':``, ``None``, ``True``, ``Decimal(`` …).
Only what a user legitimately sees is taken out before the check: the usernames, organization
codes and the names of files that were uploaded.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]

# -- what counts as internal code ---------------------------------------------------------------------

# Words from the code, the scheme files and the CSV formats that must never reach a page. The enum
# values and the scheme ids of the campaigns in the database are added by ``code_words()``.
HAND_KEPT_CODE_WORDS = frozenset(
    {
        # rater groups, categories, component methods, score basis (scheme files)
        "heads", "leaders", "units", "county", "school", "district", "provincial", "private",
        "rating", "imported", "indicators", "confirmed", "reviewed", "self",
        # statuses of submissions, phases, sessions, units
        "pending", "open", "opened", "closed", "draft", "submitted", "returned", "locked", "published",
        "archived", "scoring", "review", "live", "test",
        # roles
        "organizer", "admin", "administrator", "leader", "reviewer", "reporter", "scorer",
        # scheme and file fields (CSV headers, diff keys, audit fields)
        "unit", "item", "items", "score", "scores", "figure", "figures", "value", "category", "department",
        "component", "components", "points", "raw", "raw_max", "weight", "grade", "grades", "note", "notes",
        "reason", "entries", "status", "phase", "name", "year", "owner", "scheme", "scheme_version",
        "self_score", "confirmed_score", "not_applicable", "triggered", "level", "evidence", "ballot",
        "ballots", "session", "credential", "campaign", "campaign_unit", "group", "groups", "kind",
        "bonus", "penalty", "normal", "true", "false", "null", "none", "excel-import",
    }
)  # fmt: skip

# Python reprs and framework leftovers: never on a page, in any case.
REPR_PATTERNS = (
    re.compile(r"\{\s*'[^']*'\s*:"),  # a dict repr: {'unit': 50
    re.compile(r"\[\s*'[^']*'\s*[,\]]"),  # a list repr: ['a', 'b']
    re.compile(r"\(\s*'[^']*'\s*,"),  # a tuple repr
    re.compile(r"\b(?:None|True|False)\b"),
    re.compile(r"\bDecimal\("),
    re.compile(r"<QuerySet|<[A-Z]\w+: |object at 0x"),
    re.compile(r"\bdatetime\.|\bTraceback\b|\bgettext\b|\{%|%\}|\{\{|\}\}"),
    re.compile(r"第\s*[批页版名项条张]"),  # a number left out: "第 批" (a loop variable inside blocktranslate)
)

# Latin words a Chinese page may carry: file formats, product and protocol names.
ALLOWED_LATIN = frozenset(
    {
        "pdf", "excel", "csv", "xlsx", "xls", "docx", "doc", "png", "jpg", "jpeg", "zip", "ofd", "yaml",
        "yml", "json", "utf-8", "utf", "kaoping", "qr", "app", "wps", "id", "url", "api", "https", "http",
        "totp", "otp", "ip", "ok", "cpu", "mb", "kb", "gb", "a4",
    }
)  # fmt: skip


def enum_values() -> set[str]:
    """Every value of the project's enums (models' TextChoices and the engine's StrEnums)."""
    import importlib

    from django.db import models

    found: set[str] = set()
    modules = [
        "kaoping.engine.model",
        "kaoping.orgs.models",
        "kaoping.campaigns.models",
        "kaoping.assessments.models",
        "kaoping.ratings.models",
        "kaoping.results.models",
        "kaoping.external.models",
    ]
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for value in vars(module).values():
            members: Iterable[Any] = ()
            if isinstance(value, type) and issubclass(value, Enum) and value is not Enum:
                members = list(value)
            for inner in vars(value).values() if isinstance(value, type) and issubclass(value, models.Model) else ():
                if isinstance(inner, type) and issubclass(inner, Enum):
                    members = [*members, *inner]
            found.update(str(m.value) for m in members if isinstance(m.value, str))
    return found


def scheme_ids() -> set[str]:
    """The ids of components, categories and rater groups of every scheme version stored."""
    from kaoping.campaigns.models import SchemeVersion

    found: set[str] = set()
    for data in SchemeVersion.objects.values_list("data", flat=True):
        for category in data.get("categories") or ():
            found.add(str(category.get("id", "")))
        for component in data.get("components") or ():
            found.add(str(component.get("id", "")))
            rating = component.get("rating") or {}
            for group in rating.get("groups") or ():
                found.add(str(group.get("id", "")))
        found.add(str((data.get("scheme") or {}).get("id", "")))
    return found


def code_words() -> frozenset[str]:
    words = HAND_KEPT_CODE_WORDS | enum_values() | scheme_ids()
    return frozenset(w.lower() for w in words if re.search("[A-Za-z]", w))


def legitimate_strings() -> list[str]:
    """What a user may legitimately read although it is Latin: usernames, organization codes and
    the names of uploaded files (scheme files, evidence). Longest first, so a name is taken out whole."""
    from kaoping.assessments.models import EvidenceFile
    from kaoping.campaigns.models import SchemeVersion
    from kaoping.external.models import ImportedScore
    from kaoping.orgs.models import Organization, User

    strings = set(User.objects.values_list("username", flat=True))
    strings |= set(Organization.objects.values_list("code", flat=True))
    strings |= set(SchemeVersion.objects.values_list("source_name", flat=True))
    strings |= set(EvidenceFile.objects.values_list("original_name", flat=True))
    strings |= set(ImportedScore.objects.values_list("source", flat=True))
    return sorted((s for s in strings if s), key=len, reverse=True)


def legitimate_on(route: str) -> list[str]:
    """What one page legitimately shows on top of ``legitimate_strings``: the unit categories' codes
    on the page where the organizer defines them (the 代码 column, matching the scheme file)."""
    from kaoping.orgs.models import UnitCategory

    if route == "orgs:categories":
        return sorted(UnitCategory.objects.values_list("code", flat=True), key=len, reverse=True)
    return []


# A rater's slip carries its sign-in address and code: printed on paper, typed or scanned by the rater.
SLIP_CONTENT = re.compile(r"https?://\S+|\b[A-Za-z0-9_-]{20,}\b")
PATTERNS_ON: dict[str, re.Pattern[str]] = {"ratings:slip_download": SLIP_CONTENT}


# -- what a user reads ----------------------------------------------------------------------------------

VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "aria-description")


class _Reader(HTMLParser):
    """Visible text and the links (a href, form GET action, hx-get) of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.text.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.text.append(values["value"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "form" and values.get("method", "get").lower() == "get" and values.get("action"):
            self.links.append(values["action"])
        if values.get("hx-get"):
            self.links.append(values["hx-get"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.text.append(data.strip())


def read_html(html: str) -> tuple[str, list[str]]:
    reader = _Reader()
    reader.feed(html)
    return "\n".join(reader.text), reader.links


LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*")


def findings(
    text: str, *, words: frozenset[str], legitimate: list[str], pattern: re.Pattern[str] | None = None
) -> list[str]:
    """Code words and reprs in ``text`` after taking out what the user legitimately reads."""
    if pattern is not None:
        text = pattern.sub(" ", text)
    for item in legitimate:
        text = text.replace(item, " ")
    found: list[str] = []
    for pattern in REPR_PATTERNS:
        found += [f"repr {m.group(0)!r} in …{_around(text, m.start())}…" for m in pattern.finditer(text)]
    for match in LATIN_WORD.finditer(text):
        word = match.group(0)
        parts = {word.lower(), *re.split(r"[_-]", word.lower())}
        if parts & words or ("_" in word and word.lower() not in ALLOWED_LATIN):
            found.append(f"code word {word!r} in …{_around(text, match.start())}…")
    return found


def _around(text: str, at: int) -> str:
    return text[max(0, at - 30) : at + 40].replace("\n", " ⏎ ")


def csv_findings(
    content: bytes, *, words: frozenset[str], legitimate: list[str], pattern: re.Pattern[str] | None = None
) -> list[str]:
    """A CSV download: a header cell in Latin letters, or code in any cell."""
    text = content.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    found = [f"English CSV header {cell!r}" for cell in (rows[0] if rows else []) if LATIN_WORD.fullmatch(cell.strip())]
    body = "\n".join(" ".join(r) for r in rows[1:])
    return found + findings(body, words=words, legitimate=legitimate, pattern=pattern)


def xlsx_findings(
    content: bytes, *, words: frozenset[str], legitimate: list[str], pattern: re.Pattern[str] | None = None
) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), data_only=True)
    found: list[str] = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue  # a hidden sheet (a template's own bookkeeping) is not shown in Excel or WPS
        rows = [[("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)]
        header = rows[0] if rows else []
        found += [f"English header {cell!r} in sheet {sheet.title}" for cell in header if LATIN_WORD.fullmatch(cell)]
        body = "\n".join(" ".join(r) for r in rows) + "\n" + sheet.title
        found += findings(body, words=words, legitimate=legitimate, pattern=pattern)
    return found


# -- the crawl ----------------------------------------------------------------------------------------

# Never followed: they end the session, or they are the API (JSON for programs, not pages).
SKIP_ROUTES = frozenset({"web:logout", "api"})
# How many different addresses of one URL pattern are opened per role (e.g. the first few units).
PER_PATTERN = 2


@dataclass
class Page:
    role: str
    url: str
    route: str
    status: int
    content_type: str
    text: str = ""
    problems: list[str] = field(default_factory=list)


def route_of(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def same_site(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(
    client: Any, role: str, starts: Iterable[str], *, then: Iterable[str] = (), per_pattern: int = PER_PATTERN
) -> Iterator[Page]:
    """Breadth-first over every same-site link ``client`` can reach from ``starts`` (GET only);
    when nothing is left, from ``then`` (addresses filled from the data) the same way."""
    seen: set[str] = set()
    per_route: dict[str, int] = {}
    queue: deque[str] = deque(starts)
    later = list(then)
    while queue or later:
        if not queue:
            queue.extend(later)
            later = []
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        route = route_of(urlsplit(url).path)
        if route is None:
            continue
        if route in SKIP_ROUTES or route.split(":")[0] in SKIP_ROUTES or route.startswith("api:"):
            continue
        if per_route.get(route, 0) >= per_pattern:
            continue
        response = client.get(url)
        if response.status_code < 400:  # a refused address does not use up the pattern's share
            per_route[route] = per_route.get(route, 0) + 1
        content_type = response.get("Content-Type", "")
        page = Page(role, url, route, response.status_code, content_type)
        if response.status_code in (301, 302, 303, 307, 308):
            target = same_site(url, response["Location"])
            if target:
                queue.appendleft(target)
            yield page
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if content_type.startswith("text/html"):
            page.text = body.decode("utf-8", errors="replace")
            _, links = read_html(page.text)
            for href in links:
                target = same_site(url, href)
                if target and target not in seen:
                    queue.append(target)
        else:
            page.text = ""
            page.body = body  # type: ignore[attr-defined]
        yield page


# -- the world ----------------------------------------------------------------------------------------

# role → username; "anonymous" and "rater" (a phone signed in with a slip's code) have none.
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "province_organizer": "demo-province",
    "organizer": "demo-organizer",
    "administrator": "demo-admin",
    "leader": "demo-leader",
    "reviewer": "demo-reviewer",
    "scorer": "demo-scorer",
    "scorer2": "demo-scorer2",
    "reporter": "demo-reporter",
    "school_reporter": "demo-school",
    "rater": None,
}
EXCEL_CAMPAIGN = "2021年红谷滩区教育质量量化考核(Excel 表导入)"


@dataclass
class World:
    rater_token: str
    pks: dict[str, int]
    more_rater_tokens: list[str] = field(default_factory=list)  # other slips of the same session


def build_world(client_class: Any) -> World:
    """The demo data plus the pieces it leaves out (see the module's docstring)."""
    import copy

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaoping.assessments import services as assessments
    from kaoping.campaigns import services as campaigns
    from kaoping.campaigns.models import Campaign, CampaignUnit
    from kaoping.orgs.models import User
    from kaoping.ratings import services as ratings
    from kaoping.web.demo import load_demo

    load_demo(report=lambda _line: None)
    organizer = User.objects.get(username="demo-organizer")
    reviewer = User.objects.get(username="demo-reviewer")
    nanchang = Campaign.objects.get(year=2018)
    honggutan = Campaign.objects.get(year=2021)

    # A campaign from the Excel 量化考核表, through the create form as an organizer would.
    client = client_class()
    client.force_login(organizer)
    table = (ROOT / "examples" / "honggutan-2021" / "indicators.xlsx").read_bytes()
    response = client.post(
        "/campaigns/new/",
        {
            "owner": str(nanchang.owner_id),
            "name": EXCEL_CAMPAIGN,
            "year": "2021",
            "scheme_file": SimpleUploadedFile("indicators.xlsx", table),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    excel = Campaign.objects.get(name=EXCEL_CAMPAIGN)

    # The district takes part in it and starts its self-assessment: one score, a note and a PDF.
    from kaoping.orgs.models import Organization

    district = Organization.objects.get(code="honggutan")
    campaigns.campaign_add_units(campaign=excel, organizations=[district], category="units", actor=organizer)
    campaigns.campaign_set_phase(campaign=excel, expected="draft", target="self_assessment", actor=organizer)
    drafting = CampaignUnit.objects.get(campaign=excel, organization=district)
    excel_scheme = campaigns.scheme_of_data(excel.current_version().data)  # type: ignore[union-attr]
    first = next(leaf for c in excel_scheme.components for top in c.indicators for leaf in top.leaves())
    reporter = User.objects.get(username="demo-reporter")
    assessments.entry_save(
        unit=drafting,
        item=first,
        actor=reporter,
        version=0,
        data=assessments.EntryInput(self_score=str(first.points), note="已按要求落实"),
    )
    from access_matrix.world import pdf_bytes

    upload = SimpleUploadedFile("佐证材料.pdf", pdf_bytes("evidence"), content_type="application/pdf")
    assessments.evidence_upload(
        unit=drafting, actor=reporter, upload=upload, original_name="佐证材料.pdf", item_ids=[first.id]
    )

    # A second scheme version of the 2018 campaign: one component worth less, one group weighed differently.
    version = nanchang.current_version()
    assert version is not None
    data = copy.deepcopy(version.data)
    data["components"][0]["rating"]["groups"][0]["weight"] = 40
    data["components"][0]["rating"]["groups"][1]["weight"] = 35
    for component in data["components"]:
        if component.get("method") == "imported":
            component["points"] = 250
            break
    campaigns.scheme_version_upload(
        campaign=nanchang, scheme_data=data, source_name="nanchang-2018-v2.yaml", reason="调整权重", actor=organizer
    )

    # The reviewer adjusts one of the district's scores with a reason.
    unit = CampaignUnit.objects.filter(campaign=honggutan).first()
    assert unit is not None
    scheme = campaigns.scheme_of_data(honggutan.current_version().data)  # type: ignore[union-attr]
    leaves = [leaf for c in scheme.components for top in c.indicators for leaf in top.leaves()]
    item = next(leaf for leaf in leaves if leaf.points >= 2)
    assessments.review_save(unit=unit, item=item, actor=reviewer, version=0, score=item.points - 1, reason="材料不全")

    # The school's self-assessment returned in the 2018 campaign (a status with a reason).
    school = CampaignUnit.objects.filter(campaign=nanchang, organization__code="nc1z").first()
    if school is not None:
        assessments.submission_return(unit=school, actor=organizer, reason="请补充佐证材料")

    # An open live-rating session in test mode, one unit on stage, a phone signed in.
    component = next(c["id"] for c in data["components"] if c.get("method") == "rating")
    session = ratings.session_create(
        campaign=nanchang, component_id=component, name="述职测评会(演练)", actor=organizer
    )
    first_unit = CampaignUnit.objects.filter(campaign=nanchang).order_by("pk").first()
    assert first_unit is not None
    batch = ratings.credentials_issue(
        session=session,
        raters=[
            ratings.RaterSpec("王局长", "leaders"),
            ratings.RaterSpec("李处长", "heads"),
            ratings.RaterSpec("赵代表", "units", first_unit.pk),
        ],
        actor=organizer,
    )
    on_stage = session.units.order_by("position").first()
    assert on_stage is not None
    ratings.unit_open(session=session, session_unit=on_stage, actor=organizer)

    # 结果公示: the district's campaign on notice with a public page, then a correction as 第 2 版.
    _publish_two_versions(honggutan, unit, item, organizer, reviewer)

    # 目标任务与重点工作 (the demo loads seeds 001 and 003): a unit's own target reported with a PDF, and a
    # key task's progress with evidence and a milestone past due.
    _goal_reports(nanchang, organizer, pdf_bytes("goal"))

    # The organizer's background jobs: an import that finished and one that failed (their pages).
    from kaoping.jobs.models import Job, JobState

    for state, extra in (
        (
            JobState.DONE,
            {"outcome": {"summary": "导入完成:单位 2 个,用户 0 个", "next": "/orgs/"}, "done": 2, "total": 2},
        ),
        (JobState.FAILED, {"error": "未导入任何数据:单位代码“x1”已存在"}),
    ):
        Job.objects.create(
            key=f"orgs-import:{state}",
            title="导入单位和用户(南昌市教育局)",
            task_path="kaoping.orgs.tasks.import_orgs",
            state=state,
            created_by=organizer,
            **extra,
        )
    return World(
        rater_token=batch.entries[0]["token"],
        more_rater_tokens=[e["token"] for e in batch.entries[1:]],
        pks={"excel": excel.pk, "nanchang": nanchang.pk, "honggutan": honggutan.pk, "session": session.pk},
    )


def _goal_reports(campaign: Any, organizer: Any, pdf: bytes) -> None:
    import datetime
    from decimal import Decimal

    from kaoping.campaigns.models import CampaignUnit
    from kaoping.goals import selectors as goals
    from kaoping.goals import services as goal_services
    from kaoping.orgs.models import User

    district = CampaignUnit.objects.get(campaign=campaign, organization__code="honggutan")
    fields = goal_services.TargetFields(name="新增学位", measure="个", target_value=Decimal(3000), unit=district)
    target = goal_services.target_save(campaign=campaign, actor=organizer, fields=fields)
    reporter = User.objects.get(username="demo-reporter")
    goal_services.target_report(
        target=target,
        actor=reporter,
        on=datetime.date(2018, 6, 30),
        done=Decimal(1200),
        upload=pdf,
        original_name="学位台账.pdf",
    )
    task = goals.task(campaign, 5)
    assert task is not None
    scorer = User.objects.get(username="demo-scorer")
    goal_services.task_report(
        task=task,
        actor=scorer,
        on=datetime.date(2022, 6, 30),
        text="已印发行动计划",
        status="in_progress",
        upload=pdf,
        original_name="行动计划.pdf",
    )
    goal_services.milestone_add(task=task, actor=organizer, name="出台实施方案", due_on=datetime.date(2022, 3, 31))


def _publish_two_versions(campaign: Any, unit: Any, item: Any, organizer: Any, reviewer: Any) -> None:
    import datetime

    from django.utils import timezone

    from kaoping.assessments import services as assessments
    from kaoping.campaigns.models import Campaign, Phase
    from kaoping.publication import services as publication

    def move(phase: str) -> None:
        Campaign.objects.filter(pk=campaign.pk).update(phase=phase)
        campaign.refresh_from_db()
        unit.campaign.refresh_from_db()

    today = timezone.localdate()
    window = {"notice_start": today, "notice_end": today + datetime.timedelta(days=6)}
    move(Phase.NOTICE)
    publication.publish(campaign=campaign, actor=organizer, public=True, **window)
    move(Phase.SCORING)
    assessments.review_save(unit=unit, item=item, actor=reviewer, version=1, score=item.points, reason="异议成立")
    move(Phase.NOTICE)
    publication.publish(campaign=campaign, actor=organizer, public=True, reason="异议成立,更正一项得分", **window)
    # an objection to the new version, assigned and waiting for its answer (the register and its page)
    from kaoping.orgs.models import User
    from kaoping.publication import objections

    reporter = User.objects.get(username="demo-reporter")
    objection = objections.file(unit=unit, actor=reporter, item_id="", reasons="总分与本单位自评不一致,请复核")
    objections.assign(objection=objection, assignee=reviewer, actor=organizer)


def seed_urls(world: World) -> list[str]:
    """Addresses of the page patterns that take ids, filled from the data (the crawl finds most
    of them through links too; these make sure no role misses one it could open)."""
    from django.urls import reverse

    from kaoping.campaigns.models import Campaign, CampaignUnit
    from kaoping.orgs.models import Department, Organization

    urls: list[str] = ["/", "/account/", "/login/", "/inbox/", "/inbox/?show=unread", "/inbox/?show=read", "/goals/"]
    for campaign in Campaign.objects.order_by("pk"):
        pk = campaign.pk
        urls += [
            reverse("campaigns:detail", args=[pk]),
            reverse("campaigns:units", args=[pk]),
            reverse("campaigns:scheme", args=[pk]),
            reverse("campaigns:next_year", args=[pk]),
            reverse("audit:campaign_log", args=[pk]),
            reverse("assessments:campaign_home", args=[pk]),
            reverse("results:standings", args=[pk]),
            reverse("results:stats", args=[pk]),
            reverse("external:imported_scores", args=[pk]),
            reverse("ratings:session_list", args=[pk]),
            reverse("publication:manage", args=[pk]),
            reverse("publication:notice", args=[pk]),
            reverse("analytics:analysis", args=[pk]),
        ]
        for number in campaign.published_versions.values_list("number", flat=True):
            urls.append(reverse("publication:version", args=[pk, number]))
        urls.append(reverse("publication:objections", args=[pk]))
        # 表彰名单: the campaign's lists and each list (a unit gets 404 for a draft)
        urls.append(reverse("commendation:index", args=[pk]))
        for number in campaign.commendation_lists.values_list("number", flat=True):
            urls += [
                reverse("commendation:detail", args=[pk, number]),
                reverse("commendation:docx", args=[pk, number]),
                reverse("commendation:xlsx", args=[pk, number]),
            ]
        # 评选: the list, each selection, its nomination form, slips page and first nominations
        urls.append(reverse("selection:list", args=[pk]))
        for selection in campaign.selections.order_by("number"):
            urls += [
                reverse("selection:detail", args=[pk, selection.number]),
                reverse("selection:nominate", args=[pk, selection.number]),
                reverse("selection:voters", args=[pk, selection.number]),
            ]
            for number in selection.nominations.order_by("number").values_list("number", flat=True)[:2]:
                urls.append(reverse("selection:nomination", args=[pk, selection.number, number]))
        # 问题整改: the ledger, each problem, a unit's ledger and the form that registers one
        from kaoping.rectification.models import Problem

        urls.append(reverse("rectification:ledger", args=[pk]))
        for problem in Problem.objects.filter(campaign=campaign).order_by("pk"):
            urls += [
                reverse("rectification:problem", args=[pk, problem.unit_id, problem.number]),
                reverse("rectification:ledger", args=[pk]) + f"?unit={problem.unit_id}",
                reverse("rectification:new", args=[pk, problem.unit_id]),
            ]
        # 督查检查: the groups and progress, the group forms and each unit's record (the demo has one submitted)
        from kaoping.inspection.models import Assignment

        urls += [reverse("inspection:overview", args=[pk]), reverse("inspection:group_new", args=[pk])]
        for number in campaign.inspection_groups.values_list("number", flat=True):
            urls.append(reverse("inspection:group_edit", args=[pk, number]))
        for assignment in Assignment.objects.filter(campaign=campaign).order_by("-submitted_at", "pk")[:3]:
            urls.append(reverse("inspection:record", args=[pk, assignment.unit_id]))
        urls += [
            reverse("goals:overview", args=[pk]),
            reverse("goals:dashboard", args=[pk]),
            reverse("goals:target_new", args=[pk]),
            reverse("goals:task_new", args=[pk]),
        ]
        from kaoping.goals.models import KeyTask, Target

        for target in Target.objects.filter(campaign=campaign).order_by("-pk")[:2]:
            urls += [
                reverse("goals:target", args=[pk, target.number]),
                reverse("goals:target_edit", args=[pk, target.number]),
            ]
        for task in KeyTask.objects.filter(area__campaign=campaign).order_by("number")[:5]:
            urls += [reverse("goals:task", args=[pk, task.number]), reverse("goals:task_edit", args=[pk, task.number])]
        from kaoping.publication.models import Objection

        for objection in Objection.objects.filter(unit__campaign=campaign):
            urls += [
                reverse("publication:objection", args=[pk, objection.unit_id, objection.number]),
                reverse("publication:objection_new", args=[pk, objection.unit_id]),
            ]
        numbers = sorted(campaign.scheme_versions.values_list("number", flat=True))
        if len(numbers) > 1:
            urls.append(reverse("campaigns:scheme_diff", args=[pk]) + f"?old={numbers[0]}&new={numbers[-1]}")
        for unit in CampaignUnit.objects.filter(campaign=campaign).order_by("pk")[:2]:
            urls += [
                reverse("assessments:unit_overview", args=[pk, unit.pk]),
                reverse("assessments:review_unit", args=[pk, unit.pk]),
                reverse("assessments:report_import", args=[pk, unit.pk]),
                reverse("results:unit_result", args=[pk, unit.pk]),
                reverse("results:explain", args=[pk, unit.pk]),
            ]
        for department in Department.objects.filter(bureau=campaign.owner).order_by("pk")[:3]:
            urls.append(reverse("assessments:department_items", args=[pk, department.pk]))
    for organization in Organization.objects.order_by("pk")[:3]:
        urls.append(reverse("orgs:unit", args=[organization.pk]))
    urls.append(reverse("ratings:session_detail", args=[world.pks["session"]]))
    urls.append(reverse("ratings:progress", args=[world.pks["session"]]))
    from kaoping.jobs.models import Job

    for job in Job.objects.filter(key__startswith="orgs-import:").order_by("pk"):
        urls += [reverse("jobs:job", args=[job.pk]), reverse("jobs:progress", args=[job.pk])]
    return urls


def crawl_every_role(world: World, client_class: Any, *, per_pattern: int = PER_PATTERN) -> Iterator[Page]:
    """Each role signs in (the rater with a slip's code) and crawls from the home page, then
    from ``seed_urls`` and the public join page; an anonymous visitor is sent to the login page
    from every seed, so it gets "/" and the join page only."""
    from django.urls import reverse

    from kaoping.orgs.models import User
    from kaoping.ratings.models import RatingSession

    starts = seed_urls(world)
    # the room's QR code opens the join page for anyone, signed in or not
    public = [reverse("ratings:join", args=[RatingSession.objects.get(pk=world.pks["session"]).public_id])]
    # 结果公示 for anyone: the digest check (with a real digest) and the public notice pages
    from kaoping.publication.models import PublishedVersion

    for version in PublishedVersion.objects.filter(public=True).order_by("pk"):
        public += [
            reverse("publication:public", args=[version.public_key]),
            f"{reverse('publication:verify')}?digest={version.digest}",
        ]
    public.append(reverse("publication:verify"))
    from kaoping.selection.models import Selection

    for selection in Selection.objects.exclude(public_key="").order_by("pk"):
        public.append(reverse("selection:public", args=[selection.public_key]))  # 评选结果公示
    for role, username in ROLES.items():
        client = client_class(raise_request_exception=False)  # a 500 is a finding, the crawl goes on
        role_starts = ["/"]
        if username:
            client.force_login(User.objects.get(username=username))
        elif role == "rater":
            response = client.get(reverse("ratings:exchange", args=[world.rater_token]))
            assert response.status_code in (302, 303), response.status_code
            role_starts = [response["Location"], "/"]
        then = public if role == "anonymous" else [*starts, *public]
        yield from crawl(client, role, role_starts, then=then, per_pattern=per_pattern)
