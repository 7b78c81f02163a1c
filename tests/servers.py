"""Real servers on 127.0.0.1 for the tests: redis-server, PostgreSQL, SMTP, HTTP receivers.

No mocks: each helper starts the real thing on a free loopback port and stops it after.
"""

from __future__ import annotations

import contextlib
import email
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def wait_for(predicate: Callable[[], Any], timeout: float = 60.0, interval: float = 0.2,
             what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


# ----------------------------------------------------------------------------- redis


@dataclass
class RedisServer:
    port: int
    workdir: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--dir", str(self.workdir), "--maxmemory-policy", "noeviction", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


# ----------------------------------------------------------------------------- PostgreSQL


@dataclass
class PgCluster:
    """A dedicated throwaway PostgreSQL cluster (initdb + pg_ctl) that a test may stop and restart.

    Never restart the shared one on 55432 (scripts/test-services.sh): other tests use it.
    """

    port: int
    datadir: Path

    @staticmethod
    def bindir() -> Path:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent.parent.name)
        if not found:
            raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
        return found[-1].parent

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/remon"

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.datadir.mkdir(parents=True)
        if os.getuid() == 0:
            shutil.chown(self.datadir, "postgres")
        self._run(str(self.bindir() / "initdb"), "-D", str(self.datadir), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8")
        self.start()
        self._run(str(self.bindir() / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "remon")

    def start(self) -> None:
        self._run(str(self.bindir() / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.datadir / "server.log"),
                  "-w", "-o", f"-h 127.0.0.1 -p {self.port} -k {self.datadir} -c fsync=off", "start")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(self.bindir() / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop")


@contextlib.contextmanager
def pg_cluster(workdir: Path) -> Iterator[PgCluster]:
    """A dedicated cluster in a fresh directory under /tmp (the postgres user must reach it)."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="remon-pg-", dir="/tmp"))
    base.chmod(0o755)
    cluster = PgCluster(port=free_port(), datadir=base / "data")
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


# ----------------------------------------------------------------------------- SMTP


@dataclass
class SmtpServer:
    """aiosmtpd on 127.0.0.1 accepting any login; messages land in ``messages``."""

    port: int
    messages: list[email.message.Message] = field(default_factory=list)
    controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                outer.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
                return "250 OK"

        def authenticator(*_: Any) -> AuthResult:
            return AuthResult(success=True)

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     authenticator=authenticator, auth_require_tls=False)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def url(self, user: str = "remon", password: str = "s3cretSMTPpass") -> str:
        return (f"mailto://{user}:{password}@127.0.0.1:{self.port}?from=remon@example.org"
                f"&to=analyst@example.org&mode=insecure")

    def bodies(self) -> list[str]:
        out = []
        for msg in self.messages:
            parts = [p for p in msg.walk() if not p.is_multipart()]
            text = "\n".join((p.get_payload(decode=True) or b"").decode(p.get_content_charset() or "utf-8",
                                                                       "replace") for p in parts)
            out.append(str(msg.get("Subject", "")) + "\n" + text)
        return out


# ----------------------------------------------------------------------------- HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-answer (a fetch cut by its size limit, a killed worker) is expected
        in these tests; anything else is still printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class JsonReceiver:
    """An HTTP endpoint for apprise ``json://``; ``status`` decides what it answers."""

    port: int
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)
    server: _Server | None = None
    delay: float = 0.0  # seconds between reading a request and answering it (a send stays in flight)

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                if outer.status < 300:
                    with contextlib.suppress(ValueError):
                        outer.received.append(json.loads(body))
                if outer.delay:
                    time.sleep(outer.delay)
                self.send_response(outer.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def url(self, secret: str = "recv-token-123") -> str:
        return f"json://127.0.0.1:{self.port}/hook/{secret}"


@dataclass
class Site:
    """A tiny web site on 127.0.0.1: ``pages[path] = (content_type, bytes)``, editable live."""

    port: int
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    server: _Server | None = None
    delay: float = 0.0  # each answer waits a random 0..delay seconds (slow pages)
    slow: dict[str, float] = field(default_factory=dict)  # path prefix -> seconds every answer there takes
    in_flight: dict[str, int] = field(default_factory=dict)  # path -> requests being answered now

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def busy(self, prefix: str) -> list[str]:
        """Paths under ``prefix`` whose answer is on its way now (a fetch in flight)."""
        return [p for p, n in list(self.in_flight.items()) if n > 0 and p.startswith(prefix)]

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                outer.in_flight[self.path] = outer.in_flight.get(self.path, 0) + 1
                try:
                    self._answer()
                finally:
                    outer.in_flight[self.path] -= 1

            def _answer(self) -> None:
                if outer.delay:
                    time.sleep(random.uniform(0, outer.delay))
                for prefix, seconds in outer.slow.items():
                    if self.path.startswith(prefix):
                        time.sleep(seconds)
                page = outer.pages.get(self.path)
                if page is None:
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                ctype, body = page
                self.send_response(200)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def rss(items: list[dict[str, str]], title: str = "Test feed") -> bytes:
    """An RSS 2.0 document; items: title, link, published (RFC 822 or ISO), description."""
    from datetime import datetime
    from email.utils import format_datetime
    from xml.sax.saxutils import escape

    parts = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{escape(title)}</title>"
             "<link>http://127.0.0.1/</link><description>test</description>"]
    for it in items:
        pub = it.get("published")
        if pub and "T" in pub:
            pub = format_datetime(datetime.fromisoformat(pub.replace("Z", "+00:00")))
        parts.append(f"<item><title>{escape(it.get('title', ''))}</title><link>{escape(it['link'])}</link>"
                     f"<guid>{escape(it['link'])}</guid>"
                     + (f"<pubDate>{pub}</pubDate>" if pub else "")
                     + f"<description>{escape(it.get('description', ''))}</description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


# ----------------------------------------------------------------------------- processes


def remon_env(tmp: Path, **extra: str) -> dict[str, str]:
    """Environment for a remon subprocess: its own data dir, private networks allowed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMON_")}
    env.update({"REMON_DATA_DIR": str(tmp / "data"), "REMON_ALLOW_PRIVATE_NETWORKS": "true",
                "REMON_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1",
                # the confidence gate is off unless a test is about it (tests/test_replays.py,
                # tests/test_gate_workers.py set it): the pipeline tests assert every alert
                "REMON_ALERT_MIN_CONFIDENCE": "0"})
    env.update(extra)
    return env


def remon_cmd(*args: str) -> list[str]:
    exe = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "remon"
    if not exe.exists():
        exe = Path(shutil.which("remon") or "remon")
    return [str(exe), *args]


def run_remon(env: dict[str, str], *args: str, timeout: float = 300, check: bool = True,
              stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(remon_cmd(*args), env=env, cwd=REPO, capture_output=True, timeout=timeout,
                          input=stdin.decode() if stdin is not None else None, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"remon {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


STACKS = ("embedded", "redis-postgres")  # the two stacks a worker test runs on (ids for parametrize)


def stack_env(tmp: Path, stack: str, request: Any, **extra: str) -> dict[str, str]:
    """``remon_env`` for a worker test on one of ``STACKS``: the embedded default (SQLite data under
    ``tmp``, SQLite broker) or redis-server + PostgreSQL (the ``redis_server`` and ``pg_url`` fixtures,
    asked for through ``request`` so only that stack starts them). Beat every second unless ``extra``
    says otherwise: the tests wait on conditions, and a short beat makes them come sooner."""
    if stack not in STACKS:
        raise ValueError(f"unknown stack {stack!r}: one of {STACKS}")
    extra = {"REMON_BEAT_INTERVAL": "1", **extra}
    if stack == "redis-postgres":
        extra.setdefault("REMON_BROKER_URL", request.getfixturevalue("redis_server").url)
        extra.setdefault("REMON_DATABASE_URL", request.getfixturevalue("pg_url"))
    return remon_env(tmp, **extra)


def worker_ready(log: Path) -> bool:
    """The Celery worker of a `remon run` logged that it is ready to take tasks."""
    import re

    return log.exists() and re.search(r"celery@\S+ ready\.", log.read_text(errors="replace")) is not None


@contextlib.contextmanager
def remon_worker(env: dict[str, str], log: Path, *args: str, ready: bool = False,
                 ) -> Iterator[subprocess.Popen[bytes]]:
    """`remon run` (worker + beat; ``-c 1`` unless ``args`` name other options) with its output in
    ``log``, killed after; with ``ready`` it returns once the worker says it takes tasks."""
    with background(remon_cmd("run", *(args or ("--concurrency", "1"))), env, log) as proc:
        if ready:
            wait_for(lambda: worker_ready(log) or proc.poll() is not None, timeout=120, interval=0.1,
                     what=f"the worker ready ({log.name})")
            if proc.poll() is not None:
                raise AssertionError(f"remon run exited {proc.returncode}\n" + log.read_text(errors="replace")[-3000:])
        yield proc


@contextlib.contextmanager
def background(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a long-lived process (a worker) with its output in ``log``; kill it after."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, 15)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, 9)
                    proc.wait(10)


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid`` (a Celery worker's pool processes), from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(stat.parent.name))
    return out
