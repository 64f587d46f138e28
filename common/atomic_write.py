"""A state change and everything that must commit with it, as one statement.

``guarded_write(change, *followers)`` makes the change (an UPDATE ... RETURNING whose WHERE
holds its guards: the version the client read, the states it may change from) a data-modifying
CTE, and each follower an INSERT that selects its bound values FROM that CTE, so it writes its
row only if the change matched. PostgreSQL runs every data-modifying CTE of a statement, and a
lone statement on an autocommit connection (``common.driver``) is its own transaction: the
audit row, the outbox message and the stored idempotent response land with the change or not
at all, in one round trip instead of BEGIN, four statements and COMMIT.

The statement returns the change's RETURNING row: none means the guards did not hold (and
nothing was written).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import CTE, Insert, Select, Table, bindparam, insert, select
from sqlalchemy.sql.dml import UpdateBase

__all__ = ["Follower", "guarded_write", "insert_per_change", "prefixed"]

CHANGED = "changed"

Follower = Callable[[CTE], Insert]
"""Builds an INSERT that runs once per row the change returned."""


def guarded_write(change: UpdateBase, *followers: Follower) -> Select[Any]:
    """``WITH changed AS (<change>), f1 AS (<insert>), ... SELECT * FROM changed``."""
    changed = change.cte(CHANGED)
    statement = select(changed)
    for index, follower in enumerate(followers):
        statement = statement.add_cte(follower(changed).cte(f"follower_{index}"))
    return statement


def insert_per_change(table: Table, columns: Sequence[str], prefix: str) -> Follower:
    """A follower inserting one row of bound values, named ``prefix + column``, per change."""

    def follow(changed: CTE) -> Insert:
        values = select(*(bindparam(prefix + name, type_=table.c[name].type) for name in columns))
        return insert(table).from_select(list(columns), values.select_from(changed))

    return follow


def prefixed(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A follower's values under its parameter names."""
    return {prefix + name: value for name, value in values.items()}
