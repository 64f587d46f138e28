"""Parsed form definitions by their row id, kept per process.

A stored form never changes (a revision is a new version, a new row), so a parsed copy can be
kept for the life of the process: the filing path parses each form once, not per request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.driver import DriverStatement, Executor
from common.errors import NotFound
from investment.models import survey_form
from investment.survey import FormDefinition

MAX_FORMS = 64


_DOCUMENT = select(survey_form.c.document).where(survey_form.c.id == bindparam("form_pk"))
_DOCUMENT_ON_DRIVER = DriverStatement(_DOCUMENT)


class FormCache:
    def __init__(self) -> None:
        self._forms: dict[int, FormDefinition] = {}

    async def get(self, session: AsyncSession, form_pk: int) -> FormDefinition:
        form = self._forms.get(form_pk)
        if form is None:
            document = await session.scalar(_DOCUMENT, {"form_pk": form_pk})
            form = self._keep(form_pk, document)
        return form

    async def get_on(self, executor: Executor, form_pk: int) -> FormDefinition:
        """The same, read on the driver path (``common.driver``)."""
        form = self._forms.get(form_pk)
        if form is None:
            row = await _DOCUMENT_ON_DRIVER.fetch_one(executor, form_pk=form_pk)
            form = self._keep(form_pk, None if row is None else row[0])
        return form

    def _keep(self, form_pk: int, document: Any) -> FormDefinition:
        if document is None:
            raise NotFound("no such form")
        form = FormDefinition.model_validate(document)
        if len(self._forms) >= MAX_FORMS:
            self._forms.clear()
        self._forms[form_pk] = form
        return form


def app_forms(app: FastAPI) -> FormCache:
    """The app's one form cache (made on first use)."""
    cache: FormCache | None = getattr(app.state, "form_cache", None)
    if cache is None:
        cache = app.state.form_cache = FormCache()
    return cache


async def request_forms(request: Request) -> FormCache:
    return app_forms(request.app)


FormsDep = Annotated[FormCache, Depends(request_forms)]
