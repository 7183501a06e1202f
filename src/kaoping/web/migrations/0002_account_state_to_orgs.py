# LoginFailure and AccountState now belong to orgs (orgs 0002): Django's state only, the tables stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0001_login_throttle_and_account_state"),
        ("orgs", "0002_account_state_from_web"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AccountState"),
                migrations.DeleteModel(name="LoginFailure"),
            ],
            database_operations=[],
        ),
    ]
