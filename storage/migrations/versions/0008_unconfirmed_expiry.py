"""held items expire: ``unconfirmed.expired_at`` (issue 15)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

A held (unconfirmed) item that no second source confirms within ``REMON_UNCONFIRMED_MAX_DAYS`` gets
``status = 'expired'`` and the moment in ``expired_at`` (the digest lists those that expired since
its last message). Nullable, no backfill: rows held before this revision are waiting or confirmed.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unconfirmed") as batch:
        batch.add_column(sa.Column("expired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unconfirmed") as batch:
        batch.drop_column("expired_at")
