"""The audit table refuses DELETE: rows not yet sealed are in no chain, so the database guards them.

Writers insert a row MAC'd but unsealed; the sealer links it into the hash chain within seconds
(``seal_audit_events`` runs every 5 s). In between, an edited row fails its own MAC and a row
inserted later than its id suggests is still MAC'd over its id, but a deleted row leaves nothing
behind: ids come from a sequence reserved in blocks and rolled-back transactions leave holes, so
a missing id proves nothing. The other ways to close that window do not fit this design:

- sealing in the writer's transaction would make every writer wait for the chain head, which
  the trail exists to avoid (writers never wait for each other);
- a verifier hunting gaps has no gapless numbering to hunt them in.

So the table itself refuses every ``DELETE`` statement, sealed rows or not, for every role,
with SQLSTATE 42501 (a bug in our code, answered as a 500). Nothing in the platform deletes
audit rows; the sealer only updates ``seq`` and ``chain_mac``. The insert path pays nothing: a
statement-level DELETE trigger never fires on INSERT.

What remains is beyond a table rule and caught elsewhere: disabling the trigger or truncating
the table takes ownership or the TRUNCATE privilege (the migration role, not the services' role,
when the chart's separate migration Secret is used) or a superuser's
``session_replication_role``; deleted sealed rows still break the chain, cut-off tails show
against the head the sealer logs, and every row reaches the SOC log stream when it commits.

Revision functions, as ``common.migrations`` asks of platform-table changes: an old revision
always recreates exactly what it created the first time.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

__all__ = ["allow_audit_deletes_v1", "refuse_audit_deletes_v1"]

FUNCTION = "audit_event_refuse_delete"
TRIGGER = "audit_event_append_only"


def refuse_audit_deletes_v1(connection: Connection, schema: str) -> None:
    connection.execute(
        text(f"""
            CREATE FUNCTION "{schema}".{FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit events are append-only: % on %.% refused',
                    TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$""")
    )
    connection.execute(
        text(f"""
            CREATE TRIGGER {TRIGGER} BEFORE DELETE ON "{schema}".audit_event
            FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".{FUNCTION}()""")
    )


def allow_audit_deletes_v1(connection: Connection, schema: str) -> None:
    connection.execute(text(f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{schema}".audit_event'))
    connection.execute(text(f'DROP FUNCTION IF EXISTS "{schema}".{FUNCTION}()'))
