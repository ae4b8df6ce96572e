"""Intake: location, time limits, idempotent hotline retries, duplicates, and bad input that
changes nothing."""

import pytest
from django.utils import timezone

from jishi.cases import services
from jishi.cases.models import Attachment, Case, CaseEvent
from jishi.core.errors import ValidationFailed
from jishi.core.models import AuditRecord
from tests.cases.conftest import EXE, JPEG, PDF


def _counts():
    return Case.objects.count(), CaseEvent.objects.count(), Attachment.objects.count(), AuditRecord.objects.count()


def test_a_patrol_report_is_located_to_micro_grid_grid_village_and_town_with_due_times(city, report):
    case = report(photos=[JPEG, PDF])
    r = city.regions
    assert (case.microgrid, case.grid, case.village, case.town) == (r["A1a1"], r["A1a"], r["A1"], r["A"])
    assert case.state == "reported" and case.created and case.command_level == "village"
    assert case.number == f"{timezone.localtime(case.reported_at):%Y%m%d}{case.pk:05d}"
    assert case.ack_due_at > case.reported_at and case.handle_due_at > case.ack_due_at
    assert case.reporter == city.people["grid_worker"] and case.reporter_user == city.user("grid_worker")
    files = list(Attachment.objects.filter(case=case))
    assert [a.content_type for a in files] == ["image/jpeg", "application/pdf"]
    assert files[0].file.name.startswith("cases/20") and files[0].file.storage.exists(files[0].file.name)


def test_a_report_without_coordinates_is_placed_in_the_chosen_region(city):
    case = services.report_case(city.user("town_commander"), channel="visit", category_code="1001", title="邻里噪声",
                                region_code=city.regions["B1"].code)
    assert case.village == city.regions["B1"] and case.grid is None and case.town == city.regions["B"]


def test_an_anonymous_resident_report_keeps_no_name_or_phone_but_stays_the_reporters(city, report):
    """匿名 hides the reporter from the handlers, not from the reporter: the account stays on the case (its
    我的上报, its notices), the person record, name and phone do not."""
    case = report("resident", channel="resident", anonymous=True)
    assert case.reporter is None and case.reporter_name == "" and case.reporter_phone == "" and case.anonymous
    assert case.reporter_user == city.user("resident")
    assert case.events.get().actor_name == "匿名"


def test_a_retried_hotline_ticket_makes_one_case(city, report):
    first = report(None, channel="hotline", external_ref="12345-20261127-0001", reporter_name="王先生",
                   reporter_phone="13912345678")
    again = report(None, channel="hotline", external_ref="12345-20261127-0001", reporter_name="王先生")
    assert again.pk == first.pk and first.created and not again.created
    assert Case.objects.filter(external_ref="12345-20261127-0001").count() == 1
    other_channel = report(None, channel="sensor", external_ref="12345-20261127-0001")
    assert other_channel.pk != first.pk


def test_a_retry_with_the_same_idempotency_key_makes_one_case(city, report):
    a = report(idempotency_key="app-7f3c")
    b = report(idempotency_key="app-7f3c", title="完全不同的标题")
    assert a.pk == b.pk and Case.objects.count() == 1


@pytest.mark.parametrize("bad, field", [
    ({"category_code": "9999"}, "category"),
    ({"lng": 121.5, "lat": 31.2}, "location"),  # Shanghai: in China but outside the city
    ({"lng": 31.8, "lat": 120.2}, "location"),  # swapped
    ({"lng": None, "lat": None}, "location"),
    ({"photos": [EXE]}, "photos"),
    ({"title": "  "}, "title"),
    ({"channel": "fax"}, "channel"),
])
def test_bad_input_gets_a_clear_error_and_changes_nothing(city, bad, field):
    lng, lat = city.point_in("A1a1")
    kw = {"channel": "patrol", "category_code": "0101", "title": "垃圾", "lng": lng, "lat": lat, **bad}
    before = _counts()
    with pytest.raises(ValidationFailed) as err:
        services.report_case(city.user("grid_worker"), **kw)
    assert err.value.field == field and err.value.message
    assert _counts() == before


def test_an_oversized_photo_is_refused(city, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    lng, lat = city.point_in("A1a1")
    before = _counts()
    with pytest.raises(ValidationFailed, match="大小上限"):
        services.report_case(city.user("grid_worker"), channel="patrol", category_code="0101", title="垃圾",
                             lng=lng, lat=lat, photos=[JPEG + b"\x00" * 2000])
    assert _counts() == before


def test_likely_duplicates_are_same_category_nearby_recent_and_open(city, report):
    a = report()
    near = report(title="同一处垃圾")
    other_category = report(category="0201", title="占道经营")
    far = report(where="B1a1")
    closed = report(title="已处理的")
    services.resolve_on_spot(city.user("grid_worker"), closed, before=[JPEG], after=[JPEG])
    dups = set(services.likely_duplicates(a).values_list("pk", flat=True))
    assert dups == {near.pk}
    assert other_category.pk not in dups and far.pk not in dups
