"""Ballot secrecy against a reader of the database (issue 10 §1): Participation goes, a ballot
carries a per-unit tag and (for sheet rules) a sealed sheet key, credentials and slip lists are
sealed under a per-session key kept outside the database.

Existing data: every still-open session gets a key file; its credentials get fresh sheet keys and
their ballots are tagged through the slip tokens (the old sheet HMAC), so nobody can grade a unit
twice after the upgrade. Closed sessions keep their ballots under new random sheet pseudonyms (the
grouping survives for recounts; the old, key-derivable sheet ids do not) and lose their slip
lists and the raters' units. Raters of an open session scan their slips again after the upgrade.
"""

import hashlib
import hmac
import secrets
import uuid
from collections import defaultdict

from django.conf import settings
from django.db import migrations, models

OPEN = "open"


def _old_sheet(token: str, salt: str) -> str:
    key = str(settings.RATER_TOKEN_KEY).encode()
    session_key = hmac.new(key, b"sheet\x00" + salt.encode(), hashlib.sha256).digest()
    return hmac.new(session_key, token.encode(), hashlib.sha256).hexdigest()


def convert(apps, schema_editor):
    from kaoping.ratings import keys, tokens

    Session = apps.get_model("ratings", "RatingSession")
    Credential = apps.get_model("ratings", "RaterCredential")
    Batch = apps.get_model("ratings", "SlipBatch")
    Ballot = apps.get_model("ratings", "Ballot")
    Superseded = apps.get_model("ratings", "SupersededKey")
    for superseded in Superseded.objects.select_related("participation"):
        superseded.session_unit_id = superseded.participation.session_unit_id
        superseded.is_test = superseded.participation.is_test
        superseded.save(update_fields=["session_unit", "is_test"])
    for ballot in Ballot.objects.filter(idem_key__isnull=True).only("pk"):
        Ballot.objects.filter(pk=ballot.pk).update(idem_key=uuid.uuid4())
    for session in Session.objects.all():
        if session.status == OPEN:
            _convert_open(session, Credential, Batch, Ballot, keys, tokens)
        else:
            _convert_closed(session, Credential, Batch, Ballot)


def _convert_open(session, Credential, Batch, Ballot, keys, tokens):
    keys.session_key_create(session.public_id)
    sealer = keys.Sealer(session.public_id)
    token_of = {}
    for batch in Batch.objects.filter(session=session):
        for entry in batch.entries or []:
            token_of[entry["credential"]] = entry["token"]
        batch.count = len(batch.entries or [])
        batch.sealed_entries = "" if batch.destroyed else sealer.seal_json("slips", batch.entries or [])
        batch.save(update_fields=["count", "sealed_entries"])
    sheet_keys = {}
    for credential in Credential.objects.filter(session=session).order_by("pk"):
        root = credential.replaces_id
        sheet = sheet_keys.get(root) if root else None
        sheet = sheet or secrets.token_hex(32)
        sheet_keys[credential.pk] = sheet
        credential.sealed_secrets = sealer.seal_json("credential", {"sheet": sheet, "own_unit": credential.own_unit_id})
        credential.save(update_fields=["sealed_secrets"])
        if credential.pk in token_of and session.sheet_salt:
            old = _old_sheet(token_of[credential.pk], session.sheet_salt)
            for ballot in Ballot.objects.filter(session=session, sheet=old):
                ballot.tag = tokens.unit_tag(sheet, ballot.session_unit_id)
                ballot.sealed_sheet = sealer.seal("sheet", bytes.fromhex(sheet))
                ballot.save(update_fields=["tag", "sealed_sheet"])
    # As a unit's close leaves them: one random sheet per ballot of a closed unit, none while open.
    for ballot in Ballot.objects.filter(session=session).select_related("session_unit"):
        ballot.sheet = secrets.token_hex(16) if ballot.session_unit.status == "closed" else None
        ballot.save(update_fields=["sheet"])


def _convert_closed(session, Credential, Batch, Ballot):
    Credential.objects.filter(session=session).update(sealed_secrets="")
    for batch in Batch.objects.filter(session=session):
        batch.count = len(batch.entries or [])
        batch.sealed_entries = ""
        batch.destroyed = True
        batch.save(update_fields=["count", "sealed_entries", "destroyed"])
    pseudonyms = defaultdict(lambda: secrets.token_hex(16))
    for ballot in Ballot.objects.filter(session=session).only("pk", "sheet"):
        Ballot.objects.filter(pk=ballot.pk).update(sheet=pseudonyms[ballot.sheet])


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="ballot", name="unique_ballot_per_token_and_unit"),
        migrations.RemoveIndex(model_name="ballot", name="ratings_bal_session_838c39_idx"),
        migrations.AlterField(
            model_name="ballot", name="sheet", field=models.CharField(blank=True, max_length=64, null=True)
        ),
        migrations.AddField(model_name="ballot", name="idem_key", field=models.UUIDField(null=True)),
        migrations.AddField(
            model_name="ballot", name="request_digest", field=models.CharField(default="", max_length=64)
        ),
        migrations.AddField(
            model_name="ballot", name="tag", field=models.CharField(blank=True, max_length=64, null=True)
        ),
        migrations.AddField(
            model_name="ballot", name="sealed_sheet", field=models.CharField(blank=True, max_length=200, null=True)
        ),
        migrations.AddField(
            model_name="ratercredential",
            name="sealed_secrets",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.AddField(model_name="slipbatch", name="count", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(
            model_name="slipbatch", name="sealed_entries", field=models.TextField(blank=True, default="")
        ),
        migrations.AddField(model_name="supersededkey", name="is_test", field=models.BooleanField(default=False)),
        migrations.AddField(
            model_name="supersededkey",
            name="session_unit",
            field=models.ForeignKey(
                null=True, on_delete=models.deletion.CASCADE, related_name="+", to="ratings.sessionunit"
            ),
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
        migrations.RemoveField(model_name="supersededkey", name="participation"),
        migrations.RemoveConstraint(model_name="participation", name="unique_participation_per_unit"),
        migrations.DeleteModel(name="Participation"),
        migrations.RemoveField(model_name="ratercredential", name="own_unit"),
        migrations.RemoveField(model_name="ratingsession", name="sheet_salt"),
        migrations.RemoveField(model_name="slipbatch", name="entries"),
        migrations.AlterField(model_name="ballot", name="idem_key", field=models.UUIDField(unique=True)),
        migrations.AlterField(model_name="ballot", name="request_digest", field=models.CharField(max_length=64)),
        migrations.AlterField(
            model_name="ratercredential", name="sealed_secrets", field=models.CharField(blank=True, max_length=300)
        ),
        migrations.AlterField(model_name="slipbatch", name="sealed_entries", field=models.TextField(blank=True)),
        migrations.AlterField(
            model_name="supersededkey",
            name="session_unit",
            field=models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="+", to="ratings.sessionunit"),
        ),
        migrations.AddIndex(
            model_name="ballot",
            index=models.Index(fields=["session", "is_test"], name="ratings_bal_session_b0fcac_idx"),
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(fields=("session_unit", "tag"), name="unique_ballot_per_sheet_and_unit"),
        ),
    ]
