"""The load harness's negative control: the production server with check-then-insert ballots.

``harness.py --unsafe`` starts gunicorn with this WSGI application instead of
``kaoping.config.wsgi:application``, on a database whose unique constraints it dropped
(``dbtool.py drop-constraints``). Every ballot then takes the careful path without locking the
rater's earlier ballot: two concurrent submissions both see "no ballot yet" and both insert, which
the race check must catch. Production code has no switch for this; only this module, which no
deployment loads, replaces the submit step.
"""

from __future__ import annotations

from django.db import transaction

from kaoping.config.wsgi import application
from kaoping.ratings import ballots


def _check_then_insert(request: ballots._Request) -> ballots.SubmitResult:
    with transaction.atomic(durable=True):
        return ballots._submit_careful(request, lock_existing=False)


ballots._submit = _check_then_insert

__all__ = ["application"]
