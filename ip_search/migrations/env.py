"""Alembic environment of the ip_search schema (driven by ``moea migrate``)."""

from common.migrations import run_env
from ip_search.models import metadata

run_env(metadata)
