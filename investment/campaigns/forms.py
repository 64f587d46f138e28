"""Parsed form definitions by their row id, kept per process.

A stored form never changes (a revision is a new version, a new row), so a parsed copy can be
kept for the life of the process: the filing path parses each form once, not per request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import NotFound
from investment.models import survey_form
from investment.survey import FormDefinition

MAX_FORMS = 64


class FormCache:
    def __init__(self) -> None:
        self._forms: dict[int, FormDefinition] = {}

    async def get(self, session: AsyncSession, form_pk: int) -> FormDefinition:
        form = self._forms.get(form_pk)
        if form is None:
            form = await _load(session, form_pk)
            if len(self._forms) >= MAX_FORMS:
                self._forms.clear()
            self._forms[form_pk] = form
        return form


async def _load(session: AsyncSession, form_pk: int) -> FormDefinition:
    document: Any = await session.scalar(
        select(survey_form.c.document).where(survey_form.c.id == form_pk)
    )
    if document is None:
        raise NotFound("no such form")
    return FormDefinition.model_validate(document)


def app_forms(app: FastAPI) -> FormCache:
    """The app's one form cache (made on first use)."""
    cache: FormCache | None = getattr(app.state, "form_cache", None)
    if cache is None:
        cache = app.state.form_cache = FormCache()
    return cache


async def request_forms(request: Request) -> FormCache:
    return app_forms(request.app)


FormsDep = Annotated[FormCache, Depends(request_forms)]
