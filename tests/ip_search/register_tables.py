"""The register's tables, as the tests that import marks empty them (in one TRUNCATE: the search
card and key tables reference ``trademark``)."""

from __future__ import annotations

from ip_search.importing.rows import COLUMNS

REGISTER_TABLES = ", ".join(f"ip_search.{t}" for t in (*COLUMNS, "mark_card", "import_run"))
