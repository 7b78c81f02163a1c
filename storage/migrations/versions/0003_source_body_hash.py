"""a source's last body hash and feed ttl; articles by first sight

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

``sources.body_hash`` is the SHA-256 of the last body a source served (with its kind and options),
so a feed that answers 200 with the same bytes is not parsed again: most feeds have no validators
and most polls find nothing new. ``sources.feed_ttl`` keeps the feed's ``<ttl>`` for those polls.
``ix_articles_first_seen``: the near-duplicate look-up reads the last 30 days of articles by
``first_seen_at`` for every new article (a full scan of the table without it).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("body_hash", sa.String(), nullable=True))
        batch.add_column(sa.Column("feed_ttl", sa.Integer(), nullable=True))
    op.create_index("ix_articles_first_seen", "articles", ["first_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_first_seen", table_name="articles")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("feed_ttl")
        batch.drop_column("body_hash")
