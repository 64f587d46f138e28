"""What the investment worker runs: outbox handlers by topic, and the encrypted columns.

- ``investment.registry_correction``: a submitted return reports a registry change; the
  handler files it in the return's history for the registry office (idempotent by message id).
- ``investment.reminder``: one reminder to one non-filing factory (see surveyors/).
- ``investment.export``: build a county's returns CSV (see exports/).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.dialects.postgresql import insert

from common.jobs import Delivery, OutboxHandler
from common.pii import EncryptedColumn
from investment.exports.jobs import build_export
from investment.models import return_event
from investment.surveyors.reminders import send_reminder

ENCRYPTED_COLUMNS = (
    EncryptedColumn("factory", "registration_number", ("owner_name",)),
    EncryptedColumn("survey_return", "id", ("personal",)),
    EncryptedColumn("survey_export", "id", ("content",)),
)


async def forward_registry_correction(delivery: Delivery) -> None:
    payload = delivery.message.payload
    await delivery.session.execute(
        insert(return_event).values(
            return_id=payload["return_id"],
            action="registry_correction.forwarded",
            actor=f"outbox:{delivery.message.id}",
            actor_role="worker",
            comment=None,  # internal: comments are what the factory is shown
        )
    )


OUTBOX_HANDLERS: Mapping[str, OutboxHandler] = {
    "investment.registry_correction": forward_registry_correction,
    "investment.reminder": send_reminder,
    "investment.export": build_export,
}
