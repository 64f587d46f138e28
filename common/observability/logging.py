"""Structured logging: JSON lines with the request id, for people and for the SOC."""

from __future__ import annotations

import logging
import sys

import structlog

from common.observability.soc_stream import SOC_STREAM


class _StdoutHandler(logging.Handler):
    """Writes to whatever ``sys.stdout`` is now (test capture and exit hooks swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
        except (ValueError, OSError):  # stdout closed at interpreter exit
            self.handleError(record)


def configure_logging(*, level: str = "INFO", json: bool = True, soc: bool = True) -> None:
    """Route structlog and stdlib logging to one JSON stream on stdout (idempotent).

    ``level`` and ``json`` leave the SOC's audit stream alone (``common.observability.
    soc_stream``): JSON at every level; only ``soc=False`` silences it."""
    SOC_STREAM.enabled = soc
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = _StdoutHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
