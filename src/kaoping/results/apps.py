from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "kaoping.results"
    label = "results"

    def ready(self) -> None:
        # Parsing a stored scheme version needs kaoping.formats (and jsonschema). Imported lazily,
        # their ≈0.1–0.4 s landed on the first page of each worker that opened a scheme (the
        # self-assessment overview, 336–567 ms cold); at start-up it is paid before any request.
        from django.db.models.signals import post_save

        import kaoping.formats.scheme_file  # noqa: F401
        from kaoping.audit.models import AuditEvent

        post_save.connect(_campaign_changed, sender=AuditEvent, dispatch_uid="kaoping-results-recompute")


def _campaign_changed(sender: object, instance: object, created: bool, **kwargs: object) -> None:
    """Every change to a campaign's data leaves an audit event on its chain, and a live rating's
    closes one on its session's chain: recompute after it."""
    if not created:
        return
    from kaoping.results.services import request_after_commit

    chain = getattr(instance, "chain", "")
    if chain.startswith("campaign:"):
        campaign = int(chain.partition(":")[2])
        request_after_commit(campaign)
        if getattr(instance, "object_type", "") in _READ_BY_NEXT_YEAR:
            from kaoping.campaigns.models import Campaign

            for following in Campaign.objects.filter(previous_id=campaign).values_list("pk", flat=True):
                request_after_commit(following)
    else:
        # A live rating's unit closing moves the ballots the standings count (on the session's own
        # chain): recompute now rather than when someone next opens the standings.
        from kaoping.ratings.selectors import campaign_of_counted_ballots_event

        rated = campaign_of_counted_ballots_event(chain, getattr(instance, "action", ""))
        if rated is not None:
            request_after_commit(rated)


# Records of a campaign that the rules of the next year's campaign read (``engine.sources``).
_READ_BY_NEXT_YEAR = frozenset({"problem"})
