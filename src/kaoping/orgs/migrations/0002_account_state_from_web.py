# LoginFailure and AccountState move from the web app to orgs (layers, docs/architecture.md):
# Django's state only. The tables keep their names, so no row is copied and nothing is locked.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("web", "0001_login_throttle_and_account_state"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccountState",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "must_change_password",
                            models.BooleanField(default=False, verbose_name="下次登录时必须修改密码"),
                        ),
                        (
                            "password_changed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="密码修改时间"),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="account_state",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "web_accountstate"},
                ),
                migrations.CreateModel(
                    name="LoginFailure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "scope",
                            models.CharField(choices=[("username", "用户名"), ("address", "地址")], max_length=16),
                        ),
                        ("key", models.CharField(max_length=64)),
                        ("attempt", models.CharField(db_index=True, max_length=32)),
                        ("at", models.DateTimeField()),
                    ],
                    options={
                        "db_table": "web_loginfailure",
                        "indexes": [
                            models.Index(fields=["scope", "key", "at"], name="login_failure_lookup"),
                            models.Index(fields=["at"], name="login_failure_age"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
