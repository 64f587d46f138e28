"""Exports of a county's returns as CSV, built by the worker (async job via the outbox)."""
