"""Use cases of the metrology registry: register instruments, apply, record results.

A passed verification sets the sticker's validity from ``domain.metrology_validity``; the
instrument's public check is forgotten once the result has committed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, Role, ensure_same_business
from common.errors import Conflict, NotFound, UnprocessableContent
from common.pii import FieldCipher
from inspection.domain.identifiers import InvalidIdentifier, parse_instrument_serial
from inspection.domain.metrology_instruments import InstrumentKind
from inspection.domain.metrology_validity import sticker_status, sticker_valid_until
from inspection.domain.signed_status import SubjectKind
from inspection.domain.status import CertificateStatus
from inspection.domain.taipei_time import taipei_date
from inspection.metrology import repository
from inspection.metrology.schemas import (
    InstrumentIn,
    InstrumentOut,
    ResultIn,
    VerificationIn,
    VerificationOut,
    VerificationResult,
)
from inspection.public_checks.subjects import Subject

TABLE = "instrument"


def serial_of(raw: str) -> str:
    try:
        return parse_instrument_serial(raw)
    except InvalidIdentifier as error:
        raise UnprocessableContent(str(error)) from None


# Encrypted columns of an instrument: its owner when a natural person, and for every instrument
# its location (a utility meter's or a private scale's location is the owner's home address).
SEALED = ("owner_person_name", "owner_phone", "location")


async def register(
    session: AsyncSession,
    cipher: FieldCipher,
    body: InstrumentIn,
    *,
    now: datetime,
    audit: RequestAudit,
) -> InstrumentOut:
    serial = serial_of(body.serial)
    if await repository.by_serial(session, serial) is not None:
        raise Conflict(f"an instrument with serial {serial} is already registered")
    instrument_id = await repository.next_instrument_id(session)
    values = body.model_dump(exclude=set(SEALED))
    values |= {"id": instrument_id, "serial": serial, "kind": body.kind.value}
    values |= _sealed(cipher, instrument_id, body)
    await repository.insert_instrument(session, values)
    await audit.record("instrument.register", TABLE, serial)
    return await read(session, cipher, audit.principal, serial, now)


def _sealed(cipher: FieldCipher, instrument_id: int, body: InstrumentIn) -> dict[str, bytes | None]:
    plain = body.model_dump(include=set(SEALED))
    return {
        column: None
        if plain[column] is None
        else cipher.encrypt(plain[column], table=TABLE, column=column, row_key=str(instrument_id))
        for column in SEALED
    }


async def _owned(session: AsyncSession, principal: Principal, raw_serial: str) -> RowMapping:
    serial = serial_of(raw_serial)
    row = await repository.by_serial(session, serial)
    if row is None:
        raise NotFound(f"no instrument with serial {serial}")
    if principal.role is Role.FIRM:
        ensure_same_business(principal, row["owner_business_id"] or "")
    return row


async def show(
    session: AsyncSession,
    cipher: FieldCipher,
    raw_serial: str,
    *,
    now: datetime,
    audit: RequestAudit,
) -> InstrumentOut:
    """One instrument; reading a natural person's instrument (its location) leaves a trace."""
    row = await _owned(session, audit.principal, raw_serial)
    if row["owner_person_name"] is not None:
        details = {"personal_data": "location"}
        await audit.record("instrument.read", TABLE, row["serial"], details=details)
    return await _out(session, cipher, row, now)


async def read(
    session: AsyncSession, cipher: FieldCipher, principal: Principal, raw_serial: str, now: datetime
) -> InstrumentOut:
    return await _out(session, cipher, await _owned(session, principal, raw_serial), now)


async def _out(
    session: AsyncSession, cipher: FieldCipher, row: RowMapping, now: datetime
) -> InstrumentOut:
    rows = await repository.verifications(session, row["id"])
    passed = [v for v in rows if v["status"] == VerificationResult.PASSED.value]
    status = CertificateStatus.NOT_YET_VALID
    if passed:
        latest = max(passed, key=lambda v: (v["verified_on"], v["id"]))
        status = sticker_status(InstrumentKind(row["kind"]), latest["verified_on"], now)
    fields = {name: row[name] for name in InstrumentOut.model_fields if name in row}
    where = {"table": TABLE, "column": "location", "row_key": str(row["id"])}
    fields["location"] = cipher.decrypt(row["location"], **where)
    return InstrumentOut(
        **fields,
        sticker_status=status,
        verifications=[VerificationOut.model_validate(dict(v)) for v in rows],
    )


async def apply(
    session: AsyncSession,
    cipher: FieldCipher,
    principal: Principal,
    raw_serial: str,
    *,
    body: VerificationIn,
    now: datetime,
    audit: RequestAudit,
) -> InstrumentOut:
    row = await _owned(session, principal, raw_serial)
    values = {
        "instrument_id": row["id"],
        "kind": body.kind.value,
        "status": "applied",
        "applied_by": principal.audit_name,
        "applied_at": now,
    }
    verification_id = await repository.insert_verification(session, values)
    details = {"verification_id": verification_id, "kind": body.kind.value}
    await audit.record("verification.apply", TABLE, row["serial"], details=details)
    return await read(session, cipher, principal, row["serial"], now)


async def record_result(
    session: AsyncSession,
    cipher: FieldCipher,
    verification_id: int,
    *,
    body: ResultIn,
    now: datetime,
    audit: RequestAudit,
) -> tuple[InstrumentOut, list[Subject]]:
    row = await repository.verification_for_update(session, verification_id)
    if row is None:
        raise NotFound(f"no verification {verification_id}")
    if row["status"] != "applied":
        raise Conflict(f"verification {verification_id} was already decided ({row['status']})")
    if body.verified_on > taipei_date(now):
        raise UnprocessableContent("verified_on cannot be in the future")
    passed = body.result is VerificationResult.PASSED
    kind = InstrumentKind(row["instrument_kind"])
    values = {
        "status": body.result.value,
        "decided_by": audit.principal.audit_name,
        "decided_at": now,
        "verified_on": body.verified_on if passed else None,
        "valid_until": sticker_valid_until(kind, body.verified_on) if passed else None,
        "sticker_number": body.sticker_number if passed else None,
        "note": body.note,
    }
    await repository.decide(session, verification_id, values)
    details = {"verification_id": verification_id, "result": body.result.value}
    await audit.record("verification.decide", TABLE, row["serial"], details=details)
    out = await read(session, cipher, audit.principal, row["serial"], now)
    return out, [(SubjectKind.INSTRUMENT, row["serial"])]
