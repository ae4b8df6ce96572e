"""Error pages (issue 13 §10): the site's frame, Chinese by default and English in English, a way back, the
403 reason without revealing what exists; the API keeps problem+json. And the cockpit's custom period
(§3): ``to=9999-12-31`` is a 400 page with a clear message, as the API's 422."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.test import RequestFactory

from jishi.web import views_errors


def framed(response) -> str:
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'class="panel error-page"' in text and "jishi.css" in text  # the base frame and its style sheet
    assert 'href="/"' in text  # a way back home
    return text


def test_an_unknown_page_is_a_framed_chinese_404_with_the_navigation(client, login):
    login("grid_worker")
    response = client.get("/no/such/page/")
    text = framed(response)
    assert response.status_code == 404
    assert "页面不存在，或不在您的数据范围内" in text and 'lang="zh-hans"' in text
    assert 'class="mainnav"' in text  # the signed-in frame


def test_a_case_out_of_scope_reads_exactly_like_one_that_does_not_exist(client, login, report):
    case = report(who="grid_worker_b", where="B1a1")
    login("grid_worker")
    hidden, missing = client.get(f"/cases/{case.pk}/"), client.get("/cases/999999/")
    assert hidden.status_code == missing.status_code == 404
    def section(response) -> str:
        text = response.content.decode()
        return text[text.index('<section class="panel error-page"'):text.index("</section>")]

    assert section(hidden) == section(missing)


def test_the_404_page_is_english_when_the_language_is_english(client, city):
    client.cookies["django_language"] = "en"
    response = client.get("/no/such/page/")
    text = framed(response)
    assert 'lang="en"' in text
    assert "does not exist" in text and "页面不存在" not in text


def test_the_back_link_goes_to_the_referring_page_of_this_site_only(client, login):
    login("grid_worker")
    text = framed(client.get("/no/such/page/", headers={"referer": "http://testserver/cases/"}))
    assert 'href="/cases/"' in text and "返回上一页" in text
    text = framed(client.get("/no/such/page/", headers={"referer": "https://evil.example/x"}))
    assert "evil.example" not in text and "返回上一页" not in text


def test_403_names_the_roles_as_the_reason(client, login):
    login("grid_worker")  # the cockpit is for commanders
    response = client.get("/cockpit/")
    text = framed(response)
    assert response.status_code == 403
    assert "无权" in text and "您当前的角色：" in text and "专职网格员" in text


def test_a_403_for_an_anonymous_caller_offers_the_login(rf_page):
    response = views_errors.permission_denied(rf_page("/cockpit/"), None)
    assert response.status_code == 403 and 'href="/login/"' in response.content.decode()


@pytest.fixture
def rf_page(city):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    def make(path: str):
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        request.session = {}
        request._messages = FallbackStorage(request)  # the test stands in for the middleware
        request.csp_nonce = "n"
        return request

    return make


def test_413_and_429_pages_have_the_frame_and_429_says_when_to_retry(rf_page):
    too_big = views_errors.bad_request(rf_page("/cases/report/"), RequestDataTooBig("too big"))
    assert too_big.status_code == 413
    assert "提交的内容过大" in framed(too_big)
    throttled = views_errors.too_many(rf_page("/people/"), 37)
    assert throttled.status_code == 429 and throttled["Retry-After"] == "37"
    assert "37 秒后再试" in framed(throttled)


def test_the_api_keeps_problem_json_for_unknown_paths_and_limits(client, city, rf_page):
    response = client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 404
    too_big = views_errors.bad_request(rf_page("/api/v1/cases"), RequestDataTooBig("too big"))
    assert too_big.status_code == 413 and too_big["Content-Type"] == "application/problem+json"


def test_the_500_page_renders_without_the_database(rf_page, django_assert_num_queries):
    request = rf_page("/cases/")
    with django_assert_num_queries(0):
        response = views_errors.server_error(request)
    text = response.content.decode()
    assert response.status_code == 500
    assert "服务器内部错误" in text and 'href="/"' in text and "{%" not in text


@pytest.mark.django_db(transaction=True)
def test_the_500_page_renders_when_the_database_is_gone(rf_page_bare):
    # Set the open connection aside rather than closing it: closing the test run's in-memory SQLite database
    # once its NAME no longer says "memory" would destroy it for every later test in this process.
    original, kept = connection.settings_dict["NAME"], connection.connection
    connection.connection = None
    connection.settings_dict["NAME"] = "/nonexistent/dir/jishi.sqlite3" if connection.vendor == "sqlite" \
        else "no_such_database_h_errors"
    try:
        response = views_errors.server_error(rf_page_bare("/cockpit/"))
    finally:
        if connection.connection is not None:  # (a connection to the missing database cannot have opened)
            connection.connection.close()
        connection.connection = kept
        connection.settings_dict["NAME"] = original
    assert response.status_code == 500 and "服务器内部错误" in response.content.decode()


@pytest.fixture
def rf_page_bare():
    def make(path: str):
        return RequestFactory().get(path)

    return make


def test_the_api_500_is_problem_json(rf_page_bare):
    response = views_errors.server_error(rf_page_bare("/api/v1/cases"))
    assert response.status_code == 500 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("query, words", [
    ("to=9999-12-31&from=2026-01-01", "1900 年到 2199 年之间"),
    ("from=0001-01-01&to=2026-01-01", "1900 年到 2199 年之间"),
    ("from=2026-02-01&to=2026-01-01", "截止日不能早于起始日"),
    ("from=2026-01-01", "须同时给出"),
    ("from=2026-13-01&to=2026-12-31", "格式不对"),
])
def test_a_bad_custom_period_on_the_records_page_is_a_framed_400(client, login, query, words):
    login("city_commander")
    response = client.get(f"/cockpit/records/?metric=received&{query}")
    assert response.status_code == 400
    assert words in framed(response)


def test_a_custom_period_in_range_still_lists_the_records(client, login):
    login("city_commander")
    response = client.get("/cockpit/records/?metric=received&from=2026-01-01&to=2199-12-31")
    assert response.status_code == 200


def test_the_api_answers_the_same_custom_period_with_422(client, login):
    login("city_commander")
    response = client.get("/api/v1/cockpit?from=2026-01-01&to=9999-12-31")
    assert response.status_code == 422
    assert "1900 年到 2199 年之间" in json.loads(response.content)["detail"]


def test_a_get_on_a_post_only_page_is_a_framed_405(client, login):
    login("city_commander")
    response = client.get("/cases/board/dispatch/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "不支持 GET 方法" in framed(response)


def test_an_api_method_ninja_does_not_route_is_a_problem_json_405(client, login):
    login("city_commander")
    response = client.generic("TRACE", "/api/v1/org/regions")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("url", ["/people/?q=13%005", "/cases/?tab=%00", "/regions/?within=1%00"])
def test_a_nul_in_a_page_parameter_is_a_framed_400(client, login, url):
    login("city_commander")
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in framed(response)


@pytest.mark.parametrize("url", ["/regions/99999999999999999999/", "/cockpit/?region=99999999999999999999",
                                 "/people/18446744073709551616/", "/cases/9223372036854775808/"])
def test_an_id_past_any_integer_column_is_never_a_500(client, login, url):
    login("city_commander")
    response = client.get(url)
    assert response.status_code in (400, 404)  # SQLite refuses to bind it (400); PostgreSQL finds nothing
    framed(response)
