"""DCAT (W3C Data Catalog Vocabulary, v3) in JSON-LD for one dataset, and content negotiation.

Titles and descriptions carry language tags; each version is a ``dcat:Distribution`` with its
download URL, byte size and SPDX SHA-256 checksum; the field list is a CSVW table schema, so a
harvester (data.gov.tw, CKAN's DCAT harvester) learns the columns without opening a file.
"""

from __future__ import annotations

from typing import Any

from ip_search.opendata.schemas import PUBLISHER_EN, DatasetOut, VersionOut

MEDIA_TYPE = "application/ld+json"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "csvw": "http://www.w3.org/ns/csvw#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
ZH = "zh-Hant-TW"
_FREQUENCY = "http://purl.org/cld/freq/"


def _text(zh: str, en: str | None) -> list[dict[str, str]]:
    values = [{"@value": zh, "@language": ZH}]
    return values + ([{"@value": en, "@language": "en"}] if en else [])


def _typed(value: object, datatype: str) -> dict[str, str]:
    return {"@value": str(value), "@type": f"xsd:{datatype}"}


def _distribution(version: VersionOut) -> dict[str, Any]:
    return {
        "@id": version.download_url,
        "@type": "dcat:Distribution",
        "dct:title": f"version {version.version}",
        "dct:description": version.change_note,
        "dct:issued": _typed(version.created_at.isoformat(), "dateTime"),
        "dcat:downloadURL": {"@id": version.download_url},
        "dcat:mediaType": version.media_type,
        "dcat:byteSize": _typed(version.size_bytes, "nonNegativeInteger"),
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": version.sha256,
        },
    }


def _table_schema(dataset: DatasetOut) -> dict[str, Any]:
    columns = [
        {"csvw:name": f.name, "csvw:datatype": f.type, "dct:description": f.description}
        for f in dataset.fields
    ]
    return {"@type": "csvw:Schema", "csvw:column": columns}


def dataset_document(dataset: DatasetOut, dataset_url: str) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@id": dataset_url,
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": _text(dataset.title_zh, dataset.title_en),
        "dct:description": _text(dataset.description_zh, dataset.description_en),
        "dct:publisher": {
            "@type": "foaf:Organization",
            "foaf:name": _text(dataset.publisher, PUBLISHER_EN),
        },
        "dct:license": {"@id": dataset.licence_url, "dct:identifier": dataset.licence},
        "dct:accrualPeriodicity": {"@id": _FREQUENCY + dataset.update_frequency.value},
        "dct:issued": _typed(dataset.created_at.isoformat(), "dateTime"),
        "dct:modified": _typed(dataset.updated_at.isoformat(), "dateTime"),
        "dcat:keyword": dataset.keywords,
        "dcat:version": str(dataset.latest_version or 0),
        "dct:conformsTo": _table_schema(dataset),
        "dcat:distribution": [_distribution(version) for version in dataset.versions],
    }


def _quality(range_: str) -> tuple[str, float]:
    media, *params = (part.strip() for part in range_.split(";"))
    for param in params:
        name, _, value = param.partition("=")
        if name.strip() == "q":
            try:
                return media.lower(), float(value)
            except ValueError:
                return media.lower(), 0.0
    return media.lower(), 1.0


def prefers_json_ld(accept: str | None) -> bool:
    """True when ``Accept`` ranks JSON-LD at least as high as plain JSON and ``*/*``."""
    if not accept:
        return False
    weights = dict(_quality(part) for part in accept.split(",") if part.strip())
    linked = weights.get(MEDIA_TYPE, 0.0)
    plain = max(weights.get("application/json", 0.0), weights.get("*/*", 0.0))
    return linked > 0 and linked >= plain
