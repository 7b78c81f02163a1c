"""Issue 15: held items expire. An unconfirmed item that no second source confirms within
``REMON_UNCONFIRMED_MAX_DAYS`` leaves the waiting set by the maintenance path: kept, marked expired,
never alerted, listed as expired (CLI/page listing, digest), and a confirmation arriving after expiry
sends nothing. In process, on SQLite and PostgreSQL, with a real json:// receiver for the digest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import select

from storage import unconfirmed
from storage.db import session_scope
from storage.models import Alert, Article, Source, Unconfirmed, utcnow
from tasks.alerting import detect_and_record, send_due_digests
from tasks.maintenance import run as maintenance
from tasks.runtime import Runtime, build_runtime
from tests.servers import JsonReceiver
from worker.alert.gate import expiry_cutoff
from worker.config import load_settings
from worker.types import Analysis, Stance, Statistic

REFINING, GALLIUM = "china/rare_earths/share_of_global_refining", "china/gallium/share_of_global_production"


def _runtime(tmp_path: Path, db_url: str, receiver: JsonReceiver, days: int = 14) -> Runtime:
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  tags:\n    daily: {mode: digest, every: hourly}\n", encoding="utf-8")
    return build_runtime(load_settings(data_dir=tmp_path, database_url=db_url, config=watch,
                                       notify_urls=f"daily={receiver.url('digest-token')}",
                                       alert_min_confidence=0.8, unconfirmed_max_days=days))


def _article(db_url: str, host: str, n: int) -> int:
    with session_scope(db_url) as s:
        source = Source(url=f"http://{host}/feed.xml", name=host)
        s.add(source)
        s.flush()
        art = Article(url=f"http://{host}/a{n}.html", source_id=source.id, title=f"Article {n}",
                      text="China holds 90% of rare earth refining.", language="en", relevant=True,
                      status="analysed", published_at=utcnow())
        s.add(art)
        s.flush()
        return art.id or 0


def _analyse(db_url: str, rt: Runtime, article_id: int, *, stance: bool = False) -> list[int]:
    stats = (Statistic(value=90.0, unit="percent", subject="china", material="rare_earths",
                       measure="share_of_global_refining", confidence=0.5, sentence="China holds 90%."),
             Statistic(value=98.0, unit="percent", subject="china", material="gallium",
                       measure="share_of_global_production", confidence=0.5, sentence="China makes 98%."))
    eu = Stance(actor="eu", position="counter", confidence=0.5, sentence="The EU pushes back.")
    stances = (eu,) if stance else ()
    with session_scope(db_url) as s:
        article = s.get(Article, article_id)
        assert article is not None
        return detect_and_record(s, rt, article=article, analysis=Analysis(
            language="en", relevant=True, relevance=1.0, statistics=stats, stances=stances))


def _held(db_url: str) -> dict[tuple[str, int], dict[str, Any]]:
    with session_scope(db_url) as s:
        return {(u.match_key, u.article_id or 0): {"status": u.status, "expired_at": u.expired_at, "id": u.id}
                for u in s.exec(select(Unconfirmed)).all()}


def test_expiry_cutoff() -> None:
    now = utcnow()
    assert expiry_cutoff(now, 14) == now - timedelta(days=14)
    assert expiry_cutoff(now, 0) is None


def test_held_items_expire_and_a_late_confirmation_sends_nothing(db_url: str, tmp_path: Path,
                                                                 json_receiver: JsonReceiver) -> None:
    rt = _runtime(tmp_path, db_url, json_receiver)
    first = _article(db_url, "wire.example", 1)
    assert _analyse(db_url, rt, first, stance=True) == []  # all three below 0.8: held
    held = _held(db_url)
    assert {k for k, _ in held} == {f"metric:{REFINING}", f"metric:{GALLIUM}", "stance:eu"}
    assert all(v["status"] == "waiting" for v in held.values())
    with session_scope(db_url) as s:  # the refining share and the stance were held 15 days ago
        for row in s.exec(select(Unconfirmed)).all():
            if row.match_key != f"metric:{GALLIUM}":
                row.created_at = utcnow() - timedelta(days=15)
                s.add(row)

    assert maintenance(rt)["unconfirmed_expired"] == 2
    assert maintenance(rt)["unconfirmed_expired"] == 0  # once
    held = _held(db_url)
    assert held[(f"metric:{REFINING}", first)]["status"] == "expired"
    assert held[(f"metric:{REFINING}", first)]["expired_at"] is not None
    assert held[(f"metric:{GALLIUM}", first)]["status"] == "waiting"
    with session_scope(db_url) as s:
        listed = unconfirmed.listing(s, status="expired")
        assert {r["payload"]["statistic"]["measure"] for r in listed if r["payload"].get("statistic")} == {
            "share_of_global_refining"}
        assert unconfirmed.waiting(s, match_keys=[f"metric:{REFINING}", "stance:eu"]) == []
        # an expired stance was never alerted: still no known position of the actor
        assert ("eu", first) in unconfirmed.waiting_stance_articles(s, actors=["eu"])

    # the review page lists it as expired, with the setting's days
    from fastapi.testclient import TestClient

    from remon.web.app import create_app

    page = TestClient(create_app(db_url, settings=rt.settings)).get("/alerts/unconfirmed",
                                                                     params={"status": "expired"})
    assert page.status_code == 200 and "Unconfirmed: expired" in page.text and "within\n14 days" in page.text
    assert "refining share" in page.text and "gallium" not in page.text

    # the digest shows the expired item in a section of its own, the waiting one as unconfirmed
    assert send_due_digests(rt, now=utcnow()) == 1
    (digest,) = json_receiver.received
    message = digest["message"]
    expired_at = message.index("Expired unconfirmed")
    assert message.index("Unconfirmed (waiting for a second source)") < message.index("gallium") < expired_at
    assert message.index("refining share") > expired_at
    assert "1 unconfirmed, 2 expired" in digest["title"]

    # a second, independent publisher states both: the waiting one is confirmed, the expired one is not
    second = _article(db_url, "daily.example", 2)
    sent = _analyse(db_url, rt, second)
    with session_scope(db_url) as s:
        alerts = s.exec(select(Alert)).all()
        assert [a.id for a in alerts] == sent and len(alerts) == 1
        assert alerts[0].kind == "new_statistic" and alerts[0].payload["statistic"]["material"] == "gallium"
        assert alerts[0].payload["details"]["sources_count"] == 2
    held = _held(db_url)
    assert held[(f"metric:{GALLIUM}", first)]["status"] == "confirmed"
    assert held[(f"metric:{REFINING}", first)]["status"] == "expired"  # stays expired, never alerted
    assert held[(f"metric:{REFINING}", second)]["status"] == "waiting"  # the late one waits on its own


def test_zero_days_never_expires(db_url: str, tmp_path: Path, json_receiver: JsonReceiver) -> None:
    rt = _runtime(tmp_path, db_url, json_receiver, days=0)
    _analyse(db_url, rt, _article(db_url, "wire.example", 1))
    with session_scope(db_url) as s:
        for row in s.exec(select(Unconfirmed)).all():
            row.created_at = utcnow() - timedelta(days=400)
            s.add(row)
    assert maintenance(rt)["unconfirmed_expired"] == 0
    assert {v["status"] for v in _held(db_url).values()} == {"waiting"}
