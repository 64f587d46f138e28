"""The typing of result rows (SQLAlchemy 2.1 types a Row by its column tuple)."""

from typing import Any, TypeAlias

from sqlalchemy import Row

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
"""A result row of any shape, read by column name."""
