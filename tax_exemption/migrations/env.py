"""Alembic environment of the tax_exemption schema (driven by ``moea migrate``)."""

from common.migrations import run_env
from tax_exemption.models import metadata

run_env(metadata)
