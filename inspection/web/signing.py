"""The status-document signing key, loaded once per app from settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from inspection.domain.status_keys import SigningKey, load_signing_key
from inspection.settings import InspectionSettings


def signing_key_from(settings: InspectionSettings) -> SigningKey:
    pem = settings.status_signing_key.get_secret_value().encode()
    return load_signing_key(pem, settings.status_signing_kid)


async def request_signing_key(request: Request) -> SigningKey:
    key: SigningKey = request.app.state.status_signing_key
    return key


async def request_settings(request: Request) -> InspectionSettings:
    settings: InspectionSettings = request.app.state.settings
    return settings


SigningKeyDep = Annotated[SigningKey, Depends(request_signing_key)]
SettingsDep = Annotated[InspectionSettings, Depends(request_settings)]
