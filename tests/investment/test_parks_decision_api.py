"""Parks (public search, nearest, factories inside) and the decision-support catalogue."""

from __future__ import annotations

import httpx


async def test_parks_search_and_nearest(client: httpx.AsyncClient) -> None:
    parks = (await client.get("/parks")).json()
    assert len(parks) == 5
    new_taipei = (await client.get("/parks", params={"county_code": "65000"})).json()
    assert {p["name"] for p in new_taipei} == {"土城產業園區", "新北產業園區", "瑞芳產業園區"}
    assert (await client.get("/parks", params={"q": "前鎮"})).json()[0]["county_code"] == "64000"
    # From Keelung harbour the Keelung park is nearest, then Ruifang.
    nearest = await client.get("/parks/nearest", params={"longitude": 121.74, "latitude": 25.13})
    names = [item["park"]["name"] for item in nearest.json()["parks"]]
    assert names[:2] == ["大武崙產業園區", "瑞芳產業園區"]
    assert "haversine" in nearest.json()["method"]
    bad = await client.get("/parks/nearest", params={"longitude": 500, "latitude": 25})
    assert bad.status_code == 422


async def test_factories_inside_a_park(client: httpx.AsyncClient) -> None:
    [park] = (await client.get("/parks", params={"q": "大武崙"})).json()
    inside = (await client.get(f"/parks/{park['id']}/factories")).json()
    assert inside["radius_km"] > 0 and "circle" in inside["method"]
    assert all(f["county_code"] == "10017" for f in inside["factories"])


async def test_every_catalogue_item_is_an_explained_api(client: httpx.AsyncClient) -> None:
    items = (await client.get("/decision-support")).json()
    assert len(items) >= 6
    spec = (await client.get("/openapi.json")).json()
    for entry in items:
        operations = spec["paths"][entry["path"]]
        [operation] = operations.values()
        assert entry["method_en"] in operation["description"]
    lq = await client.get("/decision-support/location-quotient", params={"industry_code": "08"})
    body = lq.json()
    assert body["explanation"]["steps"] and body["explanation"]["sources"]
    assert body["national_factories"] == 420
    counts = await client.get("/decision-support/industry-counts", params={"county_code": "09020"})
    assert {row["county_code"] for row in counts.json()["rows"]} == {"09020"}
    fit = await client.post(
        "/decision-support/site-fit", json={"industry_code": "25", "land_ha": 1}
    )
    # The packaged park list has no land figures: every park is excluded, and says why.
    assert fit.json()["ranked"] == [] and len(fit.json()["excluded"]) == 5
    assert "0.0 ha on offer" in fit.json()["excluded"][0]["excluded_because"][-1]
    similar = await client.get("/decision-support/similar-factories/96200001")
    assert similar.json()["explanation"]["summary_en"]


async def test_upstream_suppliers_item(client: httpx.AsyncClient) -> None:
    params: dict[str, str | float] = {
        "industry_code": "25",
        "longitude": 121.74,
        "latitude": 25.13,
        "radius_km": 200,
    }
    answer = await client.get("/decision-support/upstream-suppliers", params=params)
    assert answer.status_code == 200
    body = answer.json()
    assert [row["industry_code"] for row in body["upstream"]] == ["19", "24"]
    distances = [s["distance_km"] for s in body["suppliers"]]
    assert distances and sum(row["factories_within"] for row in body["upstream"]) >= len(distances)
    assert distances == sorted(distances) and all(d <= 200 for d in distances)
    assert all(set(s["upstream_industries"]) <= {"19", "24"} for s in body["suppliers"])
    assert body["explanation"]["steps"][0].startswith("上游產業")
    unknown = await client.get(
        "/decision-support/upstream-suppliers", params={**params, "industry_code": "01"}
    )
    assert unknown.status_code == 422
    assert unknown.headers["content-type"] == "application/problem+json"
