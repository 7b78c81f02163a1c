"""The apprise wrapper against real servers on 127.0.0.1: SMTP (aiosmtpd) and a JSON receiver."""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from email.header import decode_header, make_header

import pytest
from pydantic import SecretStr

from tests.servers import JsonReceiver, SmtpServer, free_port
from worker.alert.notify import MAX_ATTEMPTS, channel_format, retry_delay, send
from worker.common.mask import mask_text, mask_url
from worker.config import Channel

pytestmark = pytest.mark.slow

CHINESE = "中国商务部宣布对镓、锗相关物项实施出口管制。"


@pytest.fixture
def apprise_logs() -> list[str]:
    """Everything apprise logs at DEBUG during the test, as any handler would see it."""
    lines: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    logger = logging.getLogger("apprise")
    handler, level = Grab(level=logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_mailto_to_local_smtp(smtp_server: SmtpServer, apprise_logs: list[str]) -> None:
    channel = Channel(url=SecretStr(smtp_server.url()))
    assert channel_format(channel) == "html"
    result = send(channel, "China · refining share: 92% → 90%", f"<p>{CHINESE}</p>", body_format="html")
    assert result == result.__class__(True, None)
    (body,) = smtp_server.bodies()
    assert CHINESE in body
    subject = str(make_header(decode_header(str(smtp_server.messages[0]["Subject"]))))
    assert subject == "China · refining share: 92% → 90%"
    assert all("s3cretSMTPpass" not in line for line in apprise_logs)


def test_json_receiver_gets_the_message(json_receiver: JsonReceiver, apprise_logs: list[str]) -> None:
    channel = Channel(url=SecretStr(json_receiver.url()))
    assert channel_format(channel) == "text"
    assert send(channel, "title", CHINESE).ok
    assert json_receiver.received[0]["message"] == CHINESE
    assert json_receiver.received[0]["title"] == "title"
    assert all("recv-token-123" not in line for line in apprise_logs)


def test_receiver_500_fails_with_masked_error(json_receiver: JsonReceiver, apprise_logs: list[str],
                                             caplog: pytest.LogCaptureFixture) -> None:
    json_receiver.status = 500
    url = f"json://hookuser:Pa55word-xyz@127.0.0.1:{json_receiver.port}/hook/recv-token-123"
    caplog.set_level(logging.DEBUG)
    result = send(Channel(url=SecretStr(url)), "t", "b")
    assert not result.ok and result.error and result.error.startswith("alert.delivery_failed")
    assert "500" in result.error
    everything = result.error + "\n".join(apprise_logs) + caplog.text
    assert apprise_logs, "apprise said nothing: the masking was not exercised"
    for secret in ("Pa55word-xyz", "recv-token-123", "hookuser"):
        assert secret not in everything


def test_dead_smtp_fails_fast_and_masked() -> None:
    port = free_port()  # nothing listens
    url = f"mailto://remon:s3cretSMTPpass@127.0.0.1:{port}?from=a@example.org&to=b@example.org&mode=insecure"
    started = time.monotonic()
    result = send(Channel(url=SecretStr(url)), "t", "b", timeout=2)
    assert not result.ok and result.error and "s3cretSMTPpass" not in result.error
    assert time.monotonic() - started < 15


def test_silent_target_cannot_hang_the_worker() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)  # accepts connections, never answers
    try:
        url = f"json://127.0.0.1:{sock.getsockname()[1]}/hook/tok-abcdef"
        started = time.monotonic()
        result = send(Channel(url=SecretStr(url)), "t", "b", timeout=1)
        assert not result.ok and "tok-abcdef" not in (result.error or "")
        assert time.monotonic() - started < 10
    finally:
        sock.close()


def test_unknown_url_is_reported_masked() -> None:
    result = send(Channel(url=SecretStr("nosuchservice://user:hunter22pw@example.org/x")), "t", "b")
    assert not result.ok and "hunter22pw" not in (result.error or "")


def test_empty_body_is_never_sent_blank(json_receiver: JsonReceiver) -> None:
    assert send(Channel(url=SecretStr(json_receiver.url())), "only a title", "  ").ok
    assert json_receiver.received[0]["message"].strip()


@pytest.mark.parametrize(("attempts", "low", "high"),
                         [(1, 15, 30), (2, 30, 60), (3, 60, 120), (20, 1800, 3600)])
def test_retry_delay_backoff_with_jitter_and_cap(attempts: int, low: float, high: float) -> None:
    rng = random.Random(1)
    delays = [retry_delay(attempts, rng=rng) for _ in range(50)]
    assert all(low <= d <= high for d in delays)
    assert len(set(delays)) > 1  # jittered
    assert MAX_ATTEMPTS >= 3


@pytest.mark.parametrize(("url", "hidden", "shown"), [
    ("mailto://user:pw-secret1@mail.example.org:587?to=a@b.c", ["pw-secret1"], "mailto://***@mail.example.org:587"),
    ("json://127.0.0.1:8080/hook/recv-token-123", ["recv-token-123"], "json://127.0.0.1:8080/***"),
    ("tgram://123456789:AAHbottokenxyz/987654", ["AAHbottokenxyz"], "tgram://***/***"),
    ("mailtos://u@example.org?pass=qwerty123&to=x@y.z", ["qwerty123"], "pass=***"),
])
def test_mask_url_and_text(url: str, hidden: list[str], shown: str) -> None:
    masked = mask_url(url)
    assert shown in masked
    text = mask_text(f"error talking to {url} (password {hidden[0]})", [url])
    for secret in hidden:
        assert secret not in masked and secret not in text


def test_mask_text_catches_percent_decoded_password() -> None:
    url = "mailto://me:p%40ss%2Fword99@example.org"
    assert "p@ss/word99" not in mask_text("login failed for p@ss/word99", [url])


def test_concurrent_sends_do_not_leak_each_others_secrets(json_receiver: JsonReceiver) -> None:
    results = []

    def one(i: int) -> None:
        results.append(send(Channel(url=SecretStr(json_receiver.url(f"tok-{i}-abcdef"))), f"t{i}", "b"))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in results) and len(json_receiver.received) == 4
