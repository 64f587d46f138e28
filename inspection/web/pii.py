"""The app's field cipher for personal data (made once from settings)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from common.pii import FieldCipher


async def request_cipher(request: Request) -> FieldCipher:
    state = request.app.state
    cipher: FieldCipher | None = getattr(state, "pii_cipher", None)
    if cipher is None:
        cipher = state.pii_cipher = FieldCipher.from_settings(state.settings)
    return cipher


CipherDep = Annotated[FieldCipher, Depends(request_cipher)]
