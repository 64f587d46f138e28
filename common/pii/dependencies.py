"""The app's field cipher as a dependency (made once by the app factory from the settings)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from common.pii.cipher import FieldCipher


async def request_cipher(request: Request) -> FieldCipher:
    cipher: FieldCipher = request.app.state.pii_cipher
    return cipher


CipherDep = Annotated[FieldCipher, Depends(request_cipher)]
