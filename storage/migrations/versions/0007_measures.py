"""measures and their events (issue 18)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

``measure_events``: every export-control event an article reported (``worker.types.MeasureEvent``:
action, issuer, materials, items, identifier, refers_to, dates, targets, thresholds, evidence
sentence, confidence), with its article and source, unique on (article_id, idx). ``measures``: one
row per announcement, which the events point to; ``conflicts`` keeps dates the reports disagree on.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column("issuer", sa.String(), nullable=True),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.create_table(
        "measure_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("measure_id", sa.Integer(), sa.ForeignKey("measures.id"), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id"), nullable=True),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("issuer", sa.String(), nullable=True),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("identifier", sa.String(), nullable=True),
        sa.Column("refers_to", sa.String(), nullable=True),
        sa.Column("announced", sa.String(), nullable=True),
        sa.Column("effective", sa.String(), nullable=True),
        sa.Column("until", sa.String(), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("dates_as_written", sa.JSON(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("in_title", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("article_id", "idx", name="uq_measure_event"),
    )
    op.create_index("ix_measure_events_measure_id", "measure_events", ["measure_id"])
    op.create_index("ix_measure_events_article_id", "measure_events", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_measure_events_article_id", table_name="measure_events")
    op.drop_index("ix_measure_events_measure_id", table_name="measure_events")
    op.drop_table("measure_events")
    op.drop_table("measures")
