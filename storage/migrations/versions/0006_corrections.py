"""corrections: a person's verdict on an alert, a statistic or a stance (issue 15)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02

A new table only: the extracted rows stay as they were (a correction never overwrites them);
reads apply the latest correction of each target. Chained after 0005 (the confidence gate's table).
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("who", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("target_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id"), nullable=True),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("material", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("measure", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("position", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("metric_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("silence_key", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_corrections_created_at", "corrections", ["created_at"])
    op.create_index("ix_corrections_article_id", "corrections", ["article_id"])
    op.create_index("ix_corrections_metric_key", "corrections", ["metric_key"])
    op.create_index("ix_corrections_silence_key", "corrections", ["silence_key"])
    op.create_index("ix_corrections_target", "corrections", ["target_kind", "target_id"])


def downgrade() -> None:
    op.drop_table("corrections")
