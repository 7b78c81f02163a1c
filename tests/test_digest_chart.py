"""Issue 15, digests: a PNG chart per changed metric in the HTML (email) digest, inline (``cid:``).

The pure drawing and selection (worker/alert/chart.py), apprise's inline attachment through our one
sender to the real SMTP sink, and end to end: ``remon poll --once`` sends an email digest whose
chart, regenerated from the stored values after the mail server was down, decodes and matches.
"""

from __future__ import annotations

import email.message
import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pydantic import SecretStr

from tests.servers import (
    RedisServer,
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
from worker.alert.chart import (
    DigestChart,
    changed_metrics,
    chart_png,
    charts_html,
    digest_chart,
    recent_values,
)
from worker.alert.notify import Attachment, send
from worker.alert.render import render_digest
from worker.config import Channel

PNG = b"\x89PNG\r\n\x1a\n"


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_chart_png_is_a_deterministic_png() -> None:
    data = chart_png([90, 92, 91.5])
    assert data.startswith(PNG) and data == chart_png([90.0, 92.0, 91.5])
    image = _image(data)
    assert image.format == "PNG" and image.size == (240, 72)
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=240 * 72) or []}
    assert (200, 40, 40) in colours and (31, 78, 140) in colours, "the line, and the last value as a red dot"
    assert chart_png([90, 92]) != chart_png([92, 90])


def test_chart_png_edge_cases() -> None:
    assert _image(chart_png([5.0])).size == (240, 72)  # one value: a dot
    assert _image(chart_png([3, 3, 3])).size == (240, 72)  # flat: a line in the middle
    assert chart_png([1, float("nan"), 2]) == chart_png([1, 2])
    with pytest.raises(ValueError, match="finite value"):
        chart_png([float("inf")])


def test_changed_metrics_and_recent_values() -> None:
    refining = "china/rare_earths/share_of_global_refining"
    payloads: list[dict[str, Any] | None] = [{"statistic": {"value": 1}, "details": {"metric_key": refining}},
                {"stance": {"actor": "eu"}, "details": {}}, None,
                {"statistic": {"value": 2}, "details": {"metric_key": refining}},
                {"statistic": {"value": 3}, "details": {"metric_key": "us/gallium/import_dependence"}}]
    assert changed_metrics(payloads) == [refining, "us/gallium/import_dependence"]
    points = [{"value": 1.0, "unit": "t"}] + [{"value": float(v), "unit": "%"} for v in range(20)] + [
        {"value": None, "unit": "%"}]
    unit, values = recent_values(points)
    assert unit == "%" and values == tuple(float(v) for v in range(8, 20))
    assert recent_values([]) == ("", ())


def test_chart_html_escapes_and_references_the_attachment() -> None:
    chart = digest_chart("china/rare_earths/share_of_global_refining",
                         [{"value": 90.0, "unit": "percent"}, {"value": 92.0, "unit": "percent"}], number=1)
    assert chart is not None and chart.name == "metric-1.png" and chart.values == (90.0, 92.0)
    assert chart.label == "China · rare earths · refining share" and chart.caption == "90% → 92% (2 values)"
    html = charts_html([chart])
    assert '<img src="cid:metric-1.png"' in html and "<h2>Changed metrics</h2>" in html
    evil = DigestChart("x", "<script>", "%", (1.0,), "m.png", "<b>1</b>")
    assert "<script>" not in charts_html([evil]) and "&lt;b&gt;1&lt;/b&gt;" in charts_html([evil])
    assert digest_chart("x/y/z", [], number=1) is None
    _, body = render_digest([("A: 92%", "body")], "html", lead=html)
    assert body.index("cid:metric-1.png") < body.index("A: 92%")
    assert "cid:" not in render_digest([("A: 92%", "body")], "text", lead=html)[1]


def _parts(msg: email.message.Message) -> list[email.message.Message]:
    return [p for p in msg.walk() if not p.is_multipart()]


def _bytes(part: email.message.Message) -> bytes:
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data


def test_send_attaches_the_png_inline_to_email(smtp_server: SmtpServer) -> None:
    channel = Channel(url=SecretStr(smtp_server.url()))
    png = chart_png([1, 3, 2])
    body = '<h2>Changed metrics</h2><p><img src="cid:metric-1.png" alt="x"></p>'
    result = send(channel, "remon digest", body, body_format="html", attachments=(Attachment("metric-1.png", png),))
    assert result.ok, result.error
    (msg,) = smtp_server.messages
    assert msg.get_content_type() == "multipart/related"
    (image,) = [p for p in _parts(msg) if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<metric-1.png>" and image.get_content_disposition() == "inline"
    assert _bytes(image) == png
    (html,) = [p for p in _parts(msg) if p.get_content_type() == "text/html"]
    assert 'src="cid:metric-1.png"' in _bytes(html).decode()


ARTICLES = [
    ("China supplies 92% of the world's refined rare earths, officials said on Monday, as the Ministry of "
     "Commerce imposed new export controls on seven heavy rare earth elements. Analysts expect the measures "
     "to stay in place for months.", "China tightens rare earth controls"),
    ("Refiners in Baotou and Ganzhou cut output in the third quarter. China now supplies 88% of the world's "
     "refined rare earths, the industry association said on Thursday, after magnet makers in Japan and "
     "Germany signed long-term contracts with producers in Australia and Malaysia.", "Refiners cut output"),
]


def _publish(site: Site) -> None:
    items = []
    for i, (text, title) in enumerate(ARTICLES):
        path = f"/a/{i}.html"
        page = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
                f"<p>{text}</p></article></body></html>")
        site.pages[path] = ("text/html; charset=utf-8", page.encode())
        items.append({"title": title, "link": site.base + path, "published": f"2025-05-0{i + 1}T08:00:00Z"})
    site.pages["/feed.xml"] = ("application/rss+xml", rss(items))


@pytest.mark.slow
def test_email_digest_carries_a_chart_that_survives_a_failed_send(tmp_path: Path, site: Site) -> None:
    smtp = SmtpServer(port=free_port())  # down at the first digest: the digest waits, nothing is lost
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  tags:\n    daily: {mode: digest, every: hourly}\n", encoding="utf-8")
    env = remon_env(tmp_path, REMON_CONFIG=str(watch), REMON_NOTIFY_URLS=f"daily={smtp.url()}")
    _publish(site)
    run_remon(env, "init")
    run_remon(env, "sources", "add", f"{site.base}/feed.xml")
    run_remon(env, "poll", "--once")
    alerts = json.loads(run_remon(env, "alerts", "list", "--format", "json").stdout)
    stats = [a for a in alerts if a["kind"] in ("new_statistic", "changed_statistic")]
    assert stats and all(d["status"] == "digest" for a in alerts for d in a["deliveries"])
    smtp.start()
    try:
        run_remon(env, "poll", "--once")  # a new process: the chart is drawn again from the stored values
        (msg,) = smtp.messages
        html = _bytes(next(p for p in _parts(msg) if p.get_content_type() == "text/html")).decode()
        images = [p for p in _parts(msg) if p.get_content_type() == "image/png"]
        assert len(images) == 1 and images[0]["Content-ID"] == "<metric-1.png>"
        assert 'src="cid:metric-1.png"' in html and "China · rare earths · refining share" in html
        assert "92% → 88% (2 values)" in html, html
        data = _bytes(images[0])
        assert _image(data).size == (240, 72) and data == chart_png([92.0, 88.0])
        assert html.index("Changed metrics") < html.index("China · rare earths")
        text = _bytes(next(p for p in _parts(msg) if p.get_content_type() == "text/plain")).decode()
        assert "88%" in text and "s3cretSMTPpass" not in html + text
        after = json.loads(run_remon(env, "alerts", "list", "--format", "json").stdout)
        assert all(d["status"] == "sent" for a in after for d in a["deliveries"])
        run_remon(env, "poll", "--once")
        assert len(smtp.messages) == 1, "a digest is sent once"
    finally:
        smtp.stop()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_email_digest_chart_with_workers_on_redis_and_postgres(tmp_path: Path, site: Site,
                                                               redis_server: RedisServer, pg_url: str) -> None:
    """The same on Redis + PostgreSQL with `remon run`: a worker tries the digest while the mail server
    is down and is stopped; a new worker sends it, with the chart drawn from the stored values, once."""
    smtp = SmtpServer(port=free_port())
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  tags:\n    daily: {mode: digest, every: hourly}\n", encoding="utf-8")
    env = remon_env(tmp_path, REMON_CONFIG=str(watch), REMON_NOTIFY_URLS=f"daily={smtp.url()}",
                    REMON_DATABASE_URL=pg_url, REMON_BROKER_URL=redis_server.url, REMON_BEAT_INTERVAL="1")
    _publish(site)
    run_remon(env, "init")
    run_remon(env, "sources", "add", f"{site.base}/feed.xml", "--interval", "3600")

    def deliveries() -> list[dict[str, Any]]:
        alerts = json.loads(run_remon(env, "alerts", "list", "--format", "json").stdout)
        return [d for a in alerts for d in a["deliveries"]]

    def analysed() -> bool:
        rows = json.loads(run_remon(env, "articles", "list", "--format", "json").stdout)
        return len(rows) == 2 and all(r["status"] == "analysed" for r in rows)

    with background(remon_cmd("run", "--concurrency", "1"), env, tmp_path / "worker1.log"):
        wait_for(analysed, timeout=240, what="both articles analysed")
        wait_for(lambda: all(d["attempts"] >= 1 and d["last_error"] for d in deliveries()), timeout=120,
                 what="the digest tried (with every alert) while the mail server is down")
    assert all(d["status"] == "digest" for d in deliveries())
    smtp.start()
    try:
        with background(remon_cmd("run", "--concurrency", "1"), env, tmp_path / "worker2.log"):
            wait_for(lambda: smtp.messages, timeout=240, what="the digest mail")
            wait_for(lambda: all(d["status"] == "sent" for d in deliveries()), timeout=60, what="deliveries sent")
        (msg,) = smtp.messages
        images = [p for p in _parts(msg) if p.get_content_type() == "image/png"]
        assert [p["Content-ID"] for p in images] == ["<metric-1.png>"]
        assert _bytes(images[0]) == chart_png([92.0, 88.0])
        html = _bytes(next(p for p in _parts(msg) if p.get_content_type() == "text/html")).decode()
        assert 'src="cid:metric-1.png"' in html and "92% → 88% (2 values)" in html
    finally:
        smtp.stop()
