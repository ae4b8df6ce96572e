"""OpenAPI and the Swagger UI are served offline, from the app's own static files."""

from __future__ import annotations

import re


def test_the_openapi_document_lists_the_endpoints_and_the_bearer_scheme(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/org/regions" in doc["paths"]
    schemes = doc["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_page_loads_swagger_from_local_static_files(client, db):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert not re.search(r"(src|href)=\"https?://", html), "no CDN"
    assert "/static/ninja/swagger-ui-bundle.js" in html
    js = client.get("/static/ninja/swagger-ui-bundle.js")
    assert js.status_code == 200
