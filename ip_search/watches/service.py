"""Use cases of a firm's trademark watches: keep them, read their alerts, mark alerts read.

Only firms have watches, and a firm sees only its own: another firm's watch answers the very
404 a missing one does, so ids cannot be probed. The webhook secret is sealed with the watch
id bound in (``sealing``), so it is written once the watch has its id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, ensure_same_business
from common.errors import Conflict, NotFound, UnprocessableContent
from common.pagination import Page, split_page
from common.pii import FieldCipher
from ip_search.search.query import query_keys
from ip_search.watches import repository
from ip_search.watches.schemas import (
    AlertOut,
    MarkReadIn,
    MarkReadOut,
    WatchIn,
    WatchOut,
    WatchPatch,
    WebhookIn,
)
from ip_search.watches.sealing import COLUMN, seal_secret
from ip_search.watches.views import alert_out, watch_out

RECORD = "trademark_watch"


def own_business(principal: Principal) -> str:
    assert principal.business_id is not None, "firm tokens always carry a business ID"
    return principal.business_id


def _check_text(text: str) -> None:
    if not query_keys(text).compacts[0]:
        raise UnprocessableContent("text has no letter, digit or character to watch for")


def _terms(values: dict[str, Any]) -> dict[str, Any]:
    """Classes and groups sorted and de-duplicated, as matching and the output expect."""
    for key in ("nice_classes", "groups"):
        if key in values:
            values[key] = sorted(set(values[key]))
    return values


def _check_changes(changes: dict[str, Any], row: RowMapping) -> None:
    """What the request schema cannot see alone: the text and the watch after the change."""
    if "text" in changes:
        _check_text(changes["text"])
    after = {**row, **changes}
    if not after["nice_classes"] and not after["groups"]:
        raise UnprocessableContent("a watch needs at least one Nice class or similar group")


async def _set_webhook(
    session: AsyncSession, cipher: FieldCipher, watch_id: int, webhook: WebhookIn | None
) -> None:
    values: dict[str, Any] = {"webhook_url": None, COLUMN: None}
    if webhook is not None:
        values = {"webhook_url": webhook.url, COLUMN: seal_secret(cipher, watch_id, webhook.secret)}
    await repository.update_watch(session, watch_id, values)


async def _visible_watch(session: AsyncSession, principal: Principal, watch_id: int) -> RowMapping:
    row = await repository.get_watch(session, watch_id)
    if row is None:
        raise NotFound()  # no detail: the same answer as for another firm's watch
    ensure_same_business(principal, row["business_id"])
    return row


async def _check_owner(session: AsyncSession, principal: Principal, watch_id: int) -> None:
    owner = await repository.watch_owner(session, watch_id)
    if owner is None:
        raise NotFound()
    ensure_same_business(principal, owner)


async def create_watch(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    body: WatchIn,
    *,
    limit: int,
) -> WatchOut:
    _check_text(body.text)
    business_id = own_business(principal)
    await repository.lock_firm_watches(session, business_id)
    if await repository.count_watches(session, business_id) >= limit:
        raise Conflict(f"a firm may keep at most {limit} watches: delete one first")
    values = _terms(body.model_dump(exclude={"webhook"}))
    watch_id = await repository.insert_watch(session, {**values, "business_id": business_id})
    if body.webhook is not None:
        await _set_webhook(session, cipher, watch_id, body.webhook)
    await audit.record("trademark_watch.create", RECORD, str(watch_id))
    return await get_watch(session, principal, watch_id)


async def get_watch(session: AsyncSession, principal: Principal, watch_id: int) -> WatchOut:
    return watch_out(await _visible_watch(session, principal, watch_id))


async def list_watches(
    session: AsyncSession, principal: Principal, cursor: str | None, limit: int
) -> Page[WatchOut]:
    rows = await repository.list_watches(session, own_business(principal), cursor, limit)
    kept, next_cursor = split_page(rows, limit, lambda row: [row["id"]])
    return Page(items=[watch_out(row) for row in kept], next_cursor=next_cursor)


async def update_watch(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    *,
    watch_id: int,
    body: WatchPatch,
) -> WatchOut:
    row = await _visible_watch(session, principal, watch_id)
    changes = _terms(body.model_dump(exclude_unset=True, exclude={"webhook"}))
    _check_changes(changes, row)
    await repository.update_watch(session, watch_id, changes)
    if "webhook" in body.model_fields_set:
        await _set_webhook(session, cipher, watch_id, body.webhook)
    fields = sorted(body.model_fields_set)
    await audit.record("trademark_watch.update", RECORD, str(watch_id), details={"fields": fields})
    return await get_watch(session, principal, watch_id)


async def delete_watch(
    session: AsyncSession, audit: RequestAudit, principal: Principal, watch_id: int
) -> None:
    await _check_owner(session, principal, watch_id)
    await repository.delete_watch(session, watch_id)
    await audit.record("trademark_watch.delete", RECORD, str(watch_id))


async def list_alerts(
    session: AsyncSession,
    principal: Principal,
    watch_id: int,
    *,
    unread_only: bool,
    cursor: str | None,
    limit: int,
) -> Page[AlertOut]:
    await _check_owner(session, principal, watch_id)
    rows = await repository.list_alerts(
        session, watch_id, unread_only=unread_only, cursor=cursor, limit=limit
    )
    kept, next_cursor = split_page(rows, limit, lambda row: [row["id"]])
    return Page(items=[alert_out(row) for row in kept], next_cursor=next_cursor)


async def mark_read(
    session: AsyncSession, principal: Principal, watch_id: int, body: MarkReadIn
) -> MarkReadOut:
    await _check_owner(session, principal, watch_id)
    return MarkReadOut(marked=await repository.mark_read(session, watch_id, body.alert_ids))
