"""Every response carries the security headers and a Content-Security-Policy with a fresh nonce."""

from __future__ import annotations

import re

from django.test import override_settings


def csp_of(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_pages_carry_the_security_headers(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_csp_allows_only_own_scripts_and_the_request_nonce(client, db):
    response = client.get("/login/")
    policy = csp_of(response)
    nonce = response.wsgi_request.csp_nonce
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["img-src"] == "'self' data: blob:"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"


def test_the_nonce_differs_per_request_and_reaches_templates(client, db):
    first, second = client.get("/login/"), client.get("/login/")
    assert first.wsgi_request.csp_nonce != second.wsgi_request.csp_nonce
    assert len(first.wsgi_request.csp_nonce) >= 16
    assert first.context["csp_nonce"] == first.wsgi_request.csp_nonce


@override_settings(JISHI_MAP_TILE_URL="https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}")
def test_csp_allows_images_from_the_configured_tile_server(client, db):
    policy = csp_of(client.get("/login/"))
    assert re.fullmatch(r"'self' data: blob: https://t\*\.tianditu\.gov\.cn", policy["img-src"])


def test_api_responses_carry_the_policy_too(client, db):
    response = client.get("/healthz")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
