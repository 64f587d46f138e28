"""WGS84 coordinates (kiang's eGIS enrichment), checked against Taiwan's bounds."""

from __future__ import annotations

import math

from investment.registry.errors import FieldError

__all__ = ["TAIWAN_BOUNDS", "in_taiwan", "parse_coordinates"]

# (min lon, min lat, max lon, max lat): Kinmen in the west, 彭佳嶼 in the east, 蘭嶼/鵝鑾鼻
# in the south, 東引 (Matsu) in the north. 東沙 (Pratas) is left out: no factories there.
TAIWAN_BOUNDS = (118.0, 21.7, 122.3, 26.5)


def in_taiwan(longitude: float, latitude: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = TAIWAN_BOUNDS
    return min_lon <= longitude <= max_lon and min_lat <= latitude <= max_lat


def parse_coordinates(longitude: str, latitude: str) -> tuple[float | None, float | None]:
    """Both blank -> (None, None); both numbers inside Taiwan -> floats; else FieldError."""
    lon_text, lat_text = longitude.strip(), latitude.strip()
    if not lon_text and not lat_text:
        return None, None
    if not lon_text or not lat_text:
        raise FieldError("longitude and latitude must both be given or both be blank")
    lon, lat = _number(lon_text), _number(lat_text)
    if in_taiwan(lon, lat):
        return lon, lat
    if in_taiwan(lat, lon):
        raise FieldError(f"longitude/latitude look swapped: ({lon_text}, {lat_text})")
    raise FieldError(f"({lon_text}, {lat_text}) is outside Taiwan's bounds {TAIWAN_BOUNDS}")


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FieldError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise FieldError(f"not a finite number: {text!r}")
    return value
