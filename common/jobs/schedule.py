"""Scheduled jobs: a chore the worker runs every so often for one service.

The platform's own chores (outbox relay, audit sealing, key purging) are scheduled jobs, and a
service adds its own through its manifest's ``scheduled`` (e.g. inspection's renewal reminders).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the runtime imports this module; annotations only
    from common.jobs.queue import JobQueue
    from common.jobs.runtime import ServiceRuntime

Chore = Callable[["ServiceRuntime", "JobQueue"], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    name: str
    run: Chore
    every: timedelta  # a divisor of a minute, an hour or a day keeps the schedule even
