"""SQLite ballot writers take turns on a file lock (a blocked writer wakes when the turn is free)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kaoping.ratings.writer_lock import ballot_writer_turn


def test_a_second_writer_waits_until_the_first_leaves_its_turn() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writers need no turn")
    first_in, first_may_leave, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with ballot_writer_turn():
            order.append("first in")
            first_in.set()
            first_may_leave.wait(5)
            order.append("first out")

    def second() -> None:
        first_in.wait(5)
        with ballot_writer_turn():
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(5)
    threads[1].join(0.3)
    assert threads[1].is_alive()  # blocked while the first holds the turn
    first_may_leave.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first in", "first out", "second in"]
