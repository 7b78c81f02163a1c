"""Full-text search over article titles and texts, in English and Chinese, on SQLite and PostgreSQL.

Neither database segments Chinese words, so both index the same *search document* built here:
lower-cased Latin words and numbers, and Chinese runs cut into overlapping character bigrams
(``稀土出口`` → ``稀土 土出 出口``), the usual way to index CJK text without a dictionary. Queries go
through the same function, and every query token must be present (AND), so ``出口管制`` finds texts
containing ``出口管制`` (bigrams in a row), and ``rare earth`` finds texts with both words. Traditional characters are
folded to Simplified first, so either script finds both.

SQLite keeps the documents in an FTS5 table (``article_fts``, rowid = article id); PostgreSQL in
``article_search`` with a GIN-indexed ``tsvector`` (parser ``simple``: no stemming, no stop words).
The index follows the ``articles`` table through a session hook (:func:`install_hook`): whenever
an article's title or text is flushed, its document is rewritten in the same transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession

from worker.common.cjk import HAN_CLASS
from worker.extract.vocab import prepare

_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(f"[{HAN_CLASS}]+")
MAX_QUERY_TOKENS = 16


def phrases(value: str) -> list[list[str]]:
    """The search tokens of ``value`` grouped: one per Latin word or number, a bigram run per Chinese run."""
    out: list[list[str]] = []
    for word in _WORD.findall(prepare(value).lower()):
        pos = 0
        for run in _CJK.finditer(word):
            if run.start() > pos:
                out.append([word[pos : run.start()]])
            chars = run.group()
            out.append([chars] if len(chars) == 1 else [chars[i : i + 2] for i in range(len(chars) - 1)])
            pos = run.end()
        if pos < len(word):
            out.append([word[pos:]])
    return out


def tokens(value: str) -> list[str]:
    """The search tokens of ``value``: Latin words and numbers, and bigrams of Chinese runs."""
    return [token for phrase in phrases(value) for token in phrase]


def document(title: str | None, body: str | None) -> str:
    """The text stored in the index for one article."""
    return " ".join(tokens(f"{title or ''}\n{body or ''}"))


def query_phrases(query: str) -> list[list[str]]:
    """What a query must match: each phrase's tokens in a row (a Chinese run stays a phrase, so
    ``出口管制`` does not match a text that only has ``出口`` and ``管制`` apart), every phrase (AND).
    At most ``MAX_QUERY_TOKENS`` tokens in all."""
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    budget = MAX_QUERY_TOKENS
    for phrase in phrases(query):
        key = tuple(phrase)
        if key in seen or budget <= 0:
            continue
        seen.add(key)
        out.append(phrase[:budget])
        budget -= len(phrase)
    return out


def _dialect(conn: Connection) -> str:
    return conn.dialect.name


def index_articles(conn: Connection, rows: Iterable[tuple[int, str | None, str | None]]) -> int:
    """(Re)write the search documents of ``(article_id, title, text)`` rows; returns how many."""
    params = [{"id": article_id, "doc": document(title, body)} for article_id, title, body in rows]
    if not params:
        return 0
    if _dialect(conn) == "postgresql":
        conn.execute(text(
            "INSERT INTO article_search (article_id, tsv) VALUES (:id, to_tsvector('simple', :doc)) "
            "ON CONFLICT (article_id) DO UPDATE SET tsv = EXCLUDED.tsv"), params)
    else:
        conn.execute(text("DELETE FROM article_fts WHERE rowid = :id"), [{"id": p["id"]} for p in params])
        conn.execute(text("INSERT INTO article_fts (rowid, doc) VALUES (:id, :doc)"), params)
    return len(params)


# Up to this many matches, the search reads the matching ids first and sorts just those; above it,
# the newest articles are read in order and each is checked against the index until a page is full.
FEW_MATCHES = 5000


def match_clause(conn: Connection, query: str, *, few: int | None = None) -> tuple[str, dict[str, Any]] | None:
    """A SQL condition on ``articles.id`` for ``query``, or None when the query has no token.

    The query never reaches the database as syntax: it is cut into word tokens here (letters and
    digits only) and bound as a parameter, each token quoted for the engine's query language.

    Why a probe first: the newest-first page wants opposite plans for rare and common terms, and
    neither database estimates a term's frequency well (PostgreSQL has no statistics for a word it
    has not sampled, SQLite none at all). A rare word is fastest as "fetch its few ids, sort them";
    a word in most articles as "walk the newest articles, keep those that match" (reading every
    match first took 2.5 s on 1,000,000 articles). One ``LIMIT few + 1`` read of the index tells
    which case this is.
    """
    groups = query_phrases(query)
    if not groups:
        return None
    few = FEW_MATCHES if few is None else few
    pg = _dialect(conn) == "postgresql"
    if pg:
        tsq = " & ".join("(" + " <-> ".join(f"'{t}'" for t in g) + ")" for g in groups)
        probe = "SELECT article_id FROM article_search WHERE tsv @@ to_tsquery('simple', :fts_query) LIMIT :cap"
        walk = ("EXISTS (SELECT 1 FROM article_search WHERE article_search.article_id = articles.id "
                "AND article_search.tsv @@ to_tsquery('simple', :fts_query))")
    else:
        tsq = " ".join('"' + " ".join(t.replace('"', '""') for t in g) + '"' for g in groups)
        probe = "SELECT rowid FROM article_fts WHERE article_fts MATCH :fts_query LIMIT :cap"
        walk = ("EXISTS (SELECT 1 FROM article_fts WHERE article_fts MATCH :fts_query "
                "AND article_fts.rowid = articles.id)")
    ids = [int(r[0]) for r in conn.execute(text(probe), {"fts_query": tsq, "cap": few + 1})]
    if len(ids) > few:
        return walk, {"fts_query": tsq}
    if not ids:
        return "1 = 0", {}
    if pg:
        return "articles.id = ANY(CAST(:fts_ids AS INTEGER[]))", {"fts_ids": ids}
    return "articles.id IN (SELECT value FROM json_each(:fts_ids))", {"fts_ids": json.dumps(ids)}


def reindex_all(conn: Connection, *, batch: int = 1000) -> int:
    """Rebuild the whole index from ``articles`` (after a bulk load or a restore)."""
    done = 0
    last = 0
    while True:
        rows: Sequence[Any] = conn.execute(text(
            "SELECT id, title, text FROM articles WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": batch}).all()
        if not rows:
            return done
        done += index_articles(conn, ((r[0], r[1], r[2]) for r in rows))
        last = rows[-1][0]


def _after_flush(session: OrmSession, _context: Any) -> None:
    from storage.models import Article

    changed = []
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Article) or obj.id is None:
            continue
        state = inspect(obj)
        if obj in session.new or state.attrs.title.history.has_changes() or state.attrs.text.history.has_changes():
            changed.append((obj.id, obj.title, obj.text))
    if changed:
        index_articles(session.connection(), changed)


_installed = False


def install_hook() -> None:
    """Keep the index in step with every ORM write to ``articles`` (idempotent)."""
    global _installed
    if not _installed:
        event.listen(OrmSession, "after_flush", _after_flush)
        _installed = True
