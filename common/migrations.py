"""Alembic, one tree per service, all driven from code (no alembic.ini to keep in sync).

Each service's ``migrations/env.py`` calls :func:`run_env` with its MetaData; the version table
lives in the service's own schema, so the four histories never touch.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from common.database import service_metadata
from common.platform_tables import PlatformTables

VERSION_TABLE = "alembic_version"


def alembic_config(script_location: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["database_url"] = database_url
    return config


def upgrade(script_location: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(script_location, database_url), revision)


def downgrade(script_location: Path, database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(script_location, database_url), revision)


def run_env(metadata: MetaData) -> None:
    """Body of every service's env.py: migrate its schema online over asyncpg."""
    schema = metadata.schema
    if schema is None:
        raise ValueError("a service MetaData must name its schema")
    database_url = context.config.attributes["database_url"]
    asyncio.run(_run_online(database_url, metadata, schema))


async def _run_online(database_url: str, metadata: MetaData, schema: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate, metadata, schema)
            await connection.commit()
    finally:
        await engine.dispose()


def _migrate(connection: Connection, metadata: MetaData, schema: str) -> None:
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        version_table_schema=schema,
        include_schemas=False,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def create_platform_tables_v1(connection: Connection, schema: str) -> None:
    """Revision 0001 of every service: the audit, outbox and idempotency tables as of v1.

    Later changes to these tables get a new function (``..._v2``) and a new revision in each
    service, so an old revision always recreates exactly what it created the first time.
    """
    metadata = service_metadata(schema)
    PlatformTables.define(metadata)
    metadata.create_all(connection)


def drop_platform_tables_v1(connection: Connection, schema: str) -> None:
    metadata = service_metadata(schema)
    PlatformTables.define(metadata)
    metadata.drop_all(connection)
