"""The interactive API documentation at ``/docs``: Swagger UI 5 (OpenAPI 3.1, which FastAPI
writes) from the files the ``fastapi-offline`` package ships, served from this site (no CDN:
contact points run on intranets) and started by a static script, so the page keeps the strict
Content-Security-Policy. Only the package's files are used, not its inline-script pages."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

router = APIRouter(include_in_schema=False)
ASSETS = "/docs/assets"
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"
PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Liaison API</title>
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
  <div id="swagger-ui" data-url="/openapi.json">
    <noscript><p>The interactive documentation needs JavaScript.
      The description itself is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
  </div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    """Swagger UI over /openapi.json."""
    return HTMLResponse(PAGE)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI), name="api-docs-assets")
