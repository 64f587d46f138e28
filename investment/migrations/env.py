"""Alembic environment of the investment schema (driven by ``moea migrate``)."""

from common.migrations import run_env
from investment.models import metadata

run_env(metadata)
