"""FactoryRecord <-> ``factory`` row: the one place that knows both shapes.

The owner's name is personal data: it is encrypted on the way in (bound to the row's
registration number) and decrypted on the way out only where the caller asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common.pii import FieldCipher
from investment.registry.records import CodedItem, FactoryKind, FactoryRecord

TABLE = "factory"
OWNER_COLUMN = "owner_name"


def owner_cipher_args(registration_number: str) -> dict[str, str]:
    return {"table": TABLE, "column": OWNER_COLUMN, "row_key": registration_number}


def record_row(record: FactoryRecord, cipher: FieldCipher, run_id: int | None) -> dict[str, Any]:
    """The column values of a record (owner name encrypted)."""
    owner = (
        cipher.encrypt(record.owner_name, **owner_cipher_args(record.registration_number))
        if record.owner_name
        else None
    )
    return {
        "registration_number": record.registration_number,
        "kind": str(record.kind),
        "name": record.name,
        "business_id": record.business_id,
        "organization_type": record.organization_type,
        "status": record.status,
        "address": record.address,
        "address_key": record.address_key,
        "village": record.village,
        "county_code": record.county_code,
        "county_name": record.county_name,
        "township": record.township,
        "permit_number": record.permit_number,
        "establishment_approved_on": record.establishment_approved_on,
        "registration_approved_on": record.registration_approved_on,
        "industries": [[item.code, item.name] for item in record.industries],
        "products": [[item.code, item.name] for item in record.products],
        "industry_codes": sorted(record.industry_codes),
        "product_codes": sorted(record.product_codes),
        "owner_name": owner,
        "website": record.website,
        "product_description": record.product_description,
        "material": record.material,
        "longitude": record.longitude,
        "latitude": record.latitude,
        "in_registry": True,
        "import_run_id": run_id,
    }


def row_record(row: Mapping[Any, Any], cipher: FieldCipher | None) -> FactoryRecord:
    """A record from a stored row; the owner's name only when a cipher is given."""
    number = row["registration_number"]
    owner = None
    if cipher is not None and row["owner_name"] is not None:
        owner = cipher.decrypt(bytes(row["owner_name"]), **owner_cipher_args(number))
    return FactoryRecord(
        registration_number=number,
        kind=FactoryKind(row["kind"]),
        name=row["name"],
        business_id=row["business_id"],
        organization_type=row["organization_type"],
        status=row["status"],
        address=row["address"],
        address_key=row["address_key"],
        village=row["village"],
        county_code=row["county_code"],
        county_name=row["county_name"],
        township=row["township"],
        permit_number=row["permit_number"],
        establishment_approved_on=row["establishment_approved_on"],
        registration_approved_on=row["registration_approved_on"],
        industries=_items(row["industries"]),
        products=_items(row["products"]),
        owner_name=owner,
        website=row["website"],
        product_description=row["product_description"],
        material=row["material"],
        longitude=row["longitude"],
        latitude=row["latitude"],
    )


def _items(pairs: list[list[str]]) -> tuple[CodedItem, ...]:
    return tuple(CodedItem(code, name) for code, name in pairs)
