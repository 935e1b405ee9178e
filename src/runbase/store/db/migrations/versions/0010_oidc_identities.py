"""oidc identities

Revision ID: 0010_oidc_identities
Revises: 0009_blobs
Create Date: 2026-12-02 06:50:00

The team server's OpenID Connect sign-in: which user each (issuer, subject) is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_oidc_identities"
down_revision = "0009_blobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oidc_identities",
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("issuer", "subject"),
    )


def downgrade() -> None:
    op.drop_table("oidc_identities")
