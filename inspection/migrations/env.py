"""Alembic environment of the inspection schema (driven by ``moea migrate``)."""

from common.migrations import run_env
from inspection.models import metadata

run_env(metadata)
