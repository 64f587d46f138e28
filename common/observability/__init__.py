"""Logs, metrics, health checks and request ids."""
