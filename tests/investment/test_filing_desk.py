"""The filing desk (``investment.returns.gate``) belongs to one run of the app."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.investment.conftest import MANIFEST


async def test_a_restarted_app_files_on_its_new_write_pool(
    settings_overrides: dict[str, Any], seeded: dict[str, Any], db_engine: AsyncEngine
) -> None:
    async with db_engine.connect() as connection:
        return_id = (
            await connection.execute(
                text("SELECT id FROM investment.survey_return WHERE survey_year = 2026 LIMIT 1")
            )
        ).scalar_one()
    app = MANIFEST.create_app(MANIFEST.settings(**settings_overrides))
    token, _ = app.state.filing_tokens.issue(return_id, 2026)
    pools = []
    for _ in range(2):
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                opened = await client.get(f"/returns/{return_id}", headers={"Filing-Token": token})
            assert opened.status_code == 200, opened.text
            pools.append(app.state.filing_desk.pool)
        assert app.state.filing_desk is None  # forgotten with the pool it held
    assert pools[0] is not pools[1]
