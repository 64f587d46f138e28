"""Use cases of notifications: a firm chooses its channels and sees its deliveries."""

from __future__ import annotations

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.errors import NotFound
from common.pii import FieldCipher
from tax_exemption.notifications import repository
from tax_exemption.notifications.schemas import NotificationOut, PreferencesIn, PreferencesOut

TABLE = "notification_preference"


def _seal(cipher: FieldCipher, business_id: str, column: str, value: str | None) -> bytes | None:
    if value is None:
        return None
    return cipher.encrypt(value, table=TABLE, column=column, row_key=business_id)


def _open(cipher: FieldCipher, row: RowMapping, column: str) -> str | None:
    blob = row[column]
    if blob is None:
        return None
    return cipher.decrypt(bytes(blob), table=TABLE, column=column, row_key=row["business_id"])


def _out(cipher: FieldCipher, row: RowMapping) -> PreferencesOut:
    return PreferencesOut(
        channels=row["channels"],
        email=_open(cipher, row, "email_enc"),
        line_user_id=_open(cipher, row, "line_user_id_enc"),
        webhook_url=row["webhook_url"],
        updated_at=row["updated_at"],
    )


async def put_preferences(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    business_id: str,
    body: PreferencesIn,
) -> PreferencesOut:
    values = {
        "channels": [str(channel) for channel in body.channels],
        "email_enc": _seal(cipher, business_id, "email_enc", body.email),
        "line_user_id_enc": _seal(cipher, business_id, "line_user_id_enc", body.line_user_id),
        "webhook_url": body.webhook_url,
        "webhook_secret_enc": _seal(cipher, business_id, "webhook_secret_enc", body.webhook_secret),
    }
    row = await repository.put_preference(session, business_id, values)
    details = {"channels": values["channels"], "personal_data": "contact addresses"}
    await audit.record("notification_preference.put", TABLE, business_id, details=details)
    return _out(cipher, row)


async def get_preferences(
    session: AsyncSession, audit: RequestAudit, cipher: FieldCipher, business_id: str
) -> PreferencesOut:
    row = await repository.get_preference(session, business_id)
    if row is None:
        raise NotFound("no channels chosen yet")
    await audit.record("notification_preference.read", TABLE, business_id)
    return _out(cipher, row)


def _status(row: RowMapping) -> str:
    if row["status"] == "sent":
        return "sent"
    if row["failed_at"] is not None:
        return "failed"
    return "retrying" if row["last_error"] else "queued"


async def deliveries(session: AsyncSession, business_id: str) -> list[NotificationOut]:
    rows = await repository.deliveries(session, business_id, limit=100)
    return [
        NotificationOut(
            id=row["id"],
            filing_id=row["filing_id"],
            event=row["event"],
            channel=row["channel"],
            status=_status(row),
            subject=row["subject"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            created_at=row["created_at"],
            sent_at=row["sent_at"],
        )
        for row in rows
    ]
