"""Errors are RFC 9457 problem+json with a Chinese detail, an English detail_en, code and field."""

from __future__ import annotations

import json

from jishi.http.problems import CONTENT_TYPE

KEYS = {"type", "title", "status", "detail", "detail_en", "code", "field", "errors"}


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.content
    assert r["Content-Type"] == CONTENT_TYPE
    body = json.loads(r.content)
    assert body.keys() >= KEYS and body["status"] == status
    assert body["type"] == f"urn:jishi:problem:{body['code']}"
    return body


def test_no_credentials_is_a_401_problem(client, city):
    body = _problem(client.get("/api/v1/org/regions"), 401)
    assert body["code"] == "unauthorized" and body["detail"] == "需要登录或提供接口令牌" and body["title"] == "未认证"


def test_a_malformed_bearer_token_is_a_401_problem(client, city):
    body = _problem(client.get("/api/v1/org/regions", HTTP_AUTHORIZATION="Bearer nonsense"), 401)
    assert body["detail"] == "令牌格式不正确" and body["detail_en"] == "malformed token"


def test_an_out_of_range_limit_is_a_422_problem_naming_the_field(bearer):
    body = _problem(bearer("admin").get("/api/v1/org/regions", {"limit": 999}), 422)
    assert body["code"] == "validation_failed" and body["field"] == "limit"
    assert body["errors"][0]["field"] == "limit" and body["errors"][0]["message"]


def test_a_wrong_type_in_the_path_is_a_422_problem(bearer):
    body = _problem(bearer("admin").get("/api/v1/org/regions/abc"), 422)
    assert body["errors"][0]["field"] == "region_id"


def test_an_invalid_cursor_is_a_422_problem(bearer):
    body = _problem(bearer("admin").get("/api/v1/org/regions", {"cursor": "not-a-cursor"}), 422)
    assert body["field"] == "cursor" and body["detail"].startswith("分页游标无效")
    assert body["detail_en"] == "invalid cursor"


def test_a_missing_row_is_a_404_problem(bearer):
    body = _problem(bearer("admin").get("/api/v1/org/regions/999999"), 404)
    assert body["code"] == "not_found" and body["detail_en"].startswith("not found")


def test_a_body_that_is_not_json_is_a_400_problem(bearer):
    r = bearer("admin").post("/api/v1/cases", "{not json", content_type="application/json")
    body = _problem(r, 400)
    assert body["code"] == "bad_request" and body["detail"].startswith("请求体无法解析")
