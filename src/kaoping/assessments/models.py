"""What units, departments and reviewers record about each item of a campaign.

Rows are keyed by (campaign unit, item id); item ids come from the campaign's scheme. Edits that
span requests carry a ``version`` for optimistic locking. Nothing is deleted: superseded values
live in the audit trail (every change is recorded with its old value), evidence files are
withdrawn rather than removed, and recusals are revoked rather than dropped.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.orgs.models import Department


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回修改")
    RESUBMITTED = "resubmitted", _("已重新提交")
    LOCKED = "locked", _("已锁定")


EDITABLE_STATUSES = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED})
SUBMITTED_STATUSES = frozenset({SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED, SubmissionStatus.LOCKED})


class Submission(models.Model):
    """A unit's self-assessment as a whole: draft → submitted → returned → resubmitted → locked."""

    unit = models.OneToOneField(CampaignUnit, on_delete=models.PROTECT, related_name="submission")
    status = models.CharField(
        _("状态"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("自评提交")


class EvidenceFile(models.Model):
    """An uploaded 佐证材料 of a unit. Stored under MEDIA_ROOT with a server-generated name."""

    unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="evidence_files")
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=16)  # pdf, jpg, png, docx, … as detected from the content
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn = models.BooleanField(default=False)  # superseded by the unit; kept for the record

    class Meta:
        verbose_name = _("佐证材料")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class SelfAssessment(models.Model):
    """A unit's own entry for one item: self score, 得失分说明, data figures, not-applicable claim."""

    unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="self_assessments")
    item_id = models.CharField(max_length=64)
    self_score = models.DecimalField(_("自评分"), null=True, blank=True, max_digits=12, decimal_places=4)
    note = models.TextField(_("得失分说明"), blank=True)
    figures: models.JSONField[Any] = models.JSONField(default=dict, blank=True)  # {name: "80.84"} Decimal strings
    not_applicable = models.BooleanField(_("不适用"), default=False)
    level = models.CharField(_("达成等级"), max_length=32, blank=True)  # A/B/C for attainment/stepped rules
    triggered = models.BooleanField(_("是否发生"), null=True, blank=True)  # veto/downgrade/not-excellent items
    evidence = models.ManyToManyField(EvidenceFile, blank=True, related_name="entries")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("自评")
        constraints = [models.UniqueConstraint(fields=["unit", "item_id"], name="unique_self_assessment")]


class DepartmentScore(models.Model):
    """A department's score for its share of one item of one unit."""

    unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="department_scores")
    item_id = models.CharField(max_length=64)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="scores")
    # the department's name in the scheme this score is for (the bureau's department may be named
    # otherwise: see DepartmentMapping); results read the share by this name
    scheme_department = models.CharField(_("方案中的处室"), max_length=200, blank=True, default="")
    score = models.DecimalField(_("处室评分"), null=True, blank=True, max_digits=12, decimal_places=4)
    note = models.TextField(_("评分说明"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("处室评分")
        constraints = [
            models.UniqueConstraint(fields=["unit", "item_id", "department"], name="unique_department_score"),
        ]
        # Scoring progress (assessments.progress) counts scores per department and item from this
        # index alone: 200,000 scores in ≈0.1 s instead of a table scan with a temporary sort.
        indexes = [models.Index(fields=["department", "item_id", "score", "unit"], name="department_score_progress")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.scheme_department and self.department_id is not None:
            self.scheme_department = self.department.name  # a same-named department (the default mapping)
        super().save(*args, **kwargs)


class DepartmentMapping(models.Model):
    """Which of the bureau's departments scores a department named in the campaign's scheme.

    A scheme department without a row is matched to the bureau's department of the same name, if
    any; ``department`` None records that the organizer left it unmatched on purpose.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="department_mappings")
    scheme_name = models.CharField(_("方案中的处室"), max_length=200)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="scheme_mappings"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("处室对应")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "scheme_name"], name="unique_department_mapping"),
        ]


class ReviewScore(models.Model):
    """The reviewer's (督学) confirmed score (核定分) for one item of one unit."""

    unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="review_scores")
    item_id = models.CharField(max_length=64)
    confirmed_score = models.DecimalField(_("核定分"), null=True, blank=True, max_digits=12, decimal_places=4)
    reason = models.TextField(_("调整理由"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("复核确认")
        constraints = [models.UniqueConstraint(fields=["unit", "item_id"], name="unique_review_score")]


class SpotCheck(models.Model):
    """An on-site spot check (实地抽查) of a sampled unit."""

    unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="spot_checks")
    checked_on = models.DateField(_("抽查日期"))
    inspectors = models.CharField(_("抽查人员"), max_length=300)
    item_ids: models.JSONField[Any] = models.JSONField(_("抽查指标"), default=list, blank=True)
    findings = models.TextField(_("抽查发现"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("实地抽查")
        ordering = ["-checked_on", "-recorded_at"]


class Recusal(models.Model):
    """A user with a conflict of interest (回避) for a unit may neither score nor review it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="recusals")
    unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recusals")
    reason = models.CharField(_("回避原因"), max_length=300)
    active = models.BooleanField(default=True)  # revoked, never deleted
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避")
        indexes = [models.Index(fields=["campaign", "user", "active"])]
