"""A long piece of background work as its users see it: what it is, how far it got, how it ended.

The work itself runs as a django.tasks task in a worker process (``manage.py db_worker``); this
row is what any web process on any host reads to draw a progress bar, show a Chinese error, and
offer a retry. ``key`` names the thing the work is about (``standings:<campaign pk>``) so that at
most one job per key is queued or running.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    key = models.CharField(_("任务对象"), max_length=100, db_index=True)
    title = models.CharField(_("任务"), max_length=200)
    task_path = models.CharField(_("任务函数"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    # Another request arrived while the job ran: it runs once more when this pass ends (debounce).
    again = models.BooleanField(default=False)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    step = models.CharField(_("当前步骤"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    outcome = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近活动"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("执行次数"), default=0)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["key", "-id"])]

    def __str__(self) -> str:
        return self.title

    @property
    def active(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
