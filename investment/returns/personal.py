"""Personal answers of a return (contact name, phone, e-mail) kept apart and encrypted.

The form marks them (``personal_data``). They are stored as one AES-GCM blob bound to the
return's id, never in the ``answers`` jsonb, so a dump or an analyst's query sees none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from common.pii import FieldCipher
from investment.survey import FormDefinition

TABLE = "survey_return"
COLUMN = "personal"


def personal_fields(form: FormDefinition) -> frozenset[str]:
    return frozenset(q.id for q in form.questions.values() if q.personal_data)


def split(
    form: FormDefinition, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(plain answers, personal answers)."""
    personal = personal_fields(form)
    plain = {k: v for k, v in answers.items() if k not in personal}
    return plain, {k: v for k, v in answers.items() if k in personal}


def seal(cipher: FieldCipher, return_id: int, personal: Mapping[str, Any]) -> bytes | None:
    if not personal:
        return None
    text = orjson.dumps(dict(personal)).decode()
    return cipher.encrypt(text, table=TABLE, column=COLUMN, row_key=str(return_id))


def unseal(cipher: FieldCipher, return_id: int, blob: bytes | None) -> dict[str, Any]:
    if blob is None:
        return {}
    text = cipher.decrypt(bytes(blob), table=TABLE, column=COLUMN, row_key=str(return_id))
    values: dict[str, Any] = orjson.loads(text)
    return values
