"""An instrument's location is encrypted: a utility meter or a private scale sits at a home.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

The location of a natural person's instrument is that person's address, so every location is
sealed by the field cipher like the owner's name and phone (a firm's site gains nothing from
staying clear: nothing looks a location up). Existing rows are encrypted here, in batches of
``BATCH`` in id order, with the key ``moea reencrypt-pii`` uses: the service's settings
(``INSPECTION_PII_KEYS`` / ``INSPECTION_PII_ACTIVE_KEY_ID``), which the migration Job shares
with the service. The clear column is dropped in the same transaction, so no copy stays behind.
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from common.pii import FieldCipher
from inspection.settings import InspectionSettings

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inspection"
TABLE = "instrument"
BATCH = 500
# Where each value is sealed, as inspection.metrology.service seals it (the row key is the id).
WHERE = {"table": TABLE, "column": "location"}

Convert = Callable[[FieldCipher, object, str], object]


def _seal(cipher: FieldCipher, value: object, row_key: str) -> object:
    assert isinstance(value, str)
    return cipher.encrypt(value, **WHERE, row_key=row_key)


def _open(cipher: FieldCipher, value: object, row_key: str) -> object:
    assert isinstance(value, bytes)
    return cipher.decrypt(value, **WHERE, row_key=row_key)


def _rewrite(kind: sa.types.TypeEngine[Any], convert: Convert) -> None:
    """Copy ``location`` through ``convert`` into a column of type ``kind``, then swap them."""
    op.add_column(TABLE, sa.Column("location_new", kind), schema=SCHEMA)
    cipher = FieldCipher.from_settings(InspectionSettings())
    rows = sa.table(
        TABLE, sa.column("id"), sa.column("location"), sa.column("location_new"), schema=SCHEMA
    )
    bind, last = op.get_bind(), 0
    while batch := bind.execute(
        sa.select(rows.c.id, rows.c.location)
        .where(rows.c.id > last)
        .order_by(rows.c.id)
        .limit(BATCH)
        .with_for_update()
    ).all():
        changes = [{"pk": i, "value": convert(cipher, value, str(i))} for i, value in batch]
        update = rows.update().where(rows.c.id == sa.bindparam("pk"))
        bind.execute(update.values(location_new=sa.bindparam("value")), changes)
        last = batch[-1][0]
    op.drop_column(TABLE, "location", schema=SCHEMA)
    op.alter_column(
        TABLE, "location_new", new_column_name="location", nullable=False, schema=SCHEMA
    )


def upgrade() -> None:
    _rewrite(sa.LargeBinary(), _seal)


def downgrade() -> None:
    _rewrite(sa.Text(), _open)
