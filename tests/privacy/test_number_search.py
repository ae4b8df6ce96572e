"""Issue 13 item 4: the people search no longer de-masks numbers. One rule on the page, the API and the report
form (``jishi.org.queries.search_people``, docs/privacy.md):

- a role that sees phone and ID numbers masked (commanders, departments, micro-grid staff, residents) may not
  search by any digit of them — the full number, its last digits, full-width digits — 422 with the reason;
- a role that sees them in full searches by number within a per-minute limit per account (page and API
  together, then 429 with Retry-After), and every such search is in the audit trail with whom it found.

The probe's loop: a town commander saw ``139****3160`` and recovered the hidden digits by searching last
digits and full guesses, keeping the guess whose answer listed the person. Each step of that loop now gets the
same refusal whether the guess is right or wrong, so no answer tells the guesses apart.
"""

from __future__ import annotations

import re

import pytest

from jishi.core.models import AuditRecord
from jishi.org.models import Person

pytestmark = pytest.mark.django_db

PHONE = "13957213160"  # shown to a town commander as 139****3160
ID_NUMBER = "320281198507153160"


@pytest.fixture
def target(city):
    p = Person(name="钱目标", phone=PHONE, id_number=ID_NUMBER, address="A镇A1村2组7号")
    p.place_in(city.regions["A1a2"])
    p.save()
    return p


def page_search(client, q):
    r = client.get("/people/", {"q": q})
    return r.status_code, (r.content.decode() if r.status_code != 200 else
                           sorted(row.person.name for row in r.context["rows"]))


def api_search(client, q):
    r = client.get("/api/v1/org/people", {"q": q, "limit": 200})
    body = r.json()
    return r.status_code, (sorted(p["name"] for p in body["items"]) if r.status_code == 200 else body)


def probe_guesses(masked: str) -> list[str]:
    """The probe's queries, in its order: the shown last four; a fifth and sixth digit in front of them; the full
    number with the hidden digits guessed (here the first few guesses and the right one)."""
    last4 = masked[-4:]
    guesses = [last4] + [f"{d}{last4}" for d in "0123456789"] + [f"{d}7{last4}" for d in "0123456789"]
    head = masked[:3]
    guesses += [f"{head}{n:04d}{last4}" for n in (0, 1, 5720, 5721)]  # 5721 is the right one
    return guesses


@pytest.mark.parametrize("surface", ["page", "api"])
def test_the_probes_loop_no_longer_recovers_a_masked_phone(client, login, bearer, city, target, surface):
    login("town_commander")
    search = (lambda q: page_search(client, q)) if surface == "page" else (lambda q: api_search(bearer("town_commander"), q))
    # What the probe started from: the masked number, on the same surface.
    status, shown = search("钱")
    assert status == 200 and shown == ["钱目标"]
    masked = "139****3160"
    assert masked in (client.get("/people/", {"q": "钱"}).content.decode() if surface == "page" else
                      str(bearer("town_commander").get("/api/v1/org/people", {"q": "钱"}).json()))

    answers = {}
    for guess in probe_guesses(masked):
        status, body = search(guess)
        assert status == 422, (guess, status)
        # The page echoes the caller's own query in the search box; the rest of the answer is the same for all.
        body = re.sub(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "<csrf>",
                      str(body).replace(guess, "<guess>"))
        assert "钱目标" not in body and PHONE not in body and "5721" not in body
        if surface == "api":
            assert "'code': 'number_search_refused'" in body and "'field': 'q'" in body
        answers[guess] = body
    # Right and wrong guesses get the same answer: nothing tells them apart.
    assert len(set(answers.values())) == 1
    assert "不能按号码或其中几位查找人员" in answers[PHONE]
    # The ID number's suffix and whole, and full-width digits, are numbers too.
    for q in (ID_NUMBER, ID_NUMBER[-6:], "３１６０"):
        assert search(q)[0] == 422


@pytest.mark.parametrize("who", ["city_commander", "town_commander", "dept_urban", "liaison", "volunteer", "resident"])
def test_every_role_that_sees_masked_numbers_is_refused_a_number_search(client, login, bearer, city, target, who):
    login(who)
    assert page_search(client, PHONE)[0] == 422
    assert page_search(client, "3160")[0] == 422
    assert api_search(bearer(who), PHONE)[0] == 422
    refused = AuditRecord.objects.filter(action="person.number_search_refused", actor=city.user(who))
    assert refused.count() == 3 and PHONE not in str(list(refused.values("summary", "data")))


def test_the_refusal_is_explained_on_the_page_and_the_name_search_still_works(client, login, city, target):
    login("town_commander")
    r = client.get("/people/", {"q": "3160"})
    html = r.content.decode()
    assert r.status_code == 422 and 'data-testid="search-error"' in html and "请按姓名查找" in html
    assert 'placeholder="姓名"' in html  # a masked viewer is not invited to type numbers
    assert page_search(client, "钱目") == (200, ["钱目标"])


@pytest.mark.parametrize("who", ["admin", "village_cadre", "grid_leader", "grid_worker"])
def test_roles_that_see_full_numbers_still_search_by_number_within_their_scope(client, login, bearer, city, target, who):
    login(who)
    assert page_search(client, PHONE) == (200, ["钱目标"])
    assert page_search(client, "3160") == (200, ["钱目标"])
    assert page_search(client, ID_NUMBER) == (200, ["钱目标"])
    assert api_search(bearer(who), PHONE) == (200, ["钱目标"])
    login("grid_worker_b")  # another town: the number finds nobody
    assert page_search(client, PHONE) == (200, [])


def test_a_number_search_is_audited_with_whom_it_found_never_the_digits(client, login, bearer, city, target):
    login("grid_worker")
    page_search(client, "213160")
    api_search(bearer("grid_worker"), PHONE)
    rows = list(AuditRecord.objects.filter(action="person.number_search").order_by("id"))
    assert [(r.actor_id, r.actor_role, r.data["where"], r.data["kind"], r.data["found"]) for r in rows] == [
        (city.user("grid_worker").pk, "grid_worker", "page", "suffix", [target.pk]),
        (city.user("grid_worker").pk, "grid_worker", "api", "phone", [target.pk]),
    ]
    assert not any(d in str([(r.summary, r.data) for r in rows]) for d in ("213160", PHONE))
    # A name search is not a number search: nothing recorded.
    page_search(client, "钱")
    assert AuditRecord.objects.filter(action__startswith="person.number_search").count() == 2


def test_number_searches_are_rate_limited_per_account_across_page_and_api(client, login, bearer, city, target, settings):
    settings.JISHI_NUMBER_SEARCH_LIMIT = 3
    login("grid_worker")
    api = bearer("grid_worker")
    assert page_search(client, PHONE)[0] == 200
    assert api_search(api, "3160")[0] == 200
    assert page_search(client, ID_NUMBER)[0] == 200
    r = client.get("/people/", {"q": "3160"})
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1 and "按号码查找过于频繁" in r.content.decode()
    r = api.get("/api/v1/org/people", {"q": PHONE})
    assert r.status_code == 429 and r["Content-Type"] == "application/problem+json" and int(r["Retry-After"]) >= 1
    assert r.json()["code"] == "rate_limited"
    assert page_search(client, "钱") == (200, ["钱目标"])  # names are not limited
    login("village_cadre")  # another account has its own count
    assert page_search(client, PHONE) == (200, ["钱目标"])
    assert AuditRecord.objects.filter(action="person.number_search").count() == 4  # the refused ones wrote nothing


def test_the_report_forms_resident_lookup_follows_the_same_rule(city, target):
    from jishi.cases.intake import find_resident
    from jishi.core.errors import ValidationFailed

    assert find_resident(city.user("grid_worker"), PHONE) == target
    for who in ("town_commander", "city_commander"):
        with pytest.raises(ValidationFailed, match="不能按号码查找居民"):
            find_resident(city.user(who), PHONE)
        with pytest.raises(ValidationFailed, match="不能按号码查找居民"):
            find_resident(city.user(who), "13900000000")  # a wrong guess: the same answer
    assert AuditRecord.objects.filter(action="person.number_search", data__where="report").count() == 1


def test_the_household_list_does_not_match_a_hidden_house_number_for_a_commander(client, login, city, target):
    from jishi.org.models import Household

    hh = Household(code="H-A1a2-009", address="A镇A1村2组7号")
    hh.place_in(city.regions["A1a2"])
    hh.save()
    def households(q):
        return client.get("/points/households/", {"village": city.regions["A1"].pk, "q": q}).content.decode()

    login("town_commander")  # sees the address masked (A镇A1村**): matching "7号" would reveal it
    html = households("2组7号")
    assert "H-A1a2-009" not in html and "2组7号" not in html.replace('value="2组7号"', "")
    assert "H-A1a2-009" in households("A1a2-009")  # by code it is found, its address masked
    assert "A镇A1村**" in households("A1a2-009") and "2组7号" not in households("A1a2-009")
    login("village_cadre")
    assert "H-A1a2-009" in households("2组7号")
