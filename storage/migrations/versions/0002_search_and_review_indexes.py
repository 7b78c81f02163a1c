"""full-text search and review indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

SQLite: an FTS5 table ``article_fts`` (rowid = article id). PostgreSQL: ``article_search`` with a
GIN-indexed tsvector. Both hold the documents built by ``storage.search`` (Chinese as bigrams), which
are filled here for the articles already stored. Plus indexes the review app's lists sort on.
"""
from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("CREATE TABLE article_search (article_id INTEGER PRIMARY KEY "
                   "REFERENCES articles(id) ON DELETE CASCADE, tsv TSVECTOR NOT NULL)")
        op.execute("CREATE INDEX ix_article_search_tsv ON article_search USING GIN (tsv)")
        op.execute("CREATE INDEX ix_articles_published_desc ON articles (published_at DESC NULLS LAST, id DESC)")
    else:
        op.execute("CREATE VIRTUAL TABLE article_fts USING fts5(doc, tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE INDEX ix_articles_published_desc ON articles (published_at DESC, id DESC)")
    op.create_index("ix_statistics_published", "statistics", ["published_at"])
    op.create_index("ix_stances_published", "stances", ["published_at"])
    op.create_index("ix_claims_published", "claims", ["published_at"])

    from storage.search import reindex_all

    reindex_all(conn)


def downgrade() -> None:
    op.drop_index("ix_claims_published", "claims")
    op.drop_index("ix_stances_published", "stances")
    op.drop_index("ix_statistics_published", "statistics")
    op.execute("DROP INDEX ix_articles_published_desc")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE article_search")
    else:
        op.execute("DROP TABLE article_fts")
