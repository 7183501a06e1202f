"""Live-rating load and fault harness: the real server (gunicorn) against a real database.

It seeds a live session, starts gunicorn with several workers, drives simulated raters over HTTP
(token exchange, phone page, ballots with idempotency keys), re-sends 10 % of acknowledged
requests, times out 2 % of first attempts and retries them with the same key, SIGKILLs workers
mid-run, and finally compares the database with what every client meant and was told.

Used by benchmarks/bench_rating.py (full size) and tests/ratings/test_load.py (CI size).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GRADES = ("好", "良好", "较好", "一般", "差")
_CSRF_RE = re.compile(r'"csrf": "([^"]+)"')
APPS = {"kaoping": "kaoping.config.wsgi:application", "baseline": "benchmarks.rating_load.baseline_app:application"}
UNSAFE_APP = "benchmarks.rating_load.unsafe_control:application"


@dataclass
class Config:
    db: str = "sqlite"  # sqlite | postgres
    raters: int = 500
    units: int = 30
    workers: int = 5  # as kaoping.config.gunicorn on 2 cores (2 × cores + 1)
    threads: int = 1
    worker_class: str = "sync"
    mode: str = "stress"  # stress | meeting | race
    window: float = 2.0  # meeting: each unit's ballots spread over this many seconds
    resend: float = 0.10
    timeouts: float = 0.02
    kills: int = 0
    restart: bool = False  # SIGKILL the master and every worker half-way, then start gunicorn again
    unsafe: bool = False  # negative control: no unique constraints, check-then-insert
    app: str = "kaoping"  # kaoping | baseline (the bare write path of research §7, baseline_app.py)
    connections: int = 200
    seed: int = 20261122
    postgres_url: str = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    connection_errors: int = 0
    client_timeouts: int = 0
    server_errors: int = 0
    resends: int = 0
    resend_mismatch: int = 0
    requests: int = 0
    kills: int = 0
    restart_s: float | None = None  # from killing everything to serving again

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Server:
    def __init__(self, config: Config, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.port = _free_port()
        self.env = dict(os.environ)
        self.env.update(
            PYTHONPATH=os.pathsep.join((str(ROOT / "src"), str(ROOT))),
            DJANGO_SETTINGS_MODULE="kaoping.config.settings",
            KAOPING_VAR_DIR=str(workdir),
            KAOPING_DEBUG="0",
            KAOPING_ALLOWED_HOSTS="127.0.0.1,localhost",
            KAOPING_RATER_TOKEN_KEY="bench-rater-token-key-" + uuid.uuid4().hex + uuid.uuid4().hex,
            KAOPING_SECRET_KEY="bench-secret-key-" + uuid.uuid4().hex + uuid.uuid4().hex,
            KAOPING_SSL_REDIRECT="0",  # plain HTTP on 127.0.0.1, no nginx in front
            KAOPING_CONN_MAX_AGE="60",
            KAOPING_LOG_LEVEL="ERROR",
        )
        self.env.pop("DATABASE_URL", None)
        (workdir / "staticfiles").mkdir(exist_ok=True)
        self.pg_name: str | None = None
        if config.db == "postgres":
            self.pg_name = f"kaoping_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = config.postgres_url.rsplit("/", 1)[0] + "/" + self.pg_name
        self.process: subprocess.Popen[bytes] | None = None

    def _pg(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.config.postgres_url, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-3000:])
        return result.stdout

    def dbtool(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, str(Path(__file__).with_name("dbtool.py")), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-3000:])
        return result.stdout

    def start(self) -> None:
        gunicorn = str(Path(PYTHON).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [
                gunicorn,
                "-c",
                "python:kaoping.config.gunicorn",  # the production settings, overridden only where the run says
                # the negative control serves the same application with check-then-insert ballots
                UNSAFE_APP if self.config.unsafe else APPS[self.config.app],
                "--workers",
                str(self.config.workers),
                "--worker-class",
                self.config.worker_class,
                "--threads",
                str(self.config.threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "2",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "gunicorn.log", "wb"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + (self.workdir / "gunicorn.log").read_text()[-2000:])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill_a_worker(self) -> bool:
        workers = self.workers()
        if not workers:
            return False
        os.kill(random.choice(workers), signal.SIGKILL)
        return True

    def kill_everything(self) -> None:
        """A crash of the whole server: SIGKILL the master and its workers, nothing graceful."""
        assert self.process is not None
        workers = self.workers()
        self.process.kill()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def drop(self) -> None:
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


@dataclass
class Reply:
    status: int
    body: dict[str, Any]


# What a phone sees when the network or the server drops it; the rater retries with the same key.
_DROPPED = (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, ConnectionError)


class Raters:
    """Simulated phones: each keeps its cookie, CSRF token, intents and acknowledged receipts.

    The client is aiohttp: it shares the server's 2 cores, and at ~0.3 ms of CPU per request it
    leaves them to the server (httpx took ~3 ms, as much as the ballot itself).
    """

    def __init__(self, config: Config, base: str, tokens: list[str], units: list[int], stats: Stats) -> None:
        self.config = config
        self.base = base
        self.tokens = tokens
        self.units = units
        self.stats = stats
        self.rng = random.Random(config.seed)
        self.headers: dict[str, dict[str, str]] = {}
        self.intents: dict[str, dict[str, str]] = {token: {} for token in tokens}
        self.acknowledged: list[str] = []
        self.client = self._session(config.connections)

    def _session(self, connections: int) -> aiohttp.ClientSession:
        # Cookies are per simulated phone, so they travel in explicit headers, never a shared jar.
        return aiohttp.ClientSession(
            base_url=self.base,
            connector=aiohttp.TCPConnector(limit=connections),
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=30),
        )

    async def login(self, token: str) -> None:
        for _attempt in range(50):
            try:
                async with self.client.get(f"/rating/t/{token}", allow_redirects=False) as exchange:
                    rater_cookie = exchange.cookies["kp_rater"].value
                headers = {"Cookie": f"kp_rater={rater_cookie}"}
                async with self.client.get("/rating/r/", headers=headers) as page:
                    text = await page.text()
                    csrf = page.cookies["csrftoken"].value
                match = _CSRF_RE.search(text)
                if match:
                    self.headers[token] = {
                        "Cookie": f"kp_rater={rater_cookie}; csrftoken={csrf}",
                        "X-CSRFToken": match.group(1),
                        "Content-Type": "application/json",
                    }
                    return
            except (*_DROPPED, TimeoutError, KeyError):
                await asyncio.sleep(0.1)
        raise RuntimeError("rater could not sign in")

    async def login_all(self) -> None:
        gate = asyncio.Semaphore(50)

        async def one(token: str) -> None:
            async with gate:
                await self.login(token)

        await asyncio.gather(*(one(token) for token in self.tokens))

    async def post(self, token: str, body: bytes, key: str, timeout: float) -> Reply:
        headers = dict(self.headers[token])
        headers["Idempotency-Key"] = key
        self.stats.requests += 1
        if timeout < 1:
            # A deliberately cut request gets its own connection: a cancelled request must not
            # leave a half-used connection in the shared pool.
            async with self._session(1) as once:
                return await self._post(once, body, headers, timeout)
        return await self._post(self.client, body, headers, timeout)

    @staticmethod
    async def _post(client: aiohttp.ClientSession, body: bytes, headers: dict[str, str], timeout: float) -> Reply:
        limit = aiohttp.ClientTimeout(total=timeout)
        async with client.post("/rating/r/ballot", data=body, headers=headers, timeout=limit) as response:
            raw = await response.read()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"error": raw[:200].decode(errors="replace")}
        return Reply(response.status, parsed if isinstance(parsed, dict) else {})

    async def cast(self, token: str, unit: int, grade: str | None = None) -> None:
        """One intended ballot, retried with the same key until the server answers."""
        grade = grade or self.rng.choice(GRADES)
        self.intents[token][str(unit)] = grade
        key, receipt = str(uuid.uuid4()), uuid.uuid4().hex
        body = json.dumps({"unit": unit, "grade": grade, "receipt": receipt}).encode()
        timeout = 0.005 if self.rng.random() < self.config.timeouts else 30.0
        for _attempt in range(200):
            started = time.perf_counter()
            try:
                response = await self.post(token, body, key, timeout)
            except TimeoutError:
                self.stats.client_timeouts += 1
                timeout = 30.0
                continue
            except _DROPPED:
                self.stats.connection_errors += 1
                await asyncio.sleep(0.05 + self.rng.random() * 0.2)
                continue
            elapsed = time.perf_counter() - started
            self.stats.count(response.status)
            if response.status >= 500:
                self.stats.server_errors += 1
                await asyncio.sleep(0.1)
                continue
            if response.status in (200, 201):
                self.stats.latencies.append(elapsed)
                self.acknowledged.append(response.body["receipt"])
                break
            raise RuntimeError(f"unexpected {response.status}: {response.body}")
        if self.rng.random() < self.config.resend:
            await self.resend(token, body, key)

    async def resend(self, token: str, body: bytes, key: str) -> None:
        """The phone never saw the answer and sends the same request again: must replay (200)."""
        self.stats.resends += 1
        for _attempt in range(200):
            try:
                response = await self.post(token, body, key, 30.0)
            except (*_DROPPED, TimeoutError):
                self.stats.connection_errors += 1
                await asyncio.sleep(0.1)
                continue
            self.stats.count(response.status)
            if response.status >= 500:
                self.stats.server_errors += 1
                continue
            if response.status != 200:
                self.stats.resend_mismatch += 1
            return

    async def race(self, token: str, unit: int) -> None:
        """Four simultaneous first submissions with different keys (a double-tap storm)."""
        grade = self.rng.choice(GRADES)
        self.intents[token][str(unit)] = grade

        async def one() -> None:
            key, receipt = str(uuid.uuid4()), uuid.uuid4().hex
            body = json.dumps({"unit": unit, "grade": grade, "receipt": receipt}).encode()
            for _attempt in range(50):
                try:
                    response = await self.post(token, body, key, 30.0)
                except (*_DROPPED, TimeoutError):
                    self.stats.connection_errors += 1
                    await asyncio.sleep(0.05)
                    continue
                self.stats.count(response.status)
                if response.status in (200, 201):
                    self.acknowledged.append(receipt)
                return

        await asyncio.gather(*(one() for _ in range(4)))


async def _drive(config: Config, server: Server, seed: dict[str, Any], stats: Stats) -> float:
    raters = Raters(config, server.base, seed["tokens"], seed["units"], stats)
    await raters.login_all()
    stop = asyncio.Event()

    async def killer() -> None:
        # The k-th of n kills lands when k/(n+1) of the ballots are acknowledged, so every kill hits a
        # run in full flight however fast the server is.
        total = len(seed["tokens"]) * len(seed["units"])
        for number in range(1, config.kills + 1):
            while len(raters.acknowledged) < total * number / (config.kills + 1):
                if stop.is_set():
                    return
                await asyncio.sleep(0.02)
            if server.kill_a_worker():
                stats.kills += 1

    async def restarter() -> None:
        total = len(seed["tokens"]) * len(seed["units"])
        while len(raters.acknowledged) < total / 2:
            if stop.is_set():
                return
            await asyncio.sleep(0.02)
        began = time.perf_counter()
        server.kill_everything()
        await asyncio.to_thread(server.start)
        stats.restart_s = round(time.perf_counter() - began, 2)

    kill_task = asyncio.create_task(restarter() if config.restart else killer())
    started = time.perf_counter()
    if config.mode == "stress":

        async def one_rater(token: str) -> None:
            for unit in seed["units"]:
                await raters.cast(token, unit)

        await asyncio.gather(*(one_rater(token) for token in seed["tokens"]))
    elif config.mode == "meeting":
        for unit in seed["units"]:

            async def later(token: str, unit: int = unit) -> None:
                await asyncio.sleep(raters.rng.random() * config.window)
                await raters.cast(token, unit)

            await asyncio.gather(*(later(token) for token in seed["tokens"]))
    else:
        for unit in seed["units"]:
            await asyncio.gather(*(raters.race(token, unit) for token in seed["tokens"]))
    elapsed = time.perf_counter() - started
    stop.set()
    await kill_task
    await raters.client.close()
    (server.workdir / "intents.json").write_text(
        json.dumps({"session": seed["session"], "intents": raters.intents, "acknowledged": raters.acknowledged})
    )
    return elapsed


def run(config: Config) -> dict[str, Any]:
    """Run one scenario end to end and return its figures and integrity verdict."""
    with tempfile.TemporaryDirectory(prefix="kaoping-rating-load-") as tmp:
        workdir = Path(tmp)
        server = Server(config, workdir)
        try:
            server.manage("migrate", "--noinput")
            policy = "final"
            server.dbtool(
                "seed",
                "--raters",
                str(config.raters),
                "--units",
                str(config.units),
                "--policy",
                policy,
                "--out",
                str(workdir / "seed.json"),
            )
            if config.unsafe:
                server.dbtool("drop-constraints")
            seed = json.loads((workdir / "seed.json").read_text())
            server.start()
            stats = Stats()
            try:
                elapsed = asyncio.run(_drive(config, server, seed, stats))
            finally:
                server.stop()
            verdict = json.loads(server.dbtool("check", "--intents", str(workdir / "intents.json")))
            verify: dict[str, Any] = {}
            if config.mode != "race" and not config.unsafe:
                verify = json.loads(server.dbtool("close-verify", "--session", str(seed["session"])))
        finally:
            server.drop()
    ballots = config.raters * config.units
    latencies_ms = [value * 1000 for value in stats.latencies]
    return {
        "config": asdict(config),
        "wall_s": round(elapsed, 2),
        "ballots_per_s": round(ballots / elapsed, 1),
        "requests": stats.requests,
        "p50_ms": round(_percentile(latencies_ms, 0.50), 2),
        "p95_ms": round(_percentile(latencies_ms, 0.95), 2),
        "p99_ms": round(_percentile(latencies_ms, 0.99), 2),
        "max_ms": round(max(latencies_ms, default=0.0), 2),
        "mean_ms": round(statistics.fmean(latencies_ms), 2) if latencies_ms else 0.0,
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "connection_errors": stats.connection_errors,
        "client_timeouts": stats.client_timeouts,
        "server_errors": stats.server_errors,
        "resends": stats.resends,
        "resend_not_replayed": stats.resend_mismatch,
        "worker_kills": stats.kills,
        "restart_s": stats.restart_s,
        **verdict,
        **verify,
    }


def integrity_ok(report: dict[str, Any]) -> bool:
    return (
        report["lost"] == 0
        and report["wrong"] == 0
        and report["duplicate_ballot_pairs"] == 0
        and report["acknowledged_receipts_missing"] == 0
        and report["stored"] == report["expected"]
        and report.get("verify_ok", True)
        and report["storage_ok"]
    )
