"""Search reads few matches as an id list and many by walking the newest articles: same answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from storage import search
from storage.db import get_engine, session_scope
from storage.models import Article
from storage.review import ArticleFilter, list_articles

QUERIES = ["rare earth", "gallium", "稀土", "出口管制", "rare earth gallium", "magnet", "nothing-here", "錸"]


def _seed(db_url: str) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with session_scope(db_url) as s:
        for i in range(60):
            words = ["rare earth" if i % 2 else "copper", "gallium" if i % 7 == 0 else "tin",
                     "稀土出口管制" if i % 3 == 0 else "天气"]
            # published dates out of id order, some missing: the page is by publication, newest first
            published = None if i % 11 == 0 else start + timedelta(days=(i * 37) % 90)
            s.add(Article(url=f"https://news.example/{i}", title=f"Story {i}", text=" ".join(words),
                          published_at=published, language="en", status="analysed"))


@pytest.mark.parametrize("page", [(20, 0), (7, 14)])
def test_both_plans_give_the_same_page(db_url: str, monkeypatch: pytest.MonkeyPatch, page: tuple[int, int]) -> None:
    _seed(db_url)
    limit, offset = page
    answers: dict[int, list[list[int]]] = {}
    for few in (0, 2, 10_000):  # walk always, walk for most queries, id list always
        monkeypatch.setattr(search, "FEW_MATCHES", few)
        with Session(get_engine(db_url)) as session:
            answers[few] = [[a["id"] for a in list_articles(session, ArticleFilter(q=q, limit=limit,
                                                                                  offset=offset))[0]]
                            for q in QUERIES]
    assert answers[0] == answers[2] == answers[10_000]
    found = dict(zip(QUERIES, answers[0], strict=True))
    assert len(found["rare earth"]) == min(limit, 30 - offset)  # 30 of the 60 articles say it
    assert len(found["gallium"]) == (9 if offset == 0 else 0)  # i % 7 == 0: 9 of 60
    assert found["nothing-here"] == [] and found["錸"] == []
    assert found["稀土"] == found["出口管制"] and found["稀土"]
