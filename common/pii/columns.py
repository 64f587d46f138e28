"""Which columns of a service hold encrypted personal data (declared in its manifest)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EncryptedColumn:
    """Encrypted columns of one table; ``str(primary key)`` is the row key bound into each value.

    Tables with composite primary keys are not supported: give them a surrogate key.
    """

    table: str
    primary_key: str
    columns: tuple[str, ...]
