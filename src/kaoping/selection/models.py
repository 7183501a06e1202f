"""评选: a selection with its eligibility rules, nominations and their review, an approval vote.

Secrecy of the vote follows live rating (docs/live-rating.md): a ballot row carries no credential,
only ``tag = HMAC(sheet key, "selection")`` while the vote is open (one ballot per credential, the
revote finds it), where the sheet key exists only sealed under the selection's key file
(``kaoping.ratings.keys``). Closing the vote drops every tag, rewrites the ballots in random order
under fresh ids, forgets the sealed sheet keys and destroys the key file.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    NOMINATING = "nominating", _("推荐报名")
    VOTING = "voting", _("投票中")
    CLOSED = "closed", _("投票已结束")


class Method(models.TextChoices):
    APPROVAL = "approval", _("投票(最多选 N 人)")
    GRADED = "graded", _("评分(分组加权)")


class Selection(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="selections")
    number = models.PositiveIntegerField()  # 1, 2, … within the campaign (the URL's id)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # names the key file
    title = models.CharField(_("评选名称"), max_length=200)
    quota = models.PositiveSmallIntegerField(_("评选名额"))
    eligible_text = models.CharField(_("推荐对象"), max_length=500, blank=True)
    rules = models.JSONField(default=list)  # [{"kind": …, "value": …}], see selection.rules
    nomination_start = models.DateField(_("推荐开始日期"))
    nomination_end = models.DateField(_("推荐截止日期"))
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.NOMINATING)
    method = models.CharField(_("投票方式"), max_length=10, choices=Method.choices, default=Method.APPROVAL)
    # graded: [{"id": "g1", "name": "评委", "weight": "60"}, …], weights in percent adding up to 100
    rater_groups = models.JSONField(default=list, blank=True)
    sealed_slips = models.TextField(blank=True)  # slip list (names, tokens) sealed; forgotten at close
    # at close: approval {"counts": {number: n}, "ballots": n}; graded {"scores": {number: "88.30" | None},
    # "explanations": {number: text}, "flags": [text], "ballots": n}
    tally = models.JSONField(null=True, blank=True)
    ballot_digest = models.CharField(max_length=64, blank=True)
    tie_chosen = models.JSONField(null=True, blank=True)  # nomination numbers the organizer chose
    tie_reason = models.TextField(blank=True)
    public_key = models.CharField(max_length=64, blank=True)
    published_on = models.DateField(null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(default=5)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="selection_number_unique")]
        ordering = ["campaign", "number"]

    def __str__(self) -> str:
        return self.title


class Kind(models.TextChoices):
    RECOMMEND = "recommend", _("组织推荐")
    SELF = "self", _("个人自荐")


class Review(models.TextChoices):
    PENDING = "pending", _("待审核")
    ADMITTED = "admitted", _("审核通过")
    REFUSED = "refused", _("未通过")


class Nomination(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="nominations")
    number = models.PositiveIntegerField()
    nominee_name = models.CharField(_("被推荐人姓名"), max_length=50)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    statement = models.TextField(_("主要事迹"))
    party_member = models.BooleanField(_("中共党员"), default=False)
    teaching_years = models.PositiveSmallIntegerField(_("教龄(年)"), null=True, blank=True)
    disciplined = models.BooleanField(_("近三年受过处分"), default=False)
    evidence_name = models.CharField(_("佐证材料"), max_length=255, blank=True)
    evidence_stored = models.CharField(max_length=64, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.PENDING)
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["selection", "number"], name="nomination_number_unique")]
        ordering = ["selection", "number"]

    def __str__(self) -> str:
        return self.nominee_name


class Voter(models.Model):
    """One credential per voter: the token is kept only as its HMAC; the sheet key only sealed."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="voters")
    label = models.CharField(max_length=100)
    token_lookup = models.CharField(max_length=64, unique=True)
    sealed_sheet = models.TextField(blank=True)  # forgotten when the vote closes
    group = models.CharField(max_length=20, blank=True)  # graded: the rater group's id
    revoked = models.BooleanField(default=False)


class Ballot(models.Model):
    """An approval ballot (the chosen nominations' numbers) or a graded one (the rater group's id and
    a grade or null for 不了解 per nomination number). No credential, no time, no voter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="ballots")
    # HMAC(sheet key) while the vote is open; NULL once closed (NULLs never collide in the unique constraint)
    tag = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    choices = models.JSONField(default=list)  # approval: sorted nomination numbers
    group = models.CharField(max_length=20, blank=True)  # graded: the rater group's id (never the voter)
    grades = models.JSONField(default=dict, blank=True)  # graded: {number: grade | None}
    idem_key = models.UUIDField(null=True, blank=True, unique=True)  # None once closed
    digest = models.CharField(max_length=64, blank=True)
    receipt_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["selection", "tag"], name="selection_ballot_one_per_sheet")]
