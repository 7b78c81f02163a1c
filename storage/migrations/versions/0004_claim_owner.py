"""who holds a claim: sources, articles and deliveries record their claim's owner

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

``claimed_by`` holds the owner token of a claim (``tasks.claims``): the worker process (host, boot
id, pid, start time) and the task run (Celery task id, retry count). A starting worker (and the
sweeper) releases the claims of processes on its host that are gone, and a retry takes over the
claim its own earlier run left, instead of waiting for the lease to run out (issue 19). Rows
claimed before this migration have no owner: their lease decides, as before.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TABLES = ("sources", "articles", "deliveries")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("claimed_by", sa.String(), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("claimed_by")
