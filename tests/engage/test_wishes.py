"""Micro-wishes: posted by a resident or for them, reviewed and published (masked on the wall), claimed by one,
fulfilled with a photo, thanked — the fulfiller's points posted once; a wish that is a problem becomes a case."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.engage import access, consumers, wishes
from jishi.engage.models import EngageEvent, Wish
from jishi.org.policy import as_actor
from jishi.points.models import Posting
from tests.engage.conftest import PNG, post, published


def _walk_to_fulfilled(city, helper):
    w = published(city)
    wishes.claim_wish(city.user("helper"), w, claimant_kind="party_member")
    return wishes.fulfil_wish(city.user("helper"), w, note="已送到家中",
                              photo=SimpleUploadedFile("a.png", PNG, content_type="image/png"))


def test_a_resident_wish_from_posting_to_thanks_posts_the_fulfillers_points_once(city, helper):
    w = _walk_to_fulfilled(city, helper)
    assert w.state == "fulfilled" and w.fulfil_photo.name.endswith(".png")
    assert (w.village_id, w.microgrid_id) == (city.regions["A1"].pk, city.regions["A1a1"].pk)
    wishes.thank_wish(city.user("resident"), w, note="谢谢王师傅")
    posting = Posting.objects.get(key=f"wish-fulfil:{w.pk}")
    assert (posting.person_id, posting.points) == (helper.pk, 10)
    # the consumer applied again (a retry, a replay) posts nothing more
    consumers.apply_points(list(EngageEvent.objects.filter(wish=w)))
    assert Posting.objects.filter(person=helper).count() == 1
    assert list(EngageEvent.objects.filter(wish=w).values_list("verb", flat=True)) == [
        "wish_post", "wish_publish", "wish_claim", "wish_fulfil", "wish_thank"]
    assert set(AuditRecord.objects.filter(object_type="engage.wish").values_list("action", flat=True)) >= {
        "engage.wish_post", "engage.wish_claim", "engage.wish_thank"}
    assert consumers.check_points(EngageEvent.objects.latest("id").pk) == []


def test_a_village_whose_policy_drops_the_item_records_a_refusal_not_an_award(city, helper):
    from jishi.points.models import Policy, PolicyItem

    item = consumers.wish_item()
    pol = Policy.objects.create(region=city.regions["A1"], version=1, decision="村民代表会议决议", decided_on="2026-01-01")
    PolicyItem.objects.create(policy=pol, item=item, enabled=False)
    w = _walk_to_fulfilled(city, helper)
    wishes.thank_wish(city.user("resident"), w)
    assert not Posting.objects.filter(key=f"wish-fulfil:{w.pk}").exists()
    assert AuditRecord.objects.filter(action=consumers.SKIPPED, object_id=str(w.pk)).exists()
    assert consumers.check_points(EngageEvent.objects.latest("id").pk) == []


def test_the_second_claimant_is_told_the_wish_is_taken(city, helper):
    w = published(city)
    stale = Wish.objects.get(pk=w.pk)
    wishes.claim_wish(city.user("helper"), w)
    with pytest.raises(Conflict, match="已被他人认领"):
        wishes.claim_wish(city.user("volunteer"), stale)
    w.refresh_from_db()
    assert w.claimant_id == helper.pk
    assert EngageEvent.objects.filter(wish=w, verb="wish_claim").count() == 1


def test_nobody_claims_their_own_wish_or_an_unpublished_one(city, helper):
    w = post(city)
    with pytest.raises(Conflict, match="不能认领"):
        wishes.claim_wish(city.user("helper"), w)
    wishes.publish_wish(city.user("village_cadre"), w)
    with pytest.raises(Conflict, match="自己的心愿"):
        wishes.claim_wish(city.user("resident"), w)
    with pytest.raises(ValidationFailed, match="单位名称"):
        wishes.claim_wish(city.user("helper"), w, claimant_kind="unit")


def test_only_the_village_publishes_and_only_the_wisher_thanks(city, helper):
    w = post(city)
    for who in ("grid_worker", "village_cadre_b" if "village_cadre_b" in city.users else "town_commander_b"):
        with pytest.raises(PermissionDenied):
            wishes.publish_wish(city.user(who), w)
    wishes.publish_wish(city.user("town_commander"), w)  # the town above it may
    wishes.claim_wish(city.user("helper"), w)
    wishes.fulfil_wish(city.user("helper"), w, note="送到")
    with pytest.raises(PermissionDenied):
        wishes.thank_wish(city.user("helper"), w)
    with pytest.raises(PermissionDenied):
        wishes.thank_wish(city.user("village_cadre"), w)  # the resident posted it: only they confirm


def test_a_wish_posted_for_a_resident_is_confirmed_by_who_posted_it(city, helper):
    w = post(city, who="grid_worker", wisher_name="赵奶奶", wisher_phone="13711112222", region=city.regions["A1a1"])
    assert (w.source, w.wisher_name, w.posted_by_id) == ("proxy", "赵奶奶", city.user("grid_worker").pk)
    wishes.publish_wish(city.user("village_cadre"), w)
    wishes.claim_wish(city.user("helper"), w)
    wishes.fulfil_wish(city.user("helper"), w, note="已上门理发")
    wishes.thank_wish(city.user("grid_worker"), w, note="赵奶奶很满意")
    assert Posting.objects.filter(key=f"wish-fulfil:{w.pk}", person=helper).count() == 1


def test_bad_input_is_refused_with_a_chinese_message_and_nothing_written(city):
    cases = [({"title": ""}, "请填写心愿"), ({"title": "x" * 61}, "不能超过 60 字"), ({"kind": "car"}, "类别"),
             ({"wisher_name": "赵奶奶", "wisher_phone": "123", "region": None}, "11位手机号")]
    for kw, msg in cases:
        who = "grid_worker" if "wisher_name" in kw else "resident"
        with pytest.raises(ValidationFailed, match=msg):
            post(city, who=who, **kw)
    with pytest.raises(PermissionDenied):
        post(city, who="resident", wisher_name="别人")  # a resident does not post for others
    with pytest.raises(NotFound):
        post(city, who="grid_worker", wisher_name="钱大爷", region=city.regions["B1a1"])  # outside their grid
    assert not Wish.objects.exists() and not EngageEvent.objects.exists()


def test_the_wall_masks_the_wisher_and_shows_only_published_wishes(city, helper):
    hidden = post(city, title="还在审核")
    w = published(city)
    wall = list(access.wall())
    assert wall == [w] and hidden not in wall
    assert access.wisher_label(as_actor(city.user("grid_worker_b")), w) == ("张*民", "138****0000")
    assert access.wisher_label(as_actor(city.user("village_cadre")), w) == ("张居民", "13800000000")
    assert access.wisher_label(as_actor(city.user("town_commander")), w) == ("张居民", "138****0000")
    wishes.claim_wish(city.user("helper"), w)
    assert access.wisher_label(as_actor(city.user("helper")), w) == ("张居民", "13800000000")  # to deliver it
    with pytest.raises(NotFound):
        access.wish_for(city.user("grid_worker_b"), hidden.pk)


def test_a_wish_that_is_a_problem_becomes_an_urgent_case_in_one_step(city):
    from jishi.cases.models import Case

    w = post(city, title="楼道灯坏了一个月", urgent=True)
    with pytest.raises(ValidationFailed, match="事件分类"):
        wishes.wish_to_case(city.user("village_cadre"), w, category_code="nope")
    w = wishes.wish_to_case(city.user("village_cadre"), w, category_code="0101")
    case = Case.objects.get(pk=w.case_id)
    assert (w.state, case.priority, case.reporter_name, case.village_id) == (
        "converted", "urgent", "张居民", city.regions["A1"].pk)
    assert case.handle_due_at is not None
    again = wishes.wish_to_case(city.user("village_cadre"), Wish.objects.get(pk=w.pk), category_code="0101")
    assert again.case_id == case.pk and Case.objects.count() == 1


def test_wish_fulfilment_is_offered_to_the_evaluation_as_the_cockpit_counts_it(city, helper):
    from django.utils import timezone

    from jishi.core.indicators import compute
    from jishi.engage import queries

    today, a1 = timezone.localdate(), city.regions["A1"]
    assert compute("wishes.fulfilment", a1, today, today).value is None  # no wishes: nothing measured
    _walk_to_fulfilled(city, helper)
    post(city, title="想要一把轮椅")
    got, row = compute("wishes.fulfilment", a1, today, today), queries.fulfilment_rate(a1, (today, today))
    assert (got.value, got.numerator, got.denominator) == (row["rate"], 1, 2) and got.value == 0.5
    assert f"village={a1.pk}" in got.url
