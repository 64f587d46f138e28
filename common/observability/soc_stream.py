"""The stream the SOC reads: one JSON line per security event on stdout, at its own level.

It is not a logger under the service's log level: a service quietened to ``log_level=WARNING``
still reports every audit event, and only its own setting (``soc_log_enabled``, applied by
``configure_logging``) turns it off. Lines carry the fields of the service's JSON logs
(``event``, ``logger``, ``level``, ``timestamp``), so one shipper reads both.

It runs on every audited request, so it skips structlog's processor chain: orjson renders the
line (a twentieth of ``json.dumps``' time) and a line that is not ASCII, rare, is rendered
ASCII-escaped instead, as the other logs are, so no stdout encoding can refuse it. Each line is
flushed: the SOC alerts in real time, and a crash loses no line already emitted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["SOC_STREAM", "SocStream"]


class SocStream:
    __slots__ = ("enabled",)

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled

    def emit(self, logger: str, event: str, fields: Mapping[str, Any]) -> None:
        """Write one line to whatever ``sys.stdout`` is now (test capture swaps it)."""
        if not self.enabled:
            return
        timestamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        record = {**fields, "event": event, "logger": logger, "level": "info"}
        record["timestamp"] = timestamp
        out = sys.stdout
        out.write(_render(record) + "\n")
        out.flush()


def _render(record: dict[str, Any]) -> str:
    try:
        rendered = orjson.dumps(record, default=repr, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:  # beyond orjson (an integer past 64 bits): json can
        return json.dumps(record, default=repr)
    return rendered if rendered.isascii() else json.dumps(record, default=repr)


# The process's one stream: ``configure_logging`` switches it, ``common.audit.soc_log`` writes.
SOC_STREAM = SocStream()
