# ruff: noqa: F811  (the http_server fixture is imported, then requested by name)
"""A page in a language remon does not read, through the real task path (``refresh_source`` then
``process_article``, a local HTTP server, a migrated database): it is stored as irrelevant, with its
language and a reason a user reads (the article's ``error_code`` / ``error_message``), and nothing
is extracted from it. The pages are written for this test.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from storage import queries
from storage.db import session_scope
from storage.models import Article, Claim, Stance, Statistic
from tasks import steps
from tasks.runtime import build_runtime
from tests.httpserver import Canned, TestServer, http_server  # noqa: F401
from tests.servers import rss
from worker.config import load_settings

INDONESIAN = (
    "Pemerintah Indonesia resmi melarang ekspor tanah jarang dan nikel mentah mulai tahun depan, kata menteri "
    "energi dalam konferensi pers di Jakarta pada hari Senin. Menurut kementerian, sekitar 90% cadangan nikel "
    "nasional akan diolah di dalam negeri. Pemerintah China menyatakan keberatan dan meminta agar larangan itu "
    "ditunda, sementara para pengusaha tambang menyambut baik kepastian aturan tersebut."
)
ENGLISH = (
    "China imposed export controls on gallium and germanium on Monday, the commerce ministry said, requiring "
    "licences for every shipment. China supplies about 90% of the world's refined gallium, and buyers in Europe "
    "and Japan warned of shortages within weeks."
)


def page(lang: str, title: str, body: str) -> bytes:
    # declared as English, as a site template often does: the text decides
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>").encode()


def test_an_indonesian_page_is_stored_irrelevant_with_its_language_and_reason(
        db_url: str, http_server: TestServer, tmp_path: Path) -> None:
    rt = build_runtime(load_settings(data_dir=tmp_path, database_url=db_url, allow_private_networks=True,
                                     notify_urls=""))
    links = [http_server.add("/id.html", Canned(headers={"Content-Type": "text/html"},
                                                body=page("en-US", "Larangan ekspor tanah jarang", INDONESIAN))),
             http_server.add("/en.html", Canned(headers={"Content-Type": "text/html"},
                                                body=page("en", "China curbs gallium exports", ENGLISH)))]
    feed = http_server.add("/feed.xml", Canned(headers={"Content-Type": "application/rss+xml"},
                                               body=rss([{"title": "item", "link": link} for link in links])))
    with session_scope(rt.db_url) as session:
        source_id = queries.add_source(session, url=feed)[0].id
    assert source_id is not None
    result = steps.refresh_source(rt, source_id)
    assert len(result.new_article_ids) == 2
    for article_id in result.new_article_ids:
        steps.process_article(rt, article_id)

    with session_scope(rt.db_url) as session:
        rows = {a.url.rsplit("/", 1)[1]: a for a in session.exec(select(Article))}
        foreign, english = rows["id.html"], rows["en.html"]
        assert foreign.status == "irrelevant" and foreign.relevant is False
        assert foreign.language == "id"
        assert foreign.error_code == "extract.language_not_read"
        assert foreign.error_message == ("language id (Indonesian) is not read by remon; "
                                         "it reads en, zh-Hans, zh-Hant")
        assert foreign.text and "tanah jarang" in foreign.text  # the page itself is kept
        for table in (Statistic, Stance, Claim):
            assert not list(session.exec(select(table).where(table.article_id == foreign.id)))
        # the English page beside it is read as before, with no reason
        assert english.status == "analysed" and english.language == "en"
        assert english.error_code is None and english.error_message is None
        assert list(session.exec(select(Statistic).where(Statistic.article_id == english.id)))
