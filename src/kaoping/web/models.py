"""Account security state that Django's user model has no place for.

``LoginFailure`` rows are the login throttle's memory (kaoping.web.throttle); ``AccountState`` says
whether a user must choose a new password at the next sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One password check that did not succeed (or is under way), counted for one key.

    ``key`` is a keyed hash of the typed user name or of the client's address: the table never holds
    either in clear (people type their password into the user-name field)."""

    class Scope(models.TextChoices):
        USERNAME = "username", _("用户名")
        ADDRESS = "address", _("地址")

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=64)
    # the request's random id, so a success can take its rows back
    attempt = models.CharField(max_length=32, db_index=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["scope", "key", "at"], name="login_failure_lookup"),
            models.Index(fields=["at"], name="login_failure_age"),
        ]


class AccountState(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state")
    must_change_password = models.BooleanField(_("下次登录时必须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
