"""A small history for the corrections tests: two sources, three articles, one alert waiting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from storage.db import session_scope
from storage.models import Alert, Article, Delivery, Source, Stance, Statistic

SHARE = "china/rare_earths/share_of_global_refining"
PROD = "china/rare_earths/share_of_global_production"


def seed(db_url: str) -> dict[str, Any]:
    """Two sources, three articles: 90% then 92% for SHARE (the 92% alerted), one production share,
    China's stance tighten then ease."""
    with session_scope(db_url) as s:
        wire, daily = Source(url="http://127.0.0.1/wire", name="Wire"), Source(url="http://127.0.0.1/daily",
                                                                                  name="Daily")
        s.add_all([wire, daily])
        s.flush()
        ids: dict[str, Any] = {}
        for n, (src, value, measure, position) in enumerate([
                (wire, 90.0, "share_of_global_refining", "tighten"),
                (daily, 92.0, "share_of_global_refining", "ease"),
                (wire, 61.0, "share_of_global_production", None)], 1):
            when = datetime(2026, n, 10, tzinfo=UTC)
            art = Article(url=f"http://127.0.0.1/a{n}", source_id=src.id, title=f"Article {n}",
                          text=f"China holds {value}% of rare earth output.", language="en",
                          published_at=when, relevant=True, status="analysed")
            s.add(art)
            s.flush()
            stat = Statistic(article_id=art.id, idx=0, value=value, unit="percent", subject="china",
                             material="rare_earths", measure=measure,
                             metric_key=f"china/rare_earths/{measure}", sentence=art.text or "",
                             published_at=when)
            s.add(stat)
            if position:
                s.add(Stance(article_id=art.id, idx=0, actor="china", position=position, confidence=0.9,
                             sentence=art.text or "", published_at=when))
            s.flush()
            ids[f"article{n}"], ids[f"stat{n}"] = art.id, stat.id
        alert = Alert(kind="changed_statistic", dedup_key=f"stat:{ids['article2']}:{SHARE}:0",
                      debounce_key=f"metric:{SHARE}", article_id=ids["article2"], title="t", body="b")
        s.add(alert)
        s.flush()
        s.add(Delivery(alert_id=alert.id, channel_key="k", channel="json://***", status="pending"))
        ids["alert"] = alert.id
        ids["stance2"] = s.exec(select(Stance.id).where(Stance.article_id == ids["article2"])).one()
    return ids
