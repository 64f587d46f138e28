"""Filing rows to response models (decrypting the contact person)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.pii import FieldCipher
from tax_exemption.filings import repository
from tax_exemption.filings.schemas import (
    ContactOut,
    FilingOut,
    FilingSummary,
    ItemOut,
    SupplementOut,
)

CONTACT_COLUMNS = ("contact_name_enc", "contact_phone_enc", "contact_email_enc")


def encrypt_contact(
    cipher: FieldCipher, filing_id: int, name: str, phone: str, email: str
) -> dict[str, bytes]:
    values = dict(zip(CONTACT_COLUMNS, (name, phone, email), strict=True))
    return {
        column: cipher.encrypt(value, table="filing", column=column, row_key=str(filing_id))
        for column, value in values.items()
    }


def decrypt_contact(cipher: FieldCipher, row: RowMapping) -> ContactOut | None:
    blobs = [row[column] for column in CONTACT_COLUMNS]
    if any(blob is None for blob in blobs):
        return None
    name, phone, email = (
        cipher.decrypt(bytes(blob), table="filing", column=column, row_key=str(row["id"]))
        for blob, column in zip(blobs, CONTACT_COLUMNS, strict=True)
    )
    return ContactOut(name=name, phone=phone, email=email)


def summary(row: RowMapping) -> FilingSummary:
    return FilingSummary.model_validate({name: row[name] for name in FilingSummary.model_fields})


def _items(rows: Sequence[RowMapping]) -> list[ItemOut]:
    return [
        ItemOut.model_validate({name: row[name] for name in ItemOut.model_fields}) for row in rows
    ]


def _supplements(rows: Sequence[RowMapping]) -> list[SupplementOut]:
    return [
        SupplementOut.model_validate({name: row[name] for name in SupplementOut.model_fields})
        for row in rows
    ]


async def full(session: AsyncSession, cipher: FieldCipher, row: RowMapping) -> FilingOut:
    filing_id = row["id"]
    return FilingOut(
        **summary(row).model_dump(),
        electronic=row["electronic"],
        contact=decrypt_contact(cipher, row),
        items=_items(await repository.get_items(session, filing_id)),
        refund_products=row["refund_products"],
        attachments=row["attachments"],
        supplements=_supplements(await repository.get_supplements(session, filing_id)),
        decision_reason=row["decision_reason"],
        certificate_no=await repository.certificate_no_of(session, filing_id),
    )
