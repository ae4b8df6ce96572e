"""PIPL acceptance (issue 13): every page, API, export and push that shows a resident's or reporter's name, phone,
ID number or address, rendered for every role, shows it exactly as docs/privacy.md says — full, masked or hidden.

The table below is the specification; adding a field or a surface means adding a row. Each surface is fetched
for real (the Django test client for pages and the API — session-authenticated, as htmx calls it — openpyxl
reading the downloaded Excel file, the webhook payload a subscriber would receive), and each expectation is
checked against the text: ``full`` — the whole value appears; ``masked`` — the masked form appears and the
whole value does not; ``hidden`` — neither appears (no access at all counts as hidden).

The data: a resident, 钱小目 (A1a1, with a login, a household, points), reports three cases in the resident
channel — one dispatched to the urban department — and one anonymous case, also dispatched there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from jishi.cases import services
from jishi.cases.intake import report_case
from jishi.cases.models import CaseEvent
from jishi.org.models import Household, Person
from jishi.org.privacy import mask_address, mask_id_number, mask_name, mask_phone
from jishi.platform import tokens
from jishi.points.boards import publish_board
from jishi.points.earning import apply_item
from jishi.points.models import Merchant, StoreItem
from jishi.points.rules import seed_template
from jishi.points.store import place_order
from jishi.webhooks.outbox import payload_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NUMBER, ADDRESS = "钱小目", "13957213160", "320281198507153160", "A镇A1村2组7号院"
VALUES = {"name": (NAME, mask_name(NAME)), "phone": (PHONE, mask_phone(PHONE)),
          "id_number": (ID_NUMBER, mask_id_number(ID_NUMBER)), "address": (ADDRESS, mask_address(ADDRESS))}

# Every login of the test city, the reporter herself (qian) and a grid worker of another town.
ROLES = ("admin", "city_commander", "town_commander", "village_cadre", "grid_leader", "grid_worker", "liaison",
         "volunteer", "dept_urban", "resident", "informant", "merchant", "grid_worker_b", "qian")
# Roles whose work needs full numbers (docs/privacy.md), and the commanders, who see them masked.
FULL = ("admin", "village_cadre", "grid_leader", "grid_worker")
COMMANDERS = ("city_commander", "town_commander")
COCKPIT = ("admin", "city_commander", "town_commander", "village_cadre")


def expect(full=(), masked=(), everyone: str | None = None) -> dict[str, str]:
    """role → full / masked / hidden; roles not named see nothing."""
    if everyone:
        return dict.fromkeys(ROLES, everyone)
    return {r: "full" if r in full else "masked" if r in masked else "hidden" for r in ROLES}


PERSON_NUMBERS = expect(full=FULL, masked=(*COMMANDERS, "liaison", "volunteer", "qian"))
PERSON_NAME = expect(full=(*FULL, *COMMANDERS, "liaison", "volunteer", "qian"))
REPORTER = expect(full=(*FULL, "qian"), masked=(*COMMANDERS, "liaison", "volunteer", "dept_urban"))
HIDDEN = expect(everyone="hidden")
POINTS_NAME = expect(full=("admin", *COMMANDERS, "village_cadre", "qian"))
POINTS_ADDRESS = expect(full=("admin", "village_cadre"), masked=(*COMMANDERS, "qian"))
BOARD_NAME = expect(full=("admin", *COMMANDERS, "village_cadre", "grid_leader", "grid_worker", "liaison",
                          "volunteer", "resident", "informant", "merchant", "qian"))


@dataclass
class Row:
    surface: str  # what docs/privacy.md calls it
    fetch: object  # (client, world) -> the text shown
    fields: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> role -> expectation


def page(url):
    def get(client, w):
        r = client.get(url(w) if callable(url) else url, follow=True)
        return r.content.decode() if r.status_code == 200 else ""
    return get


def api(url):
    def get(client, w):
        r = client.get(url(w) if callable(url) else url)
        return json.dumps(r.json(), ensure_ascii=False) if r.status_code == 200 else ""
    return get


def xlsx(url):
    def get(client, w):
        r = client.get(url(w))
        if r.status_code != 200:
            return ""
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        wb = load_workbook(BytesIO(r.content))
        return "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
                         if c is not None)
    return get


def webhook(client, w):
    return json.dumps([payload_of(e, "case." + e.verb) for e in CaseEvent.objects.filter(case__in=w.cases)],
                      ensure_ascii=False, default=str)


def merchant_confirm(client, w):
    if w.role != "merchant":
        return ""
    return client.post("/points/merchant/", {"code": w.order.code}).content.decode()


def open311(client, w):
    key = w.open311_key
    body = client.get("/open311/v2/requests.json", {"api_key": key, "service_request_id": w.case.number}).content
    one = client.get(f"/open311/v2/requests/{w.case.number}.json", {"api_key": key}).content
    return body.decode() + one.decode()


MONTH = timezone.localdate().strftime("%Y-%m")

TABLE = [
    Row("people search page", page("/people/?q=钱小"),
        {"name": PERSON_NAME, "phone": PERSON_NUMBERS, "id_number": PERSON_NUMBERS, "address": PERSON_NUMBERS}),
    Row("person detail page (with household members)", page(lambda w: f"/people/{w.person.pk}/"),
        {"name": PERSON_NAME, "phone": PERSON_NUMBERS, "id_number": PERSON_NUMBERS, "address": PERSON_NUMBERS}),
    Row("people API /api/v1/org/people", api("/api/v1/org/people?q=钱小"),
        {"name": PERSON_NAME, "phone": PERSON_NUMBERS, "id_number": PERSON_NUMBERS, "address": PERSON_NUMBERS}),
    Row("case detail page (reporter, timeline)", page(lambda w: f"/cases/{w.case.pk}/"),
        {"name": REPORTER, "phone": REPORTER, "id_number": HIDDEN}),
    Row("case API detail (reporter, timeline)", api(lambda w: f"/api/v1/cases/{w.case.pk}"),
        {"name": REPORTER, "phone": REPORTER, "id_number": HIDDEN}),
    Row("case API list", api("/api/v1/cases?limit=200"),
        {"name": REPORTER, "phone": HIDDEN, "id_number": HIDDEN}),
    Row("case list pages (each role's home list)", page("/cases/"),
        {"name": expect(full=("qian",)), "phone": HIDDEN}),
    # the reporter opens her own anonymous case (issue 14): her name is only the page header's "who is signed in"
    Row("anonymous case: detail page", page(lambda w: f"/cases/{w.anonymous.pk}/"),
        {"name": expect(full=("qian",)), "phone": HIDDEN, "id_number": HIDDEN, "address": HIDDEN}),
    Row("anonymous case: API detail", api(lambda w: f"/api/v1/cases/{w.anonymous.pk}"),
        {"name": HIDDEN, "phone": HIDDEN, "id_number": HIDDEN, "address": HIDDEN}),
    Row("webhook payloads (every event of the cases)", webhook,
        {"name": HIDDEN, "phone": HIDDEN, "id_number": HIDDEN, "address": HIDDEN}),
    Row("Open311 GET with an api_key (the caller's scope)", open311,
        {"name": HIDDEN, "phone": HIDDEN, "id_number": HIDDEN}),
    Row("cockpit analysis page (repeat reporters)", page(lambda w: f"/cockpit/analysis/?region={w.village.pk}"),
        {"name": expect(masked=COCKPIT), "phone": expect(masked=COCKPIT)}),
    Row("cockpit analysis API", api(lambda w: f"/api/v1/cockpit/analysis?region={w.village.pk}"),
        {"name": expect(masked=COCKPIT), "phone": expect(masked=COCKPIT)}),
    Row("cockpit records page", page(lambda w: f"/cockpit/records/?region={w.village.pk}&metric=received"),
        {"name": HIDDEN, "phone": HIDDEN}),
    Row("scoring drill-down page", page(lambda w: f"/scoring/department/{MONTH}/{w.urban}/received/numerator/"),
        {"name": HIDDEN, "phone": HIDDEN}),
    Row("scoring drill-down Excel", xlsx(lambda w: f"/scoring/department/{MONTH}/{w.urban}/received/numerator/export.xlsx"),
        {"name": HIDDEN, "phone": HIDDEN}),
    Row("scoring board Excel", xlsx(lambda w: f"/scoring/department/{MONTH}/export.xlsx"),
        {"name": HIDDEN, "phone": HIDDEN}),
    Row("points household page", page(lambda w: f"/points/households/{w.household.pk}/"),
        {"name": POINTS_NAME, "phone": HIDDEN, "id_number": HIDDEN, "address": POINTS_ADDRESS}),
    Row("points household list and inspection pages",
        lambda c, w: page(f"/points/households/?village={w.village.pk}")(c, w)
        + page(f"/points/inspection/?village={w.village.pk}")(c, w),
        {"address": expect(full=("admin", "village_cadre"), masked=COMMANDERS)}),
    Row("points household API", api(lambda w: f"/api/v1/points/households/{w.household.pk}"),
        {"name": POINTS_NAME, "phone": HIDDEN, "id_number": HIDDEN}),
    Row("points public-notice board page", page(lambda w: f"/points/boards/{w.board.pk}/"),
        {"name": BOARD_NAME, "phone": HIDDEN, "id_number": HIDDEN}),
    Row("points board API", api(lambda w: f"/api/v1/points/boards/{w.board.pk}"),
        {"name": BOARD_NAME, "phone": HIDDEN}),
    Row("merchant redemption (confirming a voucher)", merchant_confirm,
        {"name": expect(masked=("merchant",)), "phone": HIDDEN}),
    Row("people import template (Excel)", xlsx(lambda w: "/org/import/people-template.xlsx"),
        {"name": HIDDEN, "phone": HIDDEN, "id_number": HIDDEN}),
]


@dataclass
class World:
    person: Person
    household: Household
    case: object
    cases: list
    anonymous: object
    village: object
    urban: int
    board: object
    order: object
    open311_key: str = ""
    role: str = ""


@pytest.fixture
def world(city) -> World:
    user = get_user_model().objects.create_user("qian", password=PASSWORD, first_name=NAME)
    hh = Household(code="H-PIPL-1", address=ADDRESS)
    hh.place_in(city.regions["A1a1"])
    hh.save()
    person = Person(name=NAME, phone=PHONE, id_number=ID_NUMBER, address=ADDRESS, household=hh,
                    is_household_head=True, user=user)
    person.place_in(city.regions["A1a1"])
    person.save()
    city.users["qian"] = user
    lng, lat = city.point_in("A1a1")
    admin = city.user("admin")
    cases = [report_case(user, channel="resident", category_code="0104", title=f"垃圾满溢{i}", lng=lng, lat=lat)
             for i in range(3)]
    services.act(admin, cases[0], "accept")
    services.act(admin, cases[0], "dispatch", department=city.departments["urban"].pk)
    anonymous = report_case(user, channel="resident", category_code="0104", title="匿名反映", lng=lng, lat=lat,
                            anonymous=True)
    services.act(admin, anonymous, "accept")
    services.act(admin, anonymous, "dispatch", department=city.departments["urban"].pk)
    # Points: last month's postings on A1's board, this month's balance, an order at A1's shop.
    items = {i.code: i for i in seed_template()}
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    at = timezone.now().replace(year=last_month.year, month=last_month.month, day=10)
    apply_item(city.user("village_cadre"), person, items["HR01"], key="pipl-board", at=at)
    board = publish_board(city.user("village_cadre"), city.regions["A1"], last_month)
    for n in range(3):
        apply_item(city.user("village_cadre"), person, items["HR01"], key=f"pipl-{n}")
    shop = Merchant(name="A1村积分超市", owner=city.people["merchant"], yuan_per_point="0.100")
    shop.place_in(city.regions["A1"])
    shop.save()
    soap = StoreItem(merchant=shop, name="肥皂", price=5, stock=5)
    soap.place_in(city.regions["A1"])
    soap.save()
    order = place_order(user, soap)
    return World(person=person, household=hh, case=cases[0], cases=[*cases, anonymous], anonymous=anonymous,
                 village=city.regions["A1"], urban=city.departments["urban"].pk, board=board, order=order)


def check(text: str, values: tuple[str, str], expectation: str) -> bool:
    whole, masked = values
    if expectation == "full":
        return whole in text
    if expectation == "masked":
        return masked in text and whole not in text
    return whole not in text and masked not in text


def test_every_field_on_every_surface_is_shown_to_each_role_as_docs_privacy_says(city, world):
    wrong = []
    for role in ROLES:
        client = Client()
        assert client.login(username=role, password=PASSWORD)
        world.role = role
        _, world.open311_key = tokens.create_token(None, city.user(role), f"pipl {role}", ["cases:read"])
        for row in TABLE:
            text = row.fetch(client, world)
            for name, by_role in row.fields.items():
                if not check(text, VALUES[name], by_role[role]):
                    seen = "full" if VALUES[name][0] in text else "masked" if VALUES[name][1] in text else "hidden"
                    wrong.append(f"{row.surface} · {name} · {role}: expected {by_role[role]}, shown {seen}")
    assert not wrong, "\n" + "\n".join(wrong)


def test_the_table_names_every_surface_docs_privacy_lists():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text(encoding="utf-8")
    missing = [row.surface for row in TABLE if row.surface not in doc]
    assert not missing, missing
