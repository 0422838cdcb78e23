"""accent-blind search: em_fold(text) on PostgreSQL (SQLite registers it on each connection)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # unaccent is a trusted extension (PostgreSQL 13+): the owner of the database may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # The dictionary is named with its schema so that the function is immutable whatever the search_path,
    # which lets an index use it later.
    op.execute(
        "CREATE OR REPLACE FUNCTION em_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        "AS $$ SELECT lower(unaccent('unaccent'::regdictionary, $1)) $$"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS em_fold(text)")
