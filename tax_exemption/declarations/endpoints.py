"""Routes of declarations: batches as JSON, CSV or XML (customs layout), and their lines."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.errors import UnprocessableContent
from common.fields import PositiveInt64
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pagination import Cursor, Limit, Page
from tax_exemption.declarations import service
from tax_exemption.declarations.csv_layout import parse_csv
from tax_exemption.declarations.customs_layout import COLUMNS, UploadParser
from tax_exemption.declarations.schemas import BatchIn, BatchOut, LineOut
from tax_exemption.declarations.xml_layout import parse_xml

router = ServiceRouter(prefix="/declarations", tags=["declarations"])
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER))]
BatchId = Annotated[PositiveInt64, Path()]
Filename = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00/\\]+$")]

_XML_EXAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<Declarations>
  <Declaration>
    <DECLNO>AW13000009</DECLNO>
    <SHPR_BAN_ID>04595257</SHPR_BAN_ID>
    <DECL_DATE>113.06.01</DECL_DATE>
    <Item>
      <ITEM_NO>1</ITEM_NO>
      <CCC_CODE>8457.10.10.00-3</CCC_CODE>
      <DESCRIPTION>立式綜合加工機 VERTICAL MACHINING CENTER</DESCRIPTION>
      <GOODS_MODEL>VF-1SS</GOODS_MODEL>
      <QTY>3</QTY>
      <DOC_UM>SET</DOC_UM>
      <ORG_COUNTRY>US</ORG_COUNTRY>
      <CERT_NO>IDA1130000001</CERT_NO>
      <CERT_NO_ITEM>1</CERT_NO_ITEM>
    </Item>
  </Declaration>
</Declarations>
"""
_XML_DESCRIPTION = (
    "One `<Declaration>` per import declaration (進口報單) under the document element "
    "`<Declarations>`, holding the header fields `DECLNO`, `SHPR_BAN_ID` and `DECL_DATE` "
    "(ROC `113.06.01` or ISO) and one `<Item>` per item line with `ITEM_NO`, `CCC_CODE`, "
    "`DESCRIPTION`, `GOODS_MODEL`, `GOODS_SPEC`, `QTY`, `DOC_UM`, `ST_QTY`, `ST_UM`, "
    "`ORG_COUNTRY`, `CERT_NO`, `CERT_NO_ITEM` and `ACTION` (N or A: declare or amend, C: "
    "cancel). Element names are the customs field ids of the CSV columns; no namespace, no "
    "attributes; optional fields may be left out. Problems are reported per file line "
    '(`loc: ["line", n, FIELD]`, n where the `<Item>` starts). Entity declarations (billion '
    "laughs, XXE) and malformed XML refuse the file; so does a body over the size limit (413)."
)


def _upload_body(media_type: str, example: str, description: str) -> dict[str, Any]:
    content = {media_type: {"schema": {"type": "string"}, "example": example}}
    return {"requestBody": {"required": True, "description": description, "content": content}}


@router.post(
    "/batches",
    response_model=BatchOut,
    status_code=202,
    summary="Ingest declaration lines (JSON); matching runs as a job",
    responses=IDEMPOTENCY_RESPONSES,
)
async def ingest_batch(
    *,
    request: Request,
    body: BatchIn,
    _principal: Officer,
    session: SessionDep,
    audit: AuditDep,
    _idempotency: IdempotencyDep,
) -> BatchOut:
    settings = request.app.state.settings
    if len(body.lines) > settings.max_batch_lines:
        raise UnprocessableContent(f"at most {settings.max_batch_lines} lines per batch")
    return await service.ingest(session, audit, body.lines, agency=settings.agency, source="json")


async def _ingest_upload(
    request: Request, audit: AuditDep, parse: UploadParser, source: str, filename: str | None
) -> BatchOut:
    settings = request.app.state.settings
    body = await request.body()
    # A file at the body limit is a tenth of a second of CPU or more to parse (thousands of
    # validated lines): in a worker thread, the replica's other requests are served meanwhile.
    upload = await asyncio.to_thread(parse, body, settings.max_batch_lines)
    return await service.ingest_upload(
        audit.session, audit, upload, agency=settings.agency, source=source, filename=filename
    )


@router.post(
    "/batches/csv",
    response_model=BatchOut,
    status_code=202,
    summary="Ingest a CSV file in the customs field layout (whole file or nothing)",
    openapi_extra=_upload_body(
        "text/csv",
        ",".join(COLUMNS) + "\n",
        "Header: the customs field ids; one declaration line per row.",
    ),
    responses=IDEMPOTENCY_RESPONSES,
)
async def ingest_csv(
    *,
    request: Request,
    _principal: Officer,
    audit: AuditDep,
    _idempotency: IdempotencyDep,
    filename: Filename = None,
) -> BatchOut:
    return await _ingest_upload(request, audit, parse_csv, "csv", filename)


@router.post(
    "/batches/xml",
    response_model=BatchOut,
    status_code=202,
    summary="Ingest an XML file in the customs field layout (whole file or nothing)",
    description=_XML_DESCRIPTION,
    openapi_extra=_upload_body(
        "application/xml", _XML_EXAMPLE, "The customs layout in XML (see the description)."
    ),
    responses=IDEMPOTENCY_RESPONSES,
)
async def ingest_xml(
    *,
    request: Request,
    _principal: Officer,
    audit: AuditDep,
    _idempotency: IdempotencyDep,
    filename: Filename = None,
) -> BatchOut:
    return await _ingest_upload(request, audit, parse_xml, "xml", filename)


@router.get("/batches/{batch_id}", response_model=BatchOut, summary="A batch and its counts")
async def get_batch(batch_id: BatchId, principal: Officer, session: SessionDep) -> BatchOut:
    return await service.read_batch(session, principal, batch_id)


@router.get(
    "/batches/{batch_id}/lines",
    response_model=Page[LineOut],
    summary="The lines of a batch with their matching decisions",
)
async def get_batch_lines(
    batch_id: BatchId,
    principal: Officer,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[LineOut]:
    return await service.batch_lines(session, principal, batch_id, cursor, limit)
