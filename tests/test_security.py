# ruff: noqa: F811  (the http_server fixture is imported, then requested by name)
"""Issue 8, security (outside the web app): the SSRF matrix, and secrets never in output.

tests/test_fetch.py already checks the address classifier and the IPv4 notations one by one;
this file adds what it does not: every category refused by a real ``fetch`` with the typed
error naming *why* and without any connection made, names that resolve to a private address
through the system resolver (``localhost``, names in /etc/hosts), redirect chains out of an
allowed server, and the same refusals through the task path (``refresh_source`` /
``process_article``). Then a whole run of ``remon`` whose every output, log file and database
text is searched for the configured secrets.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from storage import queries
from storage.db import migrate, session_scope
from storage.models import Article, Source
from tasks import steps
from tasks.runtime import build_runtime
from tests.httpserver import Canned, TestServer, http_server  # noqa: F401
from tests.servers import (
    JsonReceiver,
    Site,
    SmtpServer,
    background,
    free_port,
    remon_cmd,
    remon_env,
    rss,
    run_remon,
    wait_for,
)
from worker.config import load_settings
from worker.errors import FetchError
from worker.fetch.client import FetchOptions, fetch

DEFAULT = FetchOptions(connect_timeout=2, read_timeout=2, total_timeout=5)  # private networks refused


def refusal(url: str, options: FetchOptions = DEFAULT) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(url, options=options)
    return info.value


# (URL template, the reason the refusal must name); {port} is a live server on 127.0.0.1 that
# must never see a connection
MATRIX = [
    ("http://127.0.0.1:{port}/", "loopback"),
    ("http://127.254.1.9:{port}/", "loopback"),
    ("http://10.1.2.3/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://172.31.255.254/", "private"),
    ("http://192.168.0.1/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://100.64.0.1/", "carrier-grade NAT"),
    ("http://100.127.255.254/", "carrier-grade NAT"),
    ("http://0.0.0.0:{port}/", "unspecified"),
    ("http://[::1]:{port}/", "loopback"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[fc00::1]/", "unique-local"),
    ("http://[fd12:3456:789a::1]/", "unique-local"),
    ("http://[::ffff:127.0.0.1]:{port}/", "IPv4 127.0.0.1 embedded in IPv6"),
    ("http://[::ffff:7f00:1]:{port}/", "IPv4 127.0.0.1 embedded in IPv6"),
    ("http://[::ffff:10.0.0.1]/", "IPv4 10.0.0.1 embedded in IPv6"),
    ("http://[64:ff9b::a9fe:a9fe]/", "IPv4 169.254.169.254 embedded in IPv6"),
    ("http://2130706433:{port}/", "loopback"),
    ("http://0x7f000001:{port}/", "loopback"),
    ("http://0x7f.0.0.1:{port}/", "loopback"),
    ("http://0x7f.1:{port}/", "loopback"),
    ("http://127.1:{port}/", "loopback"),
    ("http://2852039166/", "link-local"),  # 169.254.169.254 in decimal
    ("http://0xa9fea9fe/", "link-local"),
]
# Leading-zero (octal) octets: httpx refuses these URLs itself, before any lookup; the C resolver
# would read them as octal (0177 = 127), so either refusal is fine, a connection is not.
OCTAL = ["http://0177.0.0.1:{port}/", "http://0177.1:{port}/", "http://012.0.0.1/", "http://0251.0376.0251.0376/"]


def etc_hosts_private_names() -> list[str]:
    names = ["localhost", "LOCALHOST.", "localhost.localdomain"]
    try:
        lines = Path("/etc/hosts").read_text().splitlines()
    except OSError:
        return names
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and (fields[0].startswith(("127.", "10.", "192.168.")) or fields[0] == "::1"):
            names += [n for n in fields[1:] if n not in names]
    return names


def test_ssrf_matrix_refused_by_default_with_a_typed_error(http_server: TestServer,
                                                          record: Callable[..., None]) -> None:
    http_server.add("/", Canned(body=b"internal"))
    tried = 0
    for template, reason in MATRIX:
        error = refusal(template.format(port=http_server.port))
        assert error.code == "fetch.private_address", (template, error)
        assert reason in error.message and "REMON_ALLOW_PRIVATE_NETWORKS" in error.message, (template, error.message)
        tried += 1
    for template in OCTAL:
        assert refusal(template.format(port=http_server.port)).code in {"fetch.private_address", "fetch.invalid_url"}
        tried += 1
    resolvable = []
    for name in etc_hosts_private_names():
        try:
            socket.getaddrinfo(name, http_server.port)
        except OSError:
            continue
        resolvable.append(name)
        error = refusal(f"http://{name}:{http_server.port}/")
        assert error.code == "fetch.private_address" and "resolves to" in error.message, (name, error)
        tried += 1
    assert "localhost" in resolvable
    assert http_server.seen == [], "a refused address must never be connected to"
    # the same URLs are reachable once private networks are allowed (the guard, not the network, refused)
    assert fetch(http_server.url("/"), options=FetchOptions(allow_private=True)).content == b"internal"
    record("security", "SSRF matrix through fetch() with default settings: loopback, RFC 1918, link-local / cloud "
           "metadata, CGNAT 100.64/10, unspecified, IPv6 loopback/link-local/unique-local fc00::/7, IPv4-mapped "
           "and NAT64 IPv6, decimal/hex/short/octal IPv4 notations, and names resolving to loopback through the "
           f"system resolver ({', '.join(resolvable)})", tried,
           "every one refused with FetchError code fetch.private_address naming the kind of address (octal "
           "notations: fetch.invalid_url); the live server behind the loopback forms saw no connection")


def test_redirects_out_of_an_allowed_server_are_refused(http_server: TestServer,
                                                       record: Callable[..., None]) -> None:
    """The feed's host is opened by the allowlist; every hop elsewhere is checked again."""
    http_server.add("/secret", Canned(body=b"internal"))
    port = http_server.port
    # (not "localhost": it resolves to 127.0.0.1, the allowlisted address, which the allowlist opens by design)
    targets = [f"http://127.0.0.2:{port}/secret", f"http://[::1]:{port}/secret",
               f"http://[::ffff:127.0.0.2]:{port}/secret", f"http://2130706434:{port}/secret",
               "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin", "http://100.64.0.1/",
               "http://[fd00::1]/", f"//127.0.0.2:{port}/secret"]
    allowed = FetchOptions(allow_hosts=("127.0.0.1",), connect_timeout=2, read_timeout=2, total_timeout=5)
    for i, target in enumerate(targets):
        status = (301, 302, 303, 307, 308)[i % 5]
        http_server.add(f"/hop/{i}", Canned(status=302, headers={"Location": f"/go/{i}"}))
        http_server.add(f"/go/{i}", Canned(status=status, headers={"Location": target}))
        error = refusal(http_server.url(f"/hop/{i}"), allowed)
        assert error.code == "fetch.private_address", (target, error)
    assert all(s.path.startswith(("/hop/", "/go/")) for s in http_server.seen), "no hop reached /secret"
    assert fetch(http_server.url("/secret"), options=allowed).content == b"internal"  # the allowed host itself
    record("security", "redirect chains (301/302/303/307/308, two hops, relative and scheme-relative) from an "
           "allowlisted server to 127.0.0.2, ::1, mapped IPv6, decimal IPv4, metadata, RFC 1918, CGNAT, "
           "unique-local", len(targets), "every final hop refused with fetch.private_address; nothing but the "
           "allowed hops was requested")


def test_ssrf_through_the_task_path(http_server: TestServer, tmp_path: Path, record: Callable[..., None]) -> None:
    """Default settings: a private source fails its poll; the allowlisted feed's private items fail."""
    port = http_server.port
    http_server.add("/secret", Canned(body=b"<html><body>internal admin page</body></html>"))
    items = [f"http://127.0.0.2:{port}/secret", f"http://[::ffff:127.0.0.2]:{port}/secret", f"http://[::1]:{port}/secret",
             "http://169.254.169.254/latest/meta-data/", f"http://0x7f.0.0.2:{port}/secret", "http://100.64.1.1/"]
    http_server.add("/feed.xml", Canned(headers={"Content-Type": "application/rss+xml"},
                                        body=rss([{"title": f"item {i}", "link": u} for i, u in enumerate(items)])))
    watch = tmp_path / "watch.yaml"
    watch.write_text("allow_hosts: ['127.0.0.1']\n")
    open_rt = build_runtime(load_settings(data_dir=tmp_path, config=watch, notify_urls=""))
    closed_rt = build_runtime(load_settings(data_dir=tmp_path, notify_urls=""))
    migrate(open_rt.db_url)
    with session_scope(open_rt.db_url) as session:
        feed_id = queries.add_source(session, url=http_server.url("/feed.xml"))[0].id
        private_id = queries.add_source(session, url=f"http://localhost:{port}/feed.xml")[0].id
    assert feed_id is not None and private_id is not None
    assert steps.refresh_source(closed_rt, private_id).error_code == "fetch.private_address"
    result = steps.refresh_source(open_rt, feed_id)
    assert result.error_code is None and len(result.new_article_ids) == len(items)
    for article_id in result.new_article_ids:
        steps.process_article(open_rt, article_id)
    with session_scope(open_rt.db_url) as session:
        source = session.get(Source, private_id)
        assert source is not None and "resolves to 127.0.0.1" in (source.error_message or "")
        rows = [session.get(Article, i) for i in result.new_article_ids]
        assert [(a.status, a.error_code) for a in rows if a] == [("failed", "fetch.private_address")] * len(items)
    assert [s.path for s in http_server.seen] == ["/feed.xml"], "only the allowlisted feed was fetched"
    record("security", "SSRF through refresh_source / process_article with default settings: a source on "
           "localhost, and an allowlisted feed whose items point to 127.0.0.2, localhost, ::1, metadata, hex "
           "IPv4, CGNAT", 1 + len(items),
           "the source's poll and every item stored as failed fetch.private_address with the reason; only the "
           "allowlisted feed was requested")


# ----------------------------------------------------------------------------- secrets


def grep_secrets(texts: dict[str, str], secrets: list[str]) -> list[tuple[str, str]]:
    return [(where, s) for where, text in texts.items() for s in secrets if s in text]


def database_text(url: str) -> str:
    """Every row of every table, as text."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    out = []
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                out.append(f"{table}: {row!r}")
    engine.dispose()
    return "\n".join(out)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_secrets_never_in_output_logs_or_database(tmp_path: Path, site: Site, smtp_server: SmtpServer,
                                                  json_receiver: JsonReceiver, pg_url: str,
                                                  record: Callable[..., None]) -> None:
    smtp_pw, hook_token, dead_pw, failing_token, web_token, db_pw, broker_pw = (
        "Smtp-S3cret-71f2", "hook-T0ken-9c1e", "dead-Pa55-4b8a", "fail-T0ken-2d7f", "web-T0ken-5e3a", "pg-Pa55-8d0c",
        "broker-Pa55-3f9b")
    secrets = [smtp_pw, hook_token, dead_pw, failing_token, web_token, db_pw, broker_pw]
    # a database login with a password of its own, on the run's throwaway database
    user = "remon_sec_" + pg_url.rsplit("_", 1)[-1]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {user} LOGIN PASSWORD '{db_pw}'")
        conn.execute(f"GRANT ALL ON SCHEMA public TO {user}")
        conn.execute(f'ALTER DATABASE "{pg_url.rsplit("/", 1)[-1]}" OWNER TO {user}')
    db_url = pg_url.replace("remon:remon@", f"{user}:{db_pw}@")
    failing = JsonReceiver(port=free_port(), status=500)
    failing.start()
    dead_smtp = f"mailto://remon:{dead_pw}@127.0.0.1:{free_port()}?from=remon@example.org&to=x@example.org"
    urls = (f"{smtp_server.url(password=smtp_pw)} {json_receiver.url(hook_token)} urgent={dead_smtp} "
            f"{failing.url(failing_token)}")
    site.pages["/a.html"] = ("text/html; charset=utf-8", (
        b"<html><body><article><h1>China tightens rare earth export controls</h1><p>China supplies 92% of the "
        b"world's refined rare earths, officials said, as the Ministry of Commerce imposed new export controls on "
        b"seven heavy rare earth elements; analysts expect the measures to stay in place for months.</p>"
        b"</article></body></html>"))
    site.pages["/feed.xml"] = ("application/rss+xml", rss([{"title": "Rare earth curbs", "link": f"{site.base}/a.html",
                                                            "published": "2025-06-01T08:00:00Z"}]))
    env = remon_env(tmp_path, REMON_DATABASE_URL=db_url, REMON_NOTIFY_URLS=urls, REMON_WEB_TOKEN=web_token,
                    REMON_BEAT_INTERVAL="1", REMON_RETRY_BASE="0.5", REMON_RETRY_MAX="1", REMON_RETRY_ATTEMPTS="3",
                    REMON_LOG_LEVEL="DEBUG")
    outputs: dict[str, str] = {}

    def run(*args: str, check: bool = True, **extra: str) -> None:
        proc = run_remon({**env, **extra}, *args, check=check)
        outputs[f"remon {' '.join(args)} {sorted(extra)}"] = proc.stdout + proc.stderr

    watch = tmp_path / "watch.yaml"
    watch.write_text(f"sources:\n  - {{url: '{site.base}/feed.xml', name: wire, interval: 3600}}\n")
    env["REMON_CONFIG"] = str(watch)
    try:
        log = tmp_path / "worker.log"  # remon run migrates the database and adds the watch file's source
        with background(remon_cmd("run", "-c", "1"), env, log):
            wait_for(lambda: json_receiver.received and smtp_server.messages, timeout=120, what="alerts delivered")

            def retried() -> bool:  # the failing channels failed, were retried and failed again (all logged)
                text = log.read_text(errors="replace")
                return text.count("error=500") >= 2 and "Connection" in text

            wait_for(retried, timeout=60, what="the failing channels retried")
        run("poll", "--once", check=False, REMON_LOG_JSON="true")  # JSON logs; the failing channels retried
        calls: list[tuple[tuple[str, ...], dict[str, str]]] = [
            (args, {}) for args in (("alerts", "list"), ("alerts", "list", "--format", "json"),
                                    ("sources", "list", "--format", "json"), ("articles", "show", "1"),
                                    ("export", "--what", "articles", "--format", "json"), ("health",),
                                    ("notify", "test"))]
        calls += [  # configuration errors say which item or setting is wrong, never its value
            (("sources", "list"), {"REMON_NOTIFY_URLS": f"{urls} not-a-url-{hook_token}"}),
            (("health",), {"REMON_DATABASE_URL": db_url.replace("127.0.0.1:", "127.0.0.1:1")}),
            (("sources", "list"), {"REMON_BROKER_URL": f"redis://:{broker_pw}@127.0.0.1:{free_port()}/0"})]
        with ThreadPoolExecutor(3) as pool:  # read-only commands: side by side
            list(pool.map(lambda call: run(*call[0], check=False, **call[1]), calls))
        stored = database_text(db_url)
    finally:
        failing.stop()
        with psycopg.connect(pg_url, autocommit=True) as conn:  # leave the shared cluster without the role
            conn.execute(f'ALTER DATABASE "{pg_url.rsplit("/", 1)[-1]}" OWNER TO remon')
            conn.execute(f"REASSIGN OWNED BY {user} TO remon")
            conn.execute(f"DROP OWNED BY {user}")
            conn.execute(f"DROP ROLE {user}")
    texts = dict(outputs)
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix in (".log", ".json", ".yaml", ".txt", ".csv", ""):
            texts[str(path.relative_to(tmp_path))] = path.read_text(errors="replace")
    texts["database"] = stored
    texts["mail received"] = "\n".join(smtp_server.bodies())
    texts["hooks received"] = json.dumps(json_receiver.received)
    assert "92%" in texts["database"] and len(texts["database"]) > 1000
    assert "***" in texts["remon alerts list []"], "channels are shown, masked"
    assert "error=500" in texts["worker.log"] and "Connection" in texts["worker.log"], "the failing channels were tried"
    leaks = grep_secrets(texts, secrets)
    assert leaks == [], leaks
    size = sum(len(t) for t in texts.values())
    record("security", "secrets (SMTP password, json:// tokens of a working and a 500ing channel, a dead SMTP "
           "server's password, REMON_WEB_TOKEN, the PostgreSQL password, a broker password) searched in a whole "
           "run: remon run with DEBUG logs, poll --once with JSON logs, alerts/sources/articles/export/health/"
           "notify test, configuration errors, every file under the data dir, every database row, what the "
           "receivers got",
           f"{len(secrets)} secrets × {len(texts)} outputs",
           f"not one occurrence in {size / 1024:,.0f} KiB of captured text; channels appear masked (***)")
