"""The cadre's points desk: the award picks a person from a search (household and 组 shown, duplicate names told
apart), the inspection form is grouped by 组 with the head of household, and contradicting items are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from jishi.core.errors import ValidationFailed
from jishi.org.models import Household, Person
from jishi.points.claims import score_inspection
from jishi.points.models import Inspection, PointItem, Posting


@pytest.fixture
def twins(city, items):
    """Two villagers both named 王芳 in village A1, in different households and 组."""
    people = []
    for n, mg in ((1, "A1a1"), (2, "A1b2")):
        hh = Household(code=f"H-TW-{n}", address=f"A1村{n}组{n}号")
        hh.place_in(city.regions[mg])
        hh.save()
        p = Person(name="王芳", household=hh, is_household_head=True)
        p.place_in(city.regions[mg])
        p.save()
        people.append(p)
    return people


def test_the_picker_tells_duplicate_names_apart_by_household_and_group(client, login, twins):
    login("village_cadre")
    page = client.get(reverse("points-award-pick"), {"q": "王芳"}).content.decode()
    assert page.count('name="person"') == 2
    assert "H-TW-1" in page and "H-TW-2" in page and "A1a1微网格" in page and "A1b2微网格" in page
    assert "户主" in page


def test_the_picker_only_offers_the_cadres_own_villages(client, login, city, twins):
    outsider = Person(name="王芳", household=None)
    outsider.place_in(city.regions["B1a1"])
    outsider.save()
    login("village_cadre")
    page = client.get(reverse("points-award-pick"), {"q": "王芳"}).content.decode()
    assert f'value="{outsider.pk}"' not in page and page.count('name="person"') == 2


def test_the_award_goes_to_the_person_picked_not_to_a_name(client, login, twins):
    login("village_cadre")
    r = client.post(reverse("points-award"), {"person": twins[1].pk, "item": "HY01", "reason": "参加村民大会", "nonce": "a"})
    assert r.status_code == 302
    posting = Posting.objects.get(reason="参加村民大会")
    assert posting.person_id == twins[1].pk


def test_an_award_to_someone_outside_the_village_is_refused(client, login, city, items):
    outsider = Person(name="外村人")
    outsider.place_in(city.regions["B1a1"])
    outsider.save()
    login("village_cadre")
    r = client.post(reverse("points-award"), {"person": outsider.pk, "item": "HY01", "nonce": "b"}, follow=True)
    assert "请先查找并选中要评定的村民" in r.content.decode()
    assert not Posting.objects.filter(person=outsider).exists()


def test_the_review_page_labels_every_award_field(client, login, items):
    login("village_cadre")
    page = client.get(reverse("points-review")).content.decode()
    for field in ('for="award-q"', 'for="award-item"', 'for="award-reason"'):
        assert field in page
    assert 'class="post claim"' not in page  # claims are cards, not pink pills


def test_contradicting_items_for_one_household_are_refused_and_nothing_is_written(city, items, twins):
    hh = twins[0].household
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as exc:
        score_inspection(city.user("village_cadre"), city.regions["A1"], "12月庭院检查", today,
                         {hh.pk: ["TY01", "TY02"]})
    assert "不能同时评定" in exc.value.message and "王芳" in exc.value.message and hh.code in exc.value.message
    assert not Posting.objects.exists() and not Inspection.objects.exists()


def test_the_template_marks_the_courtyard_pair_exclusive(items):
    groups = dict(PointItem.objects.values_list("code", "exclusive_group"))
    assert groups["TY01"] == groups["TY02"] != "" and groups["LJ01"] == ""


def test_the_inspection_page_refuses_the_pair_with_a_clear_message_and_keeps_the_ticks(client, login, twins):
    hh = twins[0].household
    login("village_cadre")
    r = client.post(reverse("points-inspection"), {"village": hh.village_id, "title": "12月庭院检查",
                                                   "held_on": timezone.localdate().isoformat(),
                                                   f"h{hh.pk}_TY01": "1", f"h{hh.pk}_TY02": "1"}, follow=True)
    page = r.content.decode()
    assert "不能同时评定" in page
    assert page.count("checked") >= 2 and not Posting.objects.exists()


def test_the_inspection_page_groups_households_by_group_with_their_head(client, login, twins, django_assert_max_num_queries):
    login("village_cadre")
    with django_assert_max_num_queries(25):
        page = client.get(reverse("points-inspection")).content.decode()
    assert page.count('class="group-row"') == 2 and "A1a1微网格" in page and "A1b2微网格" in page
    assert page.count("<strong>王芳</strong>") == 2 and 'data-filter-rows="#insp-table"' in page


def test_the_monthly_board_ranks_by_the_months_points_not_the_running_total(city, items):
    from datetime import date, datetime

    from jishi.points.boards import publish_board
    from jishi.points.earning import apply_item
    from jishi.points.models import BoardLine

    cadre = city.user("village_cadre")
    sept = timezone.make_aware(datetime(2026, 9, 10, 10))
    octo = timezone.make_aware(datetime(2026, 10, 10, 10))
    for n in range(4):  # a big September for the merchant…
        apply_item(cadre, city.people["merchant"], items["HR01"], key=f"s{n}", at=sept.replace(day=10 + n))
    apply_item(cadre, city.people["resident"], items["HY01"], key="o1", at=octo)  # …October belongs to the resident
    board = publish_board(cadre, city.regions["A1"], date(2026, 10, 1),
                          now=timezone.make_aware(datetime(2026, 11, 2, 9)))
    lines = {line.person_name: line for line in BoardLine.objects.filter(board=board)}
    assert lines["张居民"].rank == 1 and lines["王店主"].rank == 2
    assert lines["王店主"].honour_total > lines["张居民"].honour_total  # the running total is shown, not ranked


def test_the_board_page_has_one_objection_button(client, login, city, items):
    from datetime import date, datetime

    from jishi.points.boards import publish_board
    from jishi.points.earning import apply_item

    cadre = city.user("village_cadre")
    for n in range(4):
        apply_item(cadre, city.people["resident"], items["HY01"], key=f"m{n}", reason=f"会议{n}",
                   at=timezone.make_aware(datetime(2026, 10, 3 + n, 10)))
    board = publish_board(cadre, city.regions["A1"], date(2026, 10, 1), now=timezone.now())
    login("volunteer")
    page = client.get(reverse("points-board", args=[board.pk])).content.decode()
    assert page.count('data-testid="object-open"') == 1 and page.count('name="reason"') == 1
    assert page.count("<option value=") == 4
