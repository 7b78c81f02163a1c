"""the confidence gate: held (unconfirmed) changes, and each statistic's confidence

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Issue 15: a statistic or stance below the alert threshold is held in ``unconfirmed`` until a
second, independent source states the same; ``statistics.confidence`` keeps the extractor's
calibrated confidence (stances already had theirs).
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statistics") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=True))
    op.create_table(
        "unconfirmed",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("dedup_key", sa.Text(), nullable=False, unique=True),
        sa.Column("match_key", sa.String(), nullable=False),
        sa.Column("publisher", sa.String(), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id"), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("approx", sa.Boolean(), nullable=False),
        sa.Column("position", sa.String(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("alert_id", sa.Integer(), sa.ForeignKey("alerts.id"), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.create_index("ix_unconfirmed_match_status", "unconfirmed", ["match_key", "status"])
    op.create_index("ix_unconfirmed_status", "unconfirmed", ["status"])
    op.create_index("ix_unconfirmed_article_id", "unconfirmed", ["article_id"])
    op.create_index("ix_unconfirmed_created_at", "unconfirmed", ["created_at"])


def downgrade() -> None:
    op.drop_table("unconfirmed")
    with op.batch_alter_table("statistics") as batch:
        batch.drop_column("confidence")
