"""问题清单 → 整改 → 销号: problems found in a campaign, followed until a reviewer closes them.

A problem belongs to a campaign and to the organization of the unit it was found at, so an open one
can be carried into the next year's campaign (``carried_from``). It keeps where it came from (a
review's deduction, a spot check, an inspection visit, an accepted objection, the unit's own
self-assessment or a manual entry), the indicator and the points lost where there were any, who
answers for it, the measures and a deadline; the unit reports progress with evidence, a reviewer
re-checks and closes (销号) or reopens it (重新整改) with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.orgs.models import Organization

DEFAULT_DAYS = 30  # practice: rectify within 30 days of the conclusion


class Source(models.TextChoices):
    REVIEW = "review", _("审核扣分")
    SPOT_CHECK = "spot_check", _("实地抽查")
    INSPECTION = "inspection", _("督查检查")
    OBJECTION = "objection", _("异议成立")
    SELF_ASSESSMENT = "self_assessment", _("单位自查")
    MANUAL = "manual", _("其他")


class ProblemState(models.TextChoices):
    OPEN = "open", _("整改中")
    REPORTED = "reported", _("待复查")
    CLOSED = "closed", _("已销号")


class RectificationSettings(models.Model):
    """Per campaign: the conclusion date and how many days after it problems are due."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="rectification_settings")
    concluded_on = models.DateField(_("考核结论日期"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("整改期限(天)"), default=DEFAULT_DAYS)

    class Meta:
        verbose_name = _("整改设置")
        verbose_name_plural = _("整改设置")


class Problem(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="problems")
    unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="problems")
    # the unit's organization: what a later campaign carries a problem over by
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="problems")
    number = models.PositiveIntegerField(_("编号"))  # the unit's first, second … problem in the campaign
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    source_note = models.CharField(_("来源说明"), max_length=300, blank=True)
    item_id = models.CharField(_("指标"), max_length=64, blank=True)
    item_name = models.CharField(_("指标名称"), max_length=300, blank=True)
    points_lost = models.DecimalField(_("扣分"), max_digits=12, decimal_places=4, null=True, blank=True)
    description = models.TextField(_("问题描述"))
    responsible_unit = models.CharField(_("责任科室"), max_length=200, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=100, blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    deadline = models.DateField(_("整改期限"))
    state = models.CharField(_("状态"), max_length=16, choices=ProblemState.choices, default=ProblemState.OPEN)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to", verbose_name=_("延续自")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"))
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["unit", "number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="unique_problem_number")]
        indexes = [models.Index(fields=["campaign", "state"]), models.Index(fields=["organization", "campaign"])]

    def __str__(self) -> str:
        return f"{self.unit} 问题{self.number}"

    @property
    def closed(self) -> bool:
        return self.state == ProblemState.CLOSED


class Progress(models.Model):
    """A progress report by the unit's reporter, optionally with one evidence file; ``done`` asks for the re-check."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("整改进展"))
    done = models.BooleanField(_("申请复查"), default=False)
    evidence_name = models.CharField(_("佐证材料"), max_length=255, blank=True)
    evidence_stored = models.CharField(max_length=64, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["problem", "reported_at", "pk"]


class Recheck(models.Model):
    """A reviewer's re-check (复查): closed (销号) or reopened (重新整改), with the written opinion."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="rechecks")
    closed = models.BooleanField(_("销号"))
    opinion = models.TextField(_("复查意见"))
    new_deadline = models.DateField(_("新的整改期限"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(_("复查时间"))

    class Meta:
        verbose_name = _("整改复查")
        verbose_name_plural = _("整改复查")
        ordering = ["problem", "checked_at", "pk"]
