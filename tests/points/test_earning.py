"""Earning: self-claims with photo evidence and (two-step) review, batch inspection, the informant award."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.org.models import Household, Person
from jishi.points import ledger
from jishi.points.choices import ClaimStatus
from jishi.points.claims import review_claim, score_inspection, submit_claim
from jishi.points.models import Posting
from jishi.points.reconcile import reconcile
from jishi.points.rules import adopt_policy, effective_item

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("help.jpg", JPEG, content_type="image/jpeg")


def test_a_claim_needing_evidence_is_refused_without_a_photo(city, items):
    with pytest.raises(ValidationFailed, match="照片"):
        submit_claim(city.user("resident"), items["ZY01"], "帮邻居收稻谷", date(2026, 11, 1))


def test_a_villager_claims_and_the_cadre_approves(city, items):
    claim = submit_claim(city.user("resident"), items["ZY01"], "参加河道保洁", date(2026, 11, 1), photo())
    assert claim.status == ClaimStatus.PENDING and claim.photo.name.endswith(".jpg")
    with pytest.raises(PermissionDenied):
        review_claim(city.user("grid_worker_b"), claim, True)
    claim = review_claim(city.user("village_cadre"), claim, True)
    assert claim.status == ClaimStatus.APPROVED and claim.posting.points == 5
    assert claim.posting.approver == city.user("village_cadre")
    assert ledger.person_account(city.people["resident"]).balance == 5
    with pytest.raises(Conflict):
        review_claim(city.user("village_cadre"), claim, True)


def test_a_rejection_needs_a_reason_and_posts_nothing(city, items):
    claim = submit_claim(city.user("resident"), items["ZY01"], "参加河道保洁", date(2026, 11, 1), photo())
    with pytest.raises(ValidationFailed):
        review_claim(city.user("village_cadre"), claim, False)
    claim = review_claim(city.user("village_cadre"), claim, False, "照片看不出是本人")
    assert claim.status == ClaimStatus.REJECTED and not Posting.objects.exists()


def test_two_step_review_needs_a_second_different_reviewer(city, items):
    adopt_policy(city.user("village_cadre"), city.regions["A1"], decision="两委会议决议", decided_on=date(2026, 3, 1),
                 two_step_review=True)
    claim = submit_claim(city.user("resident"), items["HR01"], "扶老人过马路", date(2026, 11, 2), photo())
    claim = review_claim(city.user("village_cadre"), claim, True)
    assert claim.status == ClaimStatus.FIRST_APPROVED and not Posting.objects.exists()
    with pytest.raises(Conflict, match="另一位"):
        review_claim(city.user("village_cadre"), claim, True)
    claim = review_claim(city.user("town_commander"), claim, True)
    assert claim.status == ClaimStatus.APPROVED and claim.posting.points == 10


def test_a_village_policy_adjusts_an_item_over_the_town_and_the_template(city, items):
    cadre, commander = city.user("village_cadre"), city.user("town_commander")
    adopt_policy(commander, city.regions["A"], decision="镇积分办法", decided_on=date(2026, 1, 1), items={"ZY01": {"points": 8}})
    assert effective_item(city.regions["A1"], items["ZY01"]).points == 8
    adopt_policy(cadre, city.regions["A1"], decision="村规民约修订", decided_on=date(2026, 2, 1), items={"ZY01": {"points": 6}})
    assert effective_item(city.regions["A1"], items["ZY01"]).points == 6
    assert effective_item(city.regions["A2"], items["ZY01"]).points == 8
    assert effective_item(city.regions["B1"], items["ZY01"]).points == 5
    with pytest.raises(PermissionDenied):
        adopt_policy(cadre, city.regions["A2"], decision="越权", decided_on=date(2026, 2, 1))


def test_a_batch_inspection_scores_many_households_in_one_form(city, items):
    village = city.regions["A1"]
    households = []
    for n in range(5):
        hh = Household(code=f"H-X-{n}", address=f"A1村{n}号")
        hh.place_in(city.regions["A1a1"])
        hh.save()
        p = Person(name=f"户主{n}", household=hh, is_household_head=True)
        p.place_in(city.regions["A1a1"])
        p.save()
        households.append(hh)
    scores = {hh.pk: ["TY01", "LJ01"] for hh in households[:4]} | {households[4].pk: ["TY02"]}
    inspection = score_inspection(city.user("village_cadre"), village, "11月庭院检查", date(2026, 11, 20), scores)
    assert inspection.scored == 5
    assert Posting.objects.filter(source=f"inspection:{inspection.pk}").count() == 9
    again = score_inspection(city.user("village_cadre"), village, "11月庭院检查", date(2026, 11, 20), scores)
    assert Posting.objects.filter(source=f"inspection:{again.pk}").count() == 0  # idempotent per household and item
    assert reconcile().ok


def test_an_accepted_informant_report_earns_the_informant_points(city, items, django_capture_on_commit_callbacks):
    from jishi.cases import services
    from jishi.cases.choices import Channel

    lng, lat = city.point_in("A1a1")
    case = services.report_case(city.user("informant"), channel=Channel.INFORMANT, category_code="0101",
                                title="路边垃圾堆", lng=lng, lat=lat)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(city.user("town_commander"), case)
    posting = Posting.objects.get(key=f"case-accept:{case.pk}")
    assert posting.person == city.people["informant"] and posting.points == 5
    assert posting.approver == city.user("town_commander")
    assert reconcile().ok


def test_an_accepted_patrol_report_earns_nothing(city, items, django_capture_on_commit_callbacks):
    from jishi.cases import services
    from jishi.cases.choices import Channel

    lng, lat = city.point_in("A1a1")
    case = services.report_case(city.user("grid_worker"), channel=Channel.PATROL, category_code="0101",
                                title="路边垃圾堆", lng=lng, lat=lat)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(city.user("town_commander"), case)
    assert not Posting.objects.exists()
