"""Every upload leaves through one scoped path, /files/<kind>/<id>/, after holds(): streamed on the embedded
default, handed to nginx (X-Accel-Redirect) or Apache (X-Sendfile) when configured; outsiders get a 404."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jishi.cases import intake
from jishi.core import downloads
from jishi.org.choices import Role
from jishi.org.models import Person, StaffAssignment
from jishi.points.claims import submit_claim
from jishi.points.models import Claim
from tests.factories import PASSWORD

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 300


def cadre_of(city, village_key: str):
    """A village cadre of another village (A2) than the claimant's (A1)."""
    user = get_user_model().objects.create_user(f"cadre_{village_key}", password=PASSWORD)
    person = Person(name=f"{village_key}村干部", user=user)
    person.place_in(city.regions[village_key])
    person.save()
    post = StaffAssignment(person=person, role=Role.VILLAGE_CADRE, region=city.regions[village_key])
    post.place_in(city.regions[village_key])
    post.save()
    return user


@pytest.fixture
def claim(city, items) -> Claim:
    return submit_claim(city.user("resident"), items["ZY01"], "清理河道垃圾", city_day(),
                        SimpleUploadedFile("x.jpg", JPEG, content_type="image/jpeg"))


def city_day():
    from django.utils import timezone

    return timezone.localdate()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_upload_kind_is_registered():
    assert {"case", "claim", "visit"} <= set(downloads.kinds())


def test_a_claim_photo_opens_for_the_village_cadre_and_the_claimant(client, login, claim):
    url = reverse("download", args=["claim", claim.pk])
    login("village_cadre")
    r = client.get(url)
    assert r.status_code == 200 and body(r) == JPEG
    assert r["Content-Type"] == "image/jpeg" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Cache-Control"].startswith("private")
    client.logout()
    login("resident")
    assert client.get(url).status_code == 200


def test_a_claim_photo_is_refused_to_another_villages_cadre_and_to_strangers(client, city, login, claim):
    url = reverse("download", args=["claim", claim.pk])
    assert client.get(url).status_code == 404  # not signed in: the same 404
    client.force_login(cadre_of(city, "A2"))
    assert client.get(url).status_code == 404
    client.logout()
    login("town_commander_b")
    assert client.get(url).status_code == 404
    client.logout()
    login("grid_worker_b")
    assert client.get(url).status_code == 404
    assert client.get(reverse("download", args=["nothing", claim.pk])).status_code == 404


def test_the_review_queue_links_the_photo_through_the_scoped_path_not_media(client, login, claim):
    login("village_cadre")
    page = client.get(reverse("points-review")).content.decode()
    assert reverse("download", args=["claim", claim.pk]) in page
    assert "/media/" not in page


def test_nothing_serves_media_root_directly(client, login, claim):
    login("village_cadre")
    assert client.get("/media/" + claim.photo.name).status_code == 404


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(client, login, claim, settings):
    settings.JISHI_FILE_SENDER = "nginx"
    settings.JISHI_FILE_ACCEL_PREFIX = "/protected-media/"
    login("village_cadre")
    r = client.get(reverse("download", args=["claim", claim.pk]))
    assert r.status_code == 200 and r["X-Accel-Redirect"] == "/protected-media/" + claim.photo.name
    assert r.content == b""  # nginx sends the bytes
    settings.JISHI_FILE_SENDER = "sendfile"
    r = client.get(reverse("download", args=["claim", claim.pk]))
    assert r["X-Sendfile"] == claim.photo.path


def test_an_outsider_gets_no_header_naming_the_file(client, city, claim, settings):
    settings.JISHI_FILE_SENDER = "nginx"
    client.force_login(cadre_of(city, "A2"))
    r = client.get(reverse("download", args=["claim", claim.pk]))
    assert r.status_code == 404 and "X-Accel-Redirect" not in r


def test_case_files_use_the_same_path(client, city, login):
    case = intake.report_case(city.user("grid_worker"), channel="patrol", category_code=_category(),
                              title="路灯不亮", region_code=city.regions["A1a1"].code, photos=[("a.jpg", JPEG)])
    att = case.attachments.get()
    login("grid_worker")
    r = client.get(reverse("case-file", args=[att.pk]))
    assert r.status_code == 200 and body(r) == JPEG and r["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("download", args=["case", att.pk])).status_code == 200
    client.logout()
    login("grid_worker_b")
    assert client.get(reverse("download", args=["case", att.pk])).status_code == 404
    assert client.get(reverse("case-file", args=[att.pk])).status_code == 404


def _category() -> str:
    from jishi.cases.models import Category

    return Category.objects.filter(is_active=True, parent__isnull=False).values_list("code", flat=True).first()


def test_a_post_is_not_a_download(client, login, claim):
    login("village_cadre")
    assert client.post(reverse("download", args=["claim", claim.pk])).status_code == 405
