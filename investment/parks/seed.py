"""Load the packaged park list (investment/seed/, see its README for sources and licences).

The list is PARTIAL (five parks from a Wikipedia mirror page) and has no coordinates or land
figures; centre points come from ``park_locations.json`` (approximate, hand-placed), and land
on offer is left at 0 until the official dataset is loaded. Re-running updates in place.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from investment.models import park
from investment.registry.counties import county_by_name

SOURCE = "industrial_parks_partial.json (zh.wikipedia mirror, CC BY-SA 4.0; CNA/UDN 2025-11-26)"


def _package_json(name: str) -> Any:
    return json.loads(resources.files("investment.seed").joinpath(name).read_text("utf-8"))


def park_rows() -> list[dict[str, Any]]:
    parks = _package_json("industrial_parks_partial.json")["parks"]
    located = _package_json("park_locations.json")
    rows = []
    for item in parks:
        county = county_by_name(item["county"])
        if county is None:
            continue
        point = located["locations"].get(item["name"])
        rows.append(
            {
                "name": item["name"],
                "former_name": item.get("former_name"),
                "county_code": county.code,
                "county_name": county.name,
                "category": "科技產業園區" if "科技" in item["name"] else "產業園區",
                "established": item.get("established"),
                "area_ha": float(item["area_ha"]),
                "land_use": item.get("land_use"),
                "longitude": point[0] if point else None,
                "latitude": point[1] if point else None,
                "location_note": located["note"] if point else "no location known",
                "source": SOURCE,
            }
        )
    return rows


async def seed_parks(engine: AsyncEngine) -> int:
    rows = park_rows()
    statement = insert(park)
    statement = statement.on_conflict_do_update(
        index_elements=[park.c.name],
        set_={name: statement.excluded[name] for name in rows[0] if name != "name"},
    )
    async with engine.begin() as connection:
        await connection.execute(statement, rows)
    return len(rows)
