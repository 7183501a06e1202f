"""T-A7 / T-G5: refused rater codes are rate-limited per client IP and per code prefix.

The slip URL (GET /rating/t/<token>) and the code typed on the room page (POST /rating/join/…)
count refused codes; over a ceiling the client gets a Chinese 429 page, nothing is stored and the
code is never logged. Valid codes never count, and another client is never affected.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from tests.ratings.conftest import issue

from kaoping.ratings import ratelimit
from kaoping.ratings.models import Ballot, RaterCredential

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
VENUE = "198.51.100.20"


class Clock:
    def __init__(self, now: float = 1_000_040.0) -> None:  # 20 s into a one-minute window
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The views' limiter on a fake clock and an empty cache."""
    fake = Clock()
    monkeypatch.setattr(ratelimit.LIMITER, "clock", fake)
    cache.clear()
    yield fake
    cache.clear()


def random_code() -> str:
    return secrets.token_urlsafe(18)


def get_token(code: str, ip: str) -> Any:
    return Client(REMOTE_ADDR=ip).get(f"/rating/t/{code}")


def test_the_ceilings_leave_a_venue_nat_far_from_blocked() -> None:
    assert ratelimit.MAX_INVALID_PER_IP >= 5000
    assert ratelimit.MAX_INVALID_PER_PREFIX < ratelimit.MAX_INVALID_PER_IP
    assert ratelimit.WINDOW_SECONDS == 60


def test_an_ip_over_the_ceiling_gets_a_chinese_429_page_and_another_ip_still_signs_in(
    session: Any, clock: Clock, caplog: Any
) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    for _attempt in range(ratelimit.MAX_INVALID_PER_IP - 1):
        ratelimit.LIMITER.record_failure(ATTACKER, random_code())
    last = get_token(random_code(), ATTACKER)  # the ceiling-th refused code: still a plain 404
    assert last.status_code == 404
    guess = random_code()
    with caplog.at_level(logging.DEBUG):
        response = get_token(guess, ATTACKER)
    assert response.status_code == 429
    page = response.content.decode()
    assert "评分码错误次数过多" in page and "请稍候" in page
    assert response["Retry-After"] == "60"
    assert response["Referrer-Policy"] == "no-referrer"
    assert guess not in caplog.text
    assert "kp_rater" not in response.cookies
    # Over the limit even a correct code is refused (otherwise the limit would not limit guessing) …
    assert get_token(token, ATTACKER).status_code == 429
    # … but any other client is not affected, and the valid code signs in there.
    signed_in = get_token(token, VENUE)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/rating/r/"


def test_the_window_slides_and_the_limit_ends_once_the_attempts_have_aged(session: Any, clock: Clock) -> None:
    limiter = ratelimit.LIMITER
    for _attempt in range(limiter.per_ip):
        limiter.record_failure(ATTACKER, random_code())
    assert get_token(random_code(), ATTACKER).status_code == 429
    clock.now += 40  # the next window starts: a fixed window would reset here, the sliding one does not
    assert get_token(random_code(), ATTACKER).status_code == 429
    clock.now += 30  # half-way: the previous minute weighs 1/2, 3,000 < ceiling
    assert get_token(random_code(), ATTACKER).status_code == 404
    clock.now += 2 * limiter.window
    assert not limiter.blocked(ATTACKER, random_code())


def test_the_prefix_ceiling_is_reached_from_many_ips_and_spares_other_prefixes_and_the_true_code(
    session: Any, clock: Clock
) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    prefix = token[: ratelimit.PREFIX_LENGTH]
    for number in range(ratelimit.MAX_INVALID_PER_PREFIX):
        response = get_token(prefix + random_code()[4:], f"10.0.{number // 250}.{number % 250}")
        assert response.status_code == 404
    # A wrong guess with that prefix from a fresh IP is now answered 429 …
    assert get_token(prefix + random_code()[4:], "10.9.9.9").status_code == 429
    # … codes with other prefixes are answered normally …
    other = ("B" if prefix[0] != "B" else "C") + random_code()[1:]
    assert get_token(other, "10.9.9.9").status_code == 404
    # … and the rater whose slip starts that way still signs in: no lock-out by a known prefix.
    assert get_token(token, "10.9.9.10").status_code == 302


def test_valid_codes_never_count_towards_the_limit(session: Any, clock: Clock, monkeypatch: Any) -> None:
    monkeypatch.setattr(ratelimit.LIMITER, "per_ip", 3)
    raters = issue(session, [(f"评委{i}", "heads", None) for i in range(10)])
    for _credential, token in raters:
        assert get_token(token, VENUE).status_code == 302
    assert not ratelimit.LIMITER.blocked(VENUE, random_code())


def test_500_raters_behind_one_nat_with_3_wrong_codes_each_are_never_blocked(session: Any, clock: Clock) -> None:
    """Research T-G5 (venue): 1,500 refused codes from one IP, then every rater signs in."""
    raters = issue(session, [(f"评委{i}", ["leaders", "heads", "units"][i % 3], None) for i in range(500)])
    client = Client(REMOTE_ADDR=VENUE)
    for _rater in raters:
        for _typo in range(3):
            assert client.get(f"/rating/t/{random_code()}").status_code == 404
    for _credential, token in raters:
        assert Client(REMOTE_ADDR=VENUE).get(f"/rating/t/{token}").status_code == 302


def test_the_room_page_code_is_limited_too_and_stores_nothing(session: Any, clock: Clock, caplog: Any) -> None:
    ceiling = ratelimit.LIMITER.per_ip
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    url = f"/rating/join/{session.public_id}/"
    client = Client(REMOTE_ADDR=ATTACKER)
    for _attempt in range(ceiling - 1):
        ratelimit.LIMITER.record_failure(ATTACKER, random_code())
    assert client.post(url, {"code": random_code()}).status_code == 404
    guess = random_code()
    with caplog.at_level(logging.DEBUG):
        response = client.post(url, {"code": guess})
    assert response.status_code == 429
    assert "评分码错误次数过多" in response.content.decode()
    assert guess not in caplog.text
    assert client.post(url, {"code": token}).status_code == 429
    assert "kp_rater" not in client.cookies
    assert Ballot.objects.count() == 0
    assert Client(REMOTE_ADDR=VENUE).post(url, {"code": token}).status_code == 302


def test_a_code_of_another_session_counts_as_refused_on_the_room_page(
    make_session: Any, clock: Clock, monkeypatch: Any
) -> None:
    monkeypatch.setattr(ratelimit.LIMITER, "per_ip", 2)
    here, elsewhere = make_session(name="甲"), make_session(name="乙")
    ((_credential, foreign),) = issue(elsewhere, [("李处长", "heads", None)])
    client = Client(REMOTE_ADDR=ATTACKER)
    url = f"/rating/join/{here.public_id}/"
    assert client.post(url, {"code": foreign}).status_code == 404
    assert client.post(url, {"code": foreign}).status_code == 404
    assert client.post(url, {"code": foreign}).status_code == 429


def test_revoked_codes_are_answered_403_and_not_counted(session: Any, clock: Clock, monkeypatch: Any) -> None:
    from kaoping.ratings import services

    monkeypatch.setattr(ratelimit.LIMITER, "per_ip", 1)
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    services.credential_reissue(credential=credential)
    assert get_token(token, ATTACKER).status_code == 403
    assert get_token(token, ATTACKER).status_code == 403
    assert RaterCredential.objects.filter(session=session).count() == 2


def test_counters_hold_no_address_or_code_in_clear(clock: Clock) -> None:
    code = "Zqxy" + random_code()[4:]
    ratelimit.LIMITER.record_failure(ATTACKER, code)
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # LocMemCache's store
    assert len(keys) == 2
    assert not any(ATTACKER in key or "Zqxy" in key for key in keys)


def test_a_broken_cache_lets_attempts_through(monkeypatch: Any) -> None:
    class Broken:
        def get_many(self, keys: Any) -> Any:
            raise ConnectionError("cache down")

        def add(self, *args: Any) -> Any:
            raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "caches", {"default": Broken()})
    limiter = ratelimit.AttemptLimiter(per_ip=0)
    limiter.record_failure(ATTACKER, random_code())
    assert not limiter.blocked(ATTACKER, random_code())
