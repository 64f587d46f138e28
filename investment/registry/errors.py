"""Errors of the registry parser: per-line (collected, never fatal) and file-level (fatal)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FieldError", "RegistryFileError", "RowError"]


class FieldError(ValueError):
    """A single field's value is unusable; the parser turns it into a RowError with its line."""


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one line of the CSV was rejected: 1-based physical line number, column, reason."""

    line: int
    column: str | None
    reason: str
    registration_number: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class RegistryFileError(ValueError):
    """The file cannot be read as dataset 6569 at all: wrong header, not UTF-8, empty."""

    def __init__(self, reason: str, *, missing: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
