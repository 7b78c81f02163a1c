"""Seeded data for the review app's tests: the demo timeline through the real pipeline, plus one
hostile article written straight to the tables (feedparser and trafilatura would strip its markup
on the way in, and the point is to prove the pages escape whatever is stored)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

XSS_TITLE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">稀土 rare earth payload'
XSS_TEXT = ('Intro <img src=x onerror="window.__xss=3"> and <svg onload="window.__xss=4"></svg> '
            'China supplies 77% of payloads. <a href="javascript:window.__xss=5">click</a> '
            '"><script>window.__xss=6</script>')
SECRET = "s3cr3t-token-value"


def seed(db_url: str, tmp: Path) -> dict[str, Any]:
    """Run the demo timeline into ``db_url`` and add the hostile article; returns useful ids."""
    from remon.demo import demo_settings
    from remon.demo import seed as seed_demo
    from storage.db import session_scope
    from storage.models import Alert, Article, Claim, Delivery, Source, Stance, Statistic

    settings = demo_settings(tmp / "demo", database_url=db_url)
    totals = seed_demo(settings)
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    with session_scope(db_url) as s:
        src = Source(url="http://127.0.0.1:9/evil.xml", name='<b onmouseover="window.__xss=7">Evil source</b>',
                     error_count=2, error_code="fetch.http_status", error_message='<script>window.__xss=8</script>')
        s.add(src)
        s.flush()
        art = Article(url='http://127.0.0.1:9/a?x="><script>window.__xss=9</script>', source_id=src.id,
                      title=XSS_TITLE, text=XSS_TEXT, language="en", published_at=now, status="analysed",
                      relevant=True, relevance=0.9)
        s.add(art)
        s.flush()
        assert art.id is not None
        start = XSS_TEXT.index("77%")
        s.add(Statistic(article_id=art.id, idx=0, value=77.0, unit="percent", subject="china", material="payloads",
                        measure="share_of_global_refining",
                        metric_key="china/payloads/<script>window.__xss=10</script>",
                        sentence="China supplies 77% of payloads.", start=start, end=start + 3, published_at=now))
        s.add(Stance(article_id=art.id, idx=0, actor='<img src=x onerror="window.__xss=11">', position="tighten",
                     sentence=XSS_TEXT[:40], published_at=now))
        s.add(Claim(article_id=art.id, idx=0, fingerprint="evilfp", speaker='<i onclick="x()">Speaker</i>',
                    text='<script>window.__xss=12</script> claim', sentence=XSS_TEXT[:20], published_at=now))
        alert = Alert(kind="new_statistic", dedup_key="evil:1", article_id=art.id, title=XSS_TITLE,
                      body='<img src=x onerror="window.__xss=13">', payload={"article_url": art.url})
        s.add(alert)
        s.flush()
        assert alert.id is not None
        s.add(Delivery(alert_id=alert.id, channel_key="k1", channel="json://127.0.0.1/…", status="failed",
                       attempts=3, last_error='<script>window.__xss=14</script> HTTP 500'))
        hostile_id, alert_id = art.id, alert.id
    return {"totals": totals, "hostile_id": hostile_id, "hostile_alert": alert_id}



DISPUTED = "china/rare_earths/disputed_share"


def add_disputed_metric(db_url: str) -> str:
    """A metric whose two sources really disagree under the detector's own tolerance (the demo's 90%
    and "about 92%" agree, issue 17): the wire's 90% and the Chinese daily's 95% in September, then
    the wire's 94% twice, each in its own article of the demo's sources. Returns the metric key."""
    from sqlmodel import select

    from storage.db import session_scope
    from storage.models import Article, Source, Statistic

    values = [("Demo Wire (EN)", "2026-09-01", 90.0), ("演示日报 (ZH)", "2026-09-08", 95.0),
              ("Demo Wire (EN)", "2026-10-02", 94.0), ("Demo Wire (EN)", "2026-11-03", 94.0)]
    with session_scope(db_url) as s:
        sources = {src.name: src.id for src in s.exec(select(Source)).all()}
        for i, (name, day, value) in enumerate(values):
            when = datetime.fromisoformat(f"{day}T12:00:00+00:00")
            sentence = f"The disputed share is {value:g}%."
            art = Article(url=f"http://127.0.0.1:9/disputed/{i}", source_id=sources[name], title=f"Disputed share {i}",
                          text=sentence, language="en", published_at=when, status="analysed", relevant=True)
            s.add(art)
            s.flush()
            assert art.id is not None
            start = sentence.index(f"{value:g}%")
            s.add(Statistic(article_id=art.id, idx=0, value=value, unit="percent", subject="china",
                            material="rare_earths", measure="disputed_share", metric_key=DISPUTED,
                            sentence=sentence, start=start, end=start + len(f"{value:g}%"), published_at=when))
    return DISPUTED
