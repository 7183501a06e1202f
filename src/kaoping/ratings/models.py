"""Live rating (现场测评): sessions, rater credentials, participation and secret ballots.

Secrecy model (docs/live-rating.md has the full story):

* ``RaterCredential`` knows the person (label, group, own unit) and only an HMAC of the token
  (``token_lookup``), used to find the credential when the token is presented.
* ``Participation`` says *that* a credential handed in a grade for a unit (idempotency key and a
  digest of the request), never *which* grade.
* ``Ballot`` says *which* grade a unit got from which rater group, under a pseudonymous sheet id:
  a second HMAC of the token keyed per session (``sheet``). It has a random UUID4 key, no
  timestamp, no credential and no value shared with ``Participation``; without the token nobody
  can join the two tables.
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
    status = models.CharField(_("状态"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    # Secret salt of the per-session sheet HMAC; wiped when the links are destroyed.
    sheet_salt = models.CharField(max_length=64, blank=True)
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
        return f"rating-session:{self.pk}"

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
    own_unit = models.ForeignKey(
        CampaignUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在单位")
    )
    revoked = models.BooleanField(_("已作废"), default=False)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")

    class Meta:
        ordering = ["session", "rater_group", "pk"]


class SlipBatch(models.Model):
    """The printed slip list (person → token) of one issue run; destroyable at close."""

    session = models.ForeignKey(RatingSession, on_delete=models.CASCADE, related_name="slip_batches")
    entries: models.JSONField[Any] = models.JSONField(default=list)  # [{label, group, unit, token}]
    destroyed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "pk"]


class Participation(models.Model):
    """That a credential handed in a grade for a unit — never which grade, never when."""

    credential = models.ForeignKey(RaterCredential, on_delete=models.PROTECT, related_name="participations")
    session_unit = models.ForeignKey(SessionUnit, on_delete=models.PROTECT, related_name="participations")
    idem_key = models.UUIDField(unique=True)
    request_digest = models.CharField(max_length=64)  # H(unit | grade | receipt nonce)
    is_test = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["credential", "session_unit"], name="unique_participation_per_unit"),
        ]


class SupersededKey(models.Model):
    """Idempotency keys of revotes that were replaced, so a late retry replays instead of reverting."""

    idem_key = models.UUIDField(primary_key=True)
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="superseded_keys")
    request_digest = models.CharField(max_length=64)


class Ballot(models.Model):
    """One secret grade. No rater identity, no timestamp, no value shared with Participation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(RatingSession, on_delete=models.PROTECT, related_name="ballots")
    session_unit = models.ForeignKey(SessionUnit, on_delete=models.PROTECT, related_name="ballots")
    rater_group = models.CharField(max_length=64)
    sheet = models.CharField(max_length=64)  # per-session HMAC of the token (a pseudonymous sheet id)
    grade = models.CharField(max_length=32)
    receipt_hash = models.CharField(max_length=64)
    is_test = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_unit", "sheet"], name="unique_ballot_per_token_and_unit"),
        ]
        indexes = [models.Index(fields=["session", "sheet"])]
