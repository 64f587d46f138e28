"""One route per decision-support item: its method in the OpenAPI description, the
explanation (summary, steps, sources) in every answer. A new item is a module in
``investment.decision`` plus one route here."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Literal

import orjson
from fastapi import Path, Query, Request, Response
from pydantic import TypeAdapter

from common.caching import conditional_response
from common.database import ServiceRouter, SessionDep
from common.errors import NotFound, UnprocessableContent
from investment.decision import catalogue, item
from investment.decision.industry_counts import industry_counts
from investment.decision.land_availability import land_availability
from investment.decision.location_quotient import location_quotients
from investment.decision.nearest_parks import nearest_parks
from investment.decision.similar_factories import similar_factories
from investment.decision.site_fit import SiteRequirements, site_fit
from investment.decision.upstream_suppliers import upstream_suppliers
from investment.decision_support.inputs import PointsDep, park_inputs
from investment.decision_support.schemas import CatalogueItem, SiteRequirementsIn

PREFIX = "/decision-support"
_ITEMS = TypeAdapter(list[CatalogueItem])
router = ServiceRouter(prefix=PREFIX, tags=["decision support"])

PATHS = {
    "site_fit": "/site-fit",
    "location_quotient": "/location-quotient",
    "industry_counts": "/industry-counts",
    "land_availability": "/land-availability",
    "similar_factories": "/similar-factories/{registration_number}",
    "nearest_parks": "/nearest-parks",
    "upstream_suppliers": "/upstream-suppliers",
}
County = Annotated[str | None, Query(pattern=r"^[0-9]{5}$")]
Longitude = Annotated[float, Query(ge=-180, le=180)]
Latitude = Annotated[float, Query(ge=-90, le=90)]


def _summary(item_id: str) -> str:
    return item(item_id).title_en


def _description(item_id: str) -> str:
    """The item's method, in the OpenAPI description of its route."""
    entry = item(item_id)
    method = f"**Method.** {entry.method_en}\n\n**方法。** {entry.method_zh}\n\n"
    return method + "**Sources.** " + "; ".join(entry.sources)


async def _answer(request: Request, analysis: Callable[[], Any]) -> Response:
    """Run and serialise ``analysis`` in a worker thread: over the whole registry (~100,000
    factories) one takes tens to hundreds of ms of CPU, which would stall the replica's loop."""
    return conditional_response(request, await asyncio.to_thread(_serialised, analysis))


def _serialised(analysis: Callable[[], Any]) -> bytes:
    return orjson.dumps(dataclasses.asdict(analysis()), default=_plain)


def _plain(value: object) -> object:
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(type(value).__name__)


@router.get("", response_model=list[CatalogueItem], summary="The catalogue of items")
async def list_items(request: Request) -> Response:
    items = [
        CatalogueItem(**dataclasses.asdict(entry), path=PREFIX + PATHS[entry.item_id])
        for entry in catalogue()
        if entry.item_id in PATHS
    ]
    return conditional_response(request, _ITEMS.dump_json(items, by_alias=True))


@router.post(PATHS["site_fit"], summary=_summary("site_fit"), description=_description("site_fit"))
async def site_fit_score(
    request: Request, needs: SiteRequirementsIn, session: SessionDep
) -> Response:
    requirements = SiteRequirements(**{**needs.model_dump(), "counties": frozenset(needs.counties)})
    return await _answer(request, partial(site_fit, await park_inputs(session), requirements))


@router.get(
    PATHS["location_quotient"],
    summary=_summary("location_quotient"),
    description=_description("location_quotient"),
)
async def location_quotient(
    request: Request,
    session: SessionDep,
    points: PointsDep,
    industry_code: Annotated[str, Query(pattern=r"^[0-9]{2}$")],
) -> Response:
    return await _answer(
        request, partial(location_quotients, await points.get(session), industry_code)
    )


@router.get(
    PATHS["industry_counts"],
    summary=_summary("industry_counts"),
    description=_description("industry_counts"),
)
async def counts(
    request: Request, session: SessionDep, points: PointsDep, county_code: County = None
) -> Response:
    everyone = await points.get(session)
    return await _answer(request, partial(industry_counts, everyone, county_code=county_code))


@router.get(
    PATHS["land_availability"],
    summary=_summary("land_availability"),
    description=_description("land_availability"),
)
async def land(
    request: Request,
    session: SessionDep,
    tenure: Literal["any", "rent", "sale"] = "any",
    county_code: County = None,
    industry_code: Annotated[str | None, Query(pattern=r"^[0-9]{2,3}$")] = None,
) -> Response:
    counties = frozenset({county_code}) if county_code else frozenset()
    analysis = partial(
        land_availability,
        await park_inputs(session),
        tenure=tenure,
        counties=counties,
        industry_code=industry_code,
    )
    return await _answer(request, analysis)


@router.get(
    PATHS["similar_factories"],
    summary=_summary("similar_factories"),
    description=_description("similar_factories"),
)
async def similar(
    request: Request,
    session: SessionDep,
    points: PointsDep,
    registration_number: Annotated[str, Path(pattern=r"^[0-9PST][0-9]{7}$")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    everyone = await points.get(session)
    target = next((p for p in everyone if p.registration_number == registration_number), None)
    if target is None:
        raise NotFound(f"no registered factory {registration_number}")
    return await _answer(request, partial(similar_factories, target, everyone, limit=limit))


@router.get(
    PATHS["nearest_parks"],
    summary=_summary("nearest_parks"),
    description=_description("nearest_parks"),
)
async def nearest(
    request: Request,
    session: SessionDep,
    longitude: Longitude,
    latitude: Latitude,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> Response:
    parks = await park_inputs(session)
    return await _answer(request, partial(nearest_parks, parks, longitude, latitude, limit=limit))


@router.get(
    PATHS["upstream_suppliers"],
    summary=_summary("upstream_suppliers"),
    description=_description("upstream_suppliers"),
)
async def upstream(
    request: Request,
    *,
    session: SessionDep,
    points: PointsDep,
    industry_code: Annotated[str, Query(pattern=r"^[0-9]{2,3}$")],
    longitude: Longitude,
    latitude: Latitude,
    radius_km: Annotated[float, Query(gt=0, le=200)] = 30.0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    everyone = await points.get(session)
    analysis = partial(
        upstream_suppliers,
        everyone,
        industry_code,
        longitude,
        latitude,
        radius_km=radius_km,
        limit=limit,
    )
    try:
        return await _answer(request, analysis)
    except KeyError:
        raise UnprocessableContent(
            f"{industry_code} is not a manufacturing industry (08-34)"
        ) from None
