"""How often and how patiently a failing message is retried before it is dead-lettered."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 8
    base_delay_s: float = 2.0  # 2, 4, 8, ... seconds between attempts
    max_delay_s: float = 3600.0  # below arq's 24 h job expiry, so a retried job never expires
    handler_timeout_s: float = 120.0

    def delay_after(self, attempt: int) -> float:
        """Exponential backoff after the ``attempt``-th failure (1-based)."""
        return float(min(self.base_delay_s * 2 ** (attempt - 1), self.max_delay_s))

    def is_last(self, attempt: int) -> bool:
        return attempt >= self.max_attempts

    @property
    def arq_max_tries(self) -> int:
        """Above ``max_attempts``: our counter in the row decides, arq's is only a backstop
        (it also counts runs cut short by a crash or an unreachable database)."""
        return self.max_attempts + 10

    @property
    def job_timeout_s(self) -> float:
        """arq's hard timeout, after ours: a handler timing out is a retryable failure."""
        return self.handler_timeout_s + 30.0
