"""Live rating (现场测评): sessions, rater credentials and secret ballots.

Secrecy model (docs/live-rating.md has the threat model):

* ``RaterCredential`` knows the person (label, group) and only an HMAC of the token
  (``token_lookup``), used to find the credential when the token is presented. The rater's sheet
  key and own unit are stored sealed under the session's key (``kaoping.ratings.keys``).
* ``Ballot`` says *which* grade a unit got from which rater group. Nothing about the rater is
  stored with it in the clear: a per-unit tag (``HMAC(sheet key, unit)``) that only the rater's
  phone can recompute, and, for schemes with rules over the whole sheet, the sheet key sealed
  with a random nonce. Nothing is written about the credential when a ballot is cast, so no
  time, order or transaction pairs the two.
* At the unit's close its ballots are rewritten in random order; at the session's close every
  ballot loses its tag and seal (keeping only an anonymous sheet pseudonym where the scheme's
  sheet rules need one for recounts) and the session's key file is destroyed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit, SchemeVersion


class SessionMode(models.TextChoices):
    TEST = "test", _("测试")
    LIVE = "live", _("正式")


class RevotePolicy(models.TextChoices):
    CHANGEABLE = "changeable", _("单位关闭前可修改(以最后一次为准)")
    FINAL = "final", _("提交后不可修改")


class SessionStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class UnitStatus(models.TextChoices):
    PENDING = "pending", _("未开始")
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已关闭")


RATING_SESSION_CHAIN = "rating-session:"  # the audit chain of a session: this and its pk


class RatingSession(models.Model):
    """One live-rating meeting for one rating component of a campaign's scheme."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="rating_sessions")
    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="+")
    component_id = models.CharField(_("测评项目"), max_length=64)
    name = models.CharField(_("名称"), max_length=200)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mode = models.CharField(_("模式"), max_length=8, choices=SessionMode.choices, default=SessionMode.TEST)
    revote_policy = models.CharField(
        _("改票规则"), max_length=16, choices=RevotePolicy.choices, default=RevotePolicy.CHANGEABLE
    )
    # Read-only context on the phone page (kaoping.ratings.goal_progress): the units' targets and the
    # campaign's key tasks. The same for every rater of a unit; nothing of it enters a ballot.
    show_goals = models.BooleanField(_("向评委展示被评单位的目标任务与重点工作进展"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    # Starts at 1 and grows when test ballots are cleared or the session goes live: phones keep their
    # drafts under it, so a rehearsal's draft and receipt never block the real vote.
    round = models.PositiveIntegerField(_("轮次"), default=1)
    links_destroyed = models.BooleanField(_("名单已销毁"), default=False)
    chain_head = models.CharField(_("审计链头"), max_length=64, blank=True)
    final_results: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("现场测评")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def chain(self) -> str:
        return f"{RATING_SESSION_CHAIN}{self.pk}"

    @property
    def is_test(self) -> bool:
        return self.mode == SessionMode.TEST


class SessionUnit(models.Model):
    """A unit in the presenting order of a session, opened and closed by the organizer."""

    session = models.ForeignKey(RatingSession, on_delete=models.CASCADE, related_name="units")
    campaign_unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=UnitStatus.choices, default=UnitStatus.PENDING)
    # The engine's result (score, explanation, counts) computed when the unit closed.
    result: models.JSONField[Any] = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "campaign_unit"], name="unique_unit_per_rating_session"),
        ]


class RaterCredential(models.Model):
    """A rater's personal slip. The token itself is never stored, only its HMAC."""

    session = models.ForeignKey(RatingSession, on_delete=models.CASCADE, related_name="credentials")
    token_lookup = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("评委"), max_length=100)
    rater_group = models.CharField(_("评委组"), max_length=64)
    # The rater's sheet key and own unit (the campaign unit they never grade), sealed under the
    # session key (keys.seal_json, purpose "credential"). A reissued slip gets the same content,
    # so the person continues the same sheet. "" once the session has closed.
    sealed_secrets = models.CharField(max_length=300, blank=True)
    revoked = models.BooleanField(_("已作废"), default=False)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")

    class Meta:
        ordering = ["session", "rater_group", "pk"]


class SlipBatch(models.Model):
    """The printed slip list (person → token) of one issue run, sealed under the session key."""

    session = models.ForeignKey(RatingSession, on_delete=models.CASCADE, related_name="slip_batches")
    count = models.PositiveIntegerField(default=0)
    # keys.seal_json of [{credential, label, group, unit, token}]; "" once destroyed.
    sealed_entries = models.TextField(blank=True)
    destroyed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "pk"]

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The slips in the clear, while the session's key exists; [] once destroyed."""
        from kaoping.ratings import keys

        if self.destroyed or not self.sealed_entries:
            return []
        entries: list[dict[str, Any]] = keys.unseal_json(self.session.public_id, "slips", self.sealed_entries)
        return entries


class SupersededKey(models.Model):
    """Idempotency keys of revotes that were replaced, so a late retry replays instead of reverting.

    The request digest binds the unit, the grade and the rater's 128-bit receipt nonce, which only
    the phone that sent it knows; no rater identity is kept."""

    idem_key = models.UUIDField(primary_key=True)
    session_unit = models.ForeignKey("SessionUnit", on_delete=models.CASCADE, related_name="+")
    request_digest = models.CharField(max_length=64)
    is_test = models.BooleanField(default=False)


class Ballot(models.Model):
    """One secret grade. No rater identity, no timestamp, no sequence."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(RatingSession, on_delete=models.PROTECT, related_name="ballots")
    session_unit = models.ForeignKey(SessionUnit, on_delete=models.PROTECT, related_name="ballots")
    rater_group = models.CharField(max_length=64)
    grade = models.CharField(max_length=32)
    receipt_hash = models.CharField(max_length=64)
    idem_key = models.UUIDField(unique=True)
    request_digest = models.CharField(max_length=64)  # H(unit | grade | receipt nonce)
    # HMAC(sheet key, unit) while the session is open: one ballot per rater and unit, found again
    # for a revote. NULL after the session's close (NULLs never collide in the unique constraint).
    tag = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # The sheet key sealed with a random nonce (schemes with per-sheet rules only), opened once at
    # the session's close to apply those rules. NULL otherwise and after the close.
    sealed_sheet = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # An anonymous sheet pseudonym for recounts, random, written when the unit closes (one per
    # ballot) and at the session's close (one per sheet, for schemes with per-sheet rules). NULL
    # while the unit is open: not counted yet.
    sheet = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    is_test = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_unit", "tag"], name="unique_ballot_per_sheet_and_unit"),
        ]
        indexes = [models.Index(fields=["session", "is_test"])]
