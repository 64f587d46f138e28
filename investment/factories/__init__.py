"""The factory registry in PostgreSQL: imports (upsert + change report) and public reads."""
