"""The app's field cipher for personal data (contact persons, notification addresses)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from common.pii import FieldCipher


def request_cipher(request: Request) -> FieldCipher:
    """One cipher per app, built from its settings on first use."""
    state = request.app.state
    cipher: FieldCipher | None = getattr(state, "field_cipher", None)
    if cipher is None:
        cipher = state.field_cipher = FieldCipher.from_settings(state.settings)
    return cipher


CipherDep = Annotated[FieldCipher, Depends(request_cipher)]
