"""The worker's side of bulk reminders: one outbox message, one reminder to one factory.

The channel is e-mail when the factory gave a contact e-mail (this year's draft or last year's
return), else a letter. Sending is recorded in ``reminder`` keyed by the outbox message id, so
a redelivered message records (and would send) nothing twice. The actual e-mail/letter gateway
is outside this repository; the record is what the surveyors' reports read.
"""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert

from common.jobs import Delivery
from common.pii import FieldCipher
from investment.models import reminder, survey_return
from investment.returns import personal

_previous = survey_return.alias("previous")


async def send_reminder(delivery: Delivery) -> None:
    return_id = int(delivery.message.payload["return_id"])
    query = (
        select(survey_return.c.personal, _previous.c.id, _previous.c.personal)
        .select_from(
            survey_return.outerjoin(
                _previous,
                and_(
                    _previous.c.registration_number == survey_return.c.registration_number,
                    _previous.c.survey_year == survey_return.c.survey_year - 1,
                ),
            )
        )
        .where(survey_return.c.id == return_id)
    )
    row = (await delivery.session.execute(query)).first()
    if row is None:
        return
    cipher = FieldCipher.from_settings(delivery.settings)
    contact = personal.unseal(cipher, return_id, row[0])
    if row[1] is not None:
        contact = {**personal.unseal(cipher, row[1], row[2]), **contact}
    channel = "email" if contact.get("contact_email") else "letter"
    await delivery.session.execute(
        insert(reminder)
        .values(outbox_id=delivery.message.id, return_id=return_id, channel=channel)
        .on_conflict_do_nothing()
    )
