# ruff: noqa: F811  (the http_server fixture is imported, then requested by name)
"""The hardened fetcher against a misbehaving server on 127.0.0.1."""

from __future__ import annotations

import gzip
import resource
import shutil
import socket
import ssl
import subprocess
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import brotli
import pytest

from tests.httpserver import Canned, TestServer, http_server, zero_chunks  # noqa: F401
from worker.errors import FetchError
from worker.fetch import client as client_module
from worker.fetch.client import FetchOptions, FetchStatusError, fetch, media_type_allowed, parse_retry_after
from worker.fetch.ssrf import check_addresses, parse_ip
from worker.sources.feeds import parse_feed

LOOP = FetchOptions(allow_private=True, connect_timeout=2, read_timeout=2, total_timeout=6)
STALL = FetchOptions(allow_private=True, read_timeout=0.5, total_timeout=5)
MiB = 1 << 20


def code_of(url: str, options: FetchOptions = LOOP, **kwargs: str) -> str:
    with pytest.raises(FetchError) as info:
        fetch(url, options=options, **kwargs)
    return info.value.code


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------- basics


def test_plain_get_sends_user_agent_and_returns_body(http_server: TestServer) -> None:
    url = http_server.add("/feed", Canned(headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'},
                                          body=b"<rss/>"))
    result = fetch(url, options=FetchOptions(allow_private=True, user_agent="remon-test/1"))
    assert (result.status, result.content, result.etag) == (200, b"<rss/>", '"v1"')
    assert not result.not_modified
    assert result.content_type == "application/rss+xml"
    assert http_server.seen[0].headers["user-agent"] == "remon-test/1"
    assert http_server.seen[0].headers["host"] == f"127.0.0.1:{http_server.port}"


def test_conditional_get_gives_not_modified_on_304(http_server: TestServer) -> None:
    stamp = "Mon, 03 Apr 2023 01:02:03 GMT"

    def conditional(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == '"v1"' or h.headers.get("If-Modified-Since") == stamp:
            h.send_response(304)
            h.send_header("ETag", '"v1"')
            h.end_headers()
            return
        body = b"<rss><channel><title>x</title></channel></rss>"
        h.send_response(200)
        h.send_header("ETag", '"v1"')
        h.send_header("Last-Modified", stamp)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    url = http_server.route("/c", conditional)
    first = fetch(url, options=LOOP)
    assert first.status == 200 and first.etag == '"v1"' and first.last_modified == stamp
    again = fetch(url, options=LOOP, etag=first.etag)
    assert again.not_modified and again.status == 304 and again.content == b"" and again.etag == '"v1"'
    by_date = fetch(url, options=LOOP, last_modified=first.last_modified)
    assert by_date.not_modified and by_date.last_modified == stamp
    assert http_server.seen[1].headers["if-none-match"] == '"v1"'


def test_retry_after_seconds_and_date(http_server: TestServer) -> None:
    url = http_server.add("/busy", Canned(429, {"Retry-After": "120"}))
    with pytest.raises(FetchStatusError) as info:
        fetch(url, options=LOOP)
    assert info.value.code == "fetch.rate_limited" and info.value.retry_after == 120.0
    assert info.value.status == 429 and "120 s" in info.value.message

    later = format_datetime(datetime.now(UTC) + timedelta(seconds=300), usegmt=True)
    url = http_server.add("/down", Canned(503, {"Retry-After": later}))
    with pytest.raises(FetchStatusError) as info:
        fetch(url, options=LOOP)
    assert info.value.code == "fetch.rate_limited"
    assert info.value.retry_after is not None and 290 <= info.value.retry_after <= 300

    url = http_server.add("/nohint", Canned(503))
    with pytest.raises(FetchStatusError) as info:
        fetch(url, options=LOOP)
    assert info.value.retry_after is None


def test_parse_retry_after_table() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 30 ") == 30.0
    assert parse_retry_after("Mon, 01 Jan 2024 00:01:00 GMT", now=now) == 60.0
    assert parse_retry_after("Sun, 31 Dec 2023 00:00:00 GMT", now=now) == 0.0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-5") is None


def test_http_status_error_carries_status(http_server: TestServer) -> None:
    url = http_server.add("/gone", Canned(410))
    with pytest.raises(FetchStatusError) as info:
        fetch(url, options=LOOP)
    assert info.value.code == "fetch.http_status" and info.value.status == 410
    assert "410" in str(info.value)


def test_bad_content_type_refused(http_server: TestServer) -> None:
    url = http_server.add("/img", Canned(headers={"Content-Type": "image/png"}, body=b"\x89PNG"))
    assert code_of(url) == "fetch.bad_content_type"
    assert fetch(url, options=FetchOptions(allow_private=True, accept_types=None)).content == b"\x89PNG"


@pytest.mark.parametrize(("media", "ok"), [
    ("application/rss+xml", True), ("application/atom+xml; charset=utf-8", True), ("text/html", True),
    ("application/xml-dtd", True), ("application/feed+json", True), ("text/plain", True), (None, True),
    ("image/jpeg", False), ("application/pdf", False), ("video/mp4", False), ("application/zip", False),
])
def test_media_type_table(media: str | None, ok: bool) -> None:
    assert media_type_allowed(media, FetchOptions().accept_types) is ok


def test_invalid_urls() -> None:
    for url in ["ftp://example.com/feed", "file:///etc/passwd", "http://", "not a url", "gopher://x/"]:
        assert code_of(url, FetchOptions()) == "fetch.invalid_url", url


def test_connection_refused_and_dns_failure() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert code_of(f"http://127.0.0.1:{port}/") == "fetch.connect"

    def no_dns(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    assert code_of("http://nowhere.invalid/", FetchOptions(resolver=no_dns)) == "fetch.dns"


# ----------------------------------------------------------------------------- redirects


def redirect(to: str, status: int = 302) -> Canned:
    return Canned(status, {"Location": to})


def test_redirects_followed_and_recorded(http_server: TestServer) -> None:
    http_server.add("/old", redirect("/mid", 301))
    http_server.add("/mid", redirect(http_server.url("/new"), 307))
    http_server.add("/new", Canned(body=b"here"))
    result = fetch(http_server.url("/old"), options=LOOP)
    assert result.content == b"here" and result.url == http_server.url("/new")
    assert result.redirects == (http_server.url("/old"), http_server.url("/mid"))


def test_redirect_loop(http_server: TestServer) -> None:
    http_server.add("/a", redirect("/b"))
    http_server.add("/b", redirect("/a"))
    http_server.add("/self", redirect("/self"))
    assert code_of(http_server.url("/a")) == "fetch.redirect_loop"
    assert code_of(http_server.url("/self")) == "fetch.redirect_loop"


def test_too_many_redirects(http_server: TestServer) -> None:
    for i in range(10):
        http_server.add(f"/r{i}", redirect(f"/r{i + 1}"))
    http_server.add("/r10", Canned(body=b"end"))
    options = FetchOptions(allow_private=True, max_redirects=3)
    assert code_of(http_server.url("/r0"), options) == "fetch.too_many_redirects"
    assert fetch(http_server.url("/r7"), options=options).content == b"end"  # exactly 3 hops


# ----------------------------------------------------------------------------- time


def test_stall_before_headers_times_out(http_server: TestServer) -> None:
    url = http_server.route("/stall", lambda h: http_server.stop.wait(30))
    start = time.monotonic()
    assert code_of(url, STALL) == "fetch.timeout"
    assert time.monotonic() - start < 3


def test_stall_mid_body_times_out(http_server: TestServer) -> None:
    def half(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b"x" * 10)
        h.wfile.flush()
        http_server.stop.wait(30)

    url = http_server.route("/half", half)
    assert code_of(url, STALL) == "fetch.timeout"


def test_slow_drip_hits_total_deadline(http_server: TestServer) -> None:
    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"x")
            h.wfile.flush()
            if http_server.stop.wait(0.2):
                return

    url = http_server.route("/drip", drip)
    start = time.monotonic()
    options = FetchOptions(allow_private=True, read_timeout=1, total_timeout=1.5)
    assert code_of(url, options) == "fetch.timeout"
    assert time.monotonic() - start < 3.5


# ----------------------------------------------------------------------------- size


def test_50_mb_body_with_length_refused_early(http_server: TestServer) -> None:
    url = http_server.add("/big", Canned(headers={"Content-Length": str(50 * MiB)},
                                         body=lambda: zero_chunks(50 * MiB)))
    start = time.monotonic()
    assert code_of(url) == "fetch.too_large"
    assert time.monotonic() - start < 3


def test_50_mb_body_without_length_refused_while_streaming(http_server: TestServer) -> None:
    url = http_server.add("/big", Canned(body=lambda: zero_chunks(50 * MiB)))  # close-delimited
    assert code_of(url) == "fetch.too_large"
    small = FetchOptions(allow_private=True, max_bytes=1000)
    url = http_server.add("/k", Canned(body=lambda: zero_chunks(1001, 100)))
    assert code_of(url, small) == "fetch.too_large"
    url = http_server.add("/ok", Canned(body=lambda: zero_chunks(1000, 100)))
    assert len(fetch(url, options=small).content) == 1000


def gzip_bomb(gib: int = 1) -> Iterator[bytes]:
    """A valid gzip stream of ``gib`` GiB of zeros, ~1 MiB on the wire, built without inflating."""
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = block.compress(b"\0" * MiB) + block.flush(zlib.Z_FULL_FLUSH)  # repeats byte-for-byte
    crc = 0
    zeros = b"\0" * MiB
    for _ in range(1024 * gib):
        crc = zlib.crc32(zeros, crc)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    for _ in range(1024 * gib):
        yield piece
    yield block.flush(zlib.Z_FINISH)
    yield (crc & 0xFFFFFFFF).to_bytes(4, "little") + ((1024 * gib * MiB) & 0xFFFFFFFF).to_bytes(4, "little")


def test_gzip_bomb_refused_without_inflating(http_server: TestServer) -> None:
    wire = b"".join(gzip_bomb())
    assert len(wire) < 2 * MiB
    url = http_server.add("/bomb", Canned(headers={"Content-Encoding": "gzip"}, body=wire))
    before = max_rss_mib()
    start = time.monotonic()
    assert code_of(url) == "fetch.too_large"
    assert time.monotonic() - start < 5
    assert max_rss_mib() - before < 200  # inflating it would need 1024 MiB


def test_deflate_and_brotli_bombs_refused(http_server: TestServer) -> None:
    raw = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    body = b"".join(raw.compress(b"\0" * MiB) for _ in range(64)) + raw.flush()
    url = http_server.add("/deflate", Canned(headers={"Content-Encoding": "deflate"}, body=body))
    assert code_of(url) == "fetch.too_large"

    br = brotli.compress(b"\0" * (256 * MiB), quality=5)
    assert len(br) < 10_000
    url = http_server.add("/br", Canned(headers={"Content-Encoding": "br"}, body=br))
    before = max_rss_mib()
    assert code_of(url) == "fetch.too_large"
    assert max_rss_mib() - before < 150


def test_compressed_bodies_decoded(http_server: TestServer) -> None:
    text = "稀土 出口管制 rare earth export controls. ".encode() * 500
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    variants = {
        "gzip": gzip.compress(text),
        "deflate": zlib.compress(text),
        "br": brotli.compress(text),
        "identity": text,
    }
    for coding, body in variants.items():
        url = http_server.add(f"/{coding}", Canned(headers={"Content-Encoding": coding}, body=body))
        result = fetch(url, options=LOOP)
        assert result.content == text, coding
        assert "content-encoding" not in result.headers
    url = http_server.add("/rawdeflate", Canned(headers={"Content-Encoding": "deflate"},
                                                body=raw_deflate.compress(text) + raw_deflate.flush()))
    assert fetch(url, options=LOOP).content == text
    url = http_server.add("/twice", Canned(headers={"Content-Encoding": "gzip, br"},
                                           body=brotli.compress(gzip.compress(text))))
    assert fetch(url, options=LOOP).content == text
    url = http_server.add("/corrupt", Canned(headers={"Content-Encoding": "gzip"}, body=b"\x1f\x8b garbage"))
    assert code_of(url) == "fetch.bad_encoding"
    url = http_server.add("/zstd", Canned(headers={"Content-Encoding": "zstd"}, body=b"??"))
    assert code_of(url) == "fetch.bad_encoding"


# ----------------------------------------------------------------------------- SSRF


def test_loopback_and_metadata_refused_by_default(http_server: TestServer) -> None:
    url = http_server.add("/secret", Canned(body=b"secret"))
    assert code_of(url, FetchOptions()) == "fetch.private_address"
    assert code_of("http://169.254.169.254/latest/meta-data/", FetchOptions()) == "fetch.private_address"
    assert http_server.seen == []  # refused before connecting
    with pytest.raises(FetchError) as info:
        fetch(url, options=FetchOptions())
    assert "loopback" in info.value.message and "REMON_ALLOW_PRIVATE_NETWORKS" in info.value.message
    # ... unless allowed, by setting or by allowlist
    assert fetch(url, options=FetchOptions(allow_private=True)).content == b"secret"
    assert fetch(url, options=FetchOptions(allow_hosts=("127.0.0.1",))).content == b"secret"
    assert fetch(url, options=FetchOptions(allow_hosts=("127.0.0.0/8",))).content == b"secret"


def public_alias(*answers: str) -> FetchOptions:
    """A host name ``public.test`` resolving to ``answers``, opened by the allowlist."""
    return FetchOptions(resolver=lambda host, port: list(answers), allow_hosts=("public.test",),
                        connect_timeout=1, read_timeout=2, total_timeout=4)


def test_redirect_to_loopback_or_metadata_refused(http_server: TestServer) -> None:
    http_server.add("/secret", Canned(body=b"secret"))
    http_server.add("/to-loopback", redirect(http_server.url("/secret")))
    http_server.add("/to-metadata", redirect("http://169.254.169.254/latest/meta-data/"))
    http_server.add("/to-decimal", redirect(f"http://2130706433:{http_server.port}/secret"))
    options = public_alias("127.0.0.1")
    for path in ["/to-loopback", "/to-metadata", "/to-decimal"]:
        assert code_of(http_server.url(path, host="public.test"), options) == "fetch.private_address", path
    assert [s.path for s in http_server.seen] == ["/to-loopback", "/to-metadata", "/to-decimal"]
    # allowed: the redirect is followed
    opened = FetchOptions(allow_private=True, connect_timeout=0.5, total_timeout=2)
    assert fetch(http_server.url("/to-loopback"), options=opened).content == b"secret"
    # (the metadata address is only checked at the guard: the tests never connect to it)
    metadata = parse_ip("169.254.169.254")
    assert metadata is not None
    assert check_addresses("169.254.169.254", [metadata], allow_private=True) == metadata


def test_feed_item_pointing_to_private_addresses_refused(http_server: TestServer) -> None:
    secret = http_server.add("/secret", Canned(body=b"secret"))
    feed = (f'<rss version="2.0"><channel><title>t</title>'
            f'<item><title>a</title><link>{secret}</link></item>'
            f'<item><title>b</title><link>http://169.254.169.254/latest/meta-data/</link></item>'
            f'<item><title>c</title><link>http://[::ffff:127.0.0.1]:{http_server.port}/secret</link></item>'
            f'</channel></rss>').encode()
    parsed = parse_feed(feed, headers=None, url="https://news.example/feed")
    assert len(parsed.entries) == 3
    for entry in parsed.entries:
        assert code_of(entry.url, FetchOptions()) == "fetch.private_address", entry.url
    assert http_server.seen == []


def test_connects_to_the_checked_address_only(http_server: TestServer) -> None:
    http_server.add("/x", Canned(body=b"ok"))
    calls: list[str] = []

    def once(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"] if len(calls) == 1 else ["10.0.0.1"]  # a rebinding DNS

    options = FetchOptions(resolver=once, allow_hosts=("public.test",))
    assert fetch(http_server.url("/x", host="public.test"), options=options).content == b"ok"
    assert calls == ["public.test"]
    assert http_server.seen[0].headers["host"] == f"public.test:{http_server.port}"


# ----------------------------------------------------------------------------- TLS to the checked IP


def self_signed(tmp: Path, name: str) -> tuple[Path, Path]:
    cert, key = tmp / f"{name}.crt", tmp / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
@pytest.mark.parametrize(("cert_name", "ok"), [("public.test", True), ("other.test", False)])
def test_https_connects_to_checked_ip_with_sni_and_name_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cert_name: str, ok: bool) -> None:
    cert, key = self_signed(tmp_path, cert_name)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    sni_seen: list[str | None] = []
    server_ctx.sni_callback = lambda sock, name, ctx: sni_seen.append(name)  # type: ignore[assignment,misc]
    server = TestServer()
    server._httpd.socket = server_ctx.wrap_socket(server._httpd.socket, server_side=True)
    server.add("/tls", Canned(body=b"secure"))
    server.start()
    try:
        monkeypatch.setattr(client_module, "_TLS", ssl.create_default_context(cafile=str(cert)))
        url = f"https://public.test:{server.port}/tls"
        options = FetchOptions(resolver=lambda host, port: ["127.0.0.1"], allow_hosts=("public.test",),
                               connect_timeout=2, read_timeout=2, total_timeout=5)
        if ok:
            result = fetch(url, options=options)
            assert result.content == b"secure" and result.url == url
            assert sni_seen == ["public.test"]
            assert server.seen[0].headers["host"] == f"public.test:{server.port}"
        else:  # the certificate is checked against the name, not the IP we connected to
            assert code_of(url, options) == "fetch.connect"
    finally:
        server.close()


def test_odd_statuses_are_errors_with_the_status(http_server: TestServer) -> None:
    for status, path in [(300, "/multi"), (302, "/nolocation"), (500, "/boom"), (404, "/missing")]:
        url = http_server.add(path, Canned(status))
        with pytest.raises(FetchStatusError) as info:
            fetch(url, options=LOOP)
        assert (info.value.code, info.value.status) == ("fetch.http_status", status)
