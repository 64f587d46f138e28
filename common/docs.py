"""OpenAPI docs served from the installed Swagger UI bundle: no external CDN at run time."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

DOCS_ASSETS_PATH = "/docs-assets"


def install_offline_docs(app: FastAPI) -> None:
    """Mount the Swagger UI assets and a /docs page that loads only them."""
    assets = Path(swagger_ui_bundle.swagger_ui_path)
    app.mount(DOCS_ASSETS_PATH, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} — API",
            swagger_js_url=f"{root}{DOCS_ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS_PATH}/favicon-32x32.png",
            # Swagger UI otherwise sends the document to validator.swagger.io for a badge.
            swagger_ui_parameters={"validatorUrl": None},
        )
