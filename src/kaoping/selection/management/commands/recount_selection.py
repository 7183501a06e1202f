"""manage.py recount_selection <campaign id> <number>: recount a closed 评选 vote from its anonymous
ballots (approval counts, or the weighted scores of a graded vote through the engine) and compare
with the tally stored when the vote closed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaoping.selection.models import Method, Selection
from kaoping.selection.services import recount


def _shown(score: Decimal | None) -> str:
    return "缺" if score is None else f"{score:f}"


class Command(BaseCommand):
    help = "重新计票:从匿名选票重新统计评选得票,并与投票结束时保存的计票结果比对"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("number", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        selection = Selection.objects.filter(campaign_id=options["campaign_id"], number=options["number"]).first()
        if selection is None:
            raise CommandError("没有这项评选")
        check = recount(selection)
        names = dict(selection.nominations.values_list("number", "nominee_name"))
        if selection.method == Method.GRADED:
            ordered = sorted(check.scores.items(), key=lambda item: (item[1] is None, -(item[1] or 0), item[0]))
            for number, score in ordered:
                stored = check.stored_scores.get(number)
                self.stdout.write(
                    f"{names.get(number, number)}:重新计分 {_shown(score)} 分,保存的结果 {_shown(stored)} 分"
                )
        for number, votes in sorted(check.counts.items(), key=lambda item: (-item[1], item[0])):
            stored_votes = check.stored.get(number)
            self.stdout.write(f"{names.get(number, number)}:重新计票 {votes} 票,保存的结果 {stored_votes} 票")
        if not check.ok:
            raise CommandError(check.message)
        self.stdout.write(check.message)
