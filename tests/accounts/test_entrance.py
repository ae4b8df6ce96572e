"""The resident entrance: a phone and a one-time code; the first time, the account is linked to the person
record by the ID check or a cadre's invitation. Codes expire, are used once, are stored hashed, and a phone
that guesses is locked out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from jishi.accounts import services
from jishi.accounts.models import AccountState, Invitation, SmsCode
from jishi.core.audit import AuditRecord
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.org.models import Person
from tests.accounts.conftest import ID_NUMBER, PHONE, code_sent_to

pytestmark = pytest.mark.django_db


def test_a_registered_resident_opens_an_account_by_code_and_id_check(villager):
    services.send_code(PHONE, "enter")
    entered = services.enter(PHONE, code_sent_to(PHONE), id_last6=ID_NUMBER[-6:].lower())
    assert entered.created and entered.user.username == PHONE
    villager.refresh_from_db()
    assert villager.user_id == entered.user.pk
    assert AccountState.objects.get(user=entered.user).origin == "resident_sms"
    assert not entered.user.has_usable_password()
    assert AuditRecord.objects.filter(action="accounts.registered", object_id=str(villager.pk)).exists()


def test_the_code_is_stored_only_as_a_digest(villager):
    services.send_code(PHONE, "enter")
    code = code_sent_to(PHONE)
    row = SmsCode.objects.get()
    assert code not in row.digest and len(row.digest) == 64
    assert not AuditRecord.objects.filter(summary__contains=code).exists()


def test_next_time_the_code_alone_signs_in(villager):
    services.send_code(PHONE, "enter")
    first = services.enter(PHONE, code_sent_to(PHONE), id_last6=ID_NUMBER[-6:])
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        services.send_code(PHONE, "enter")
        again = services.enter(PHONE, code_sent_to(PHONE))
    assert again.user.pk == first.user.pk and not again.created


def test_a_code_is_used_once(villager):
    services.send_code(PHONE, "enter")
    code = code_sent_to(PHONE)
    services.enter(PHONE, code, id_last6=ID_NUMBER[-6:])
    with pytest.raises(ValidationFailed) as exc:
        services.enter(PHONE, code)
    assert exc.value.code == "code_expired"


def test_a_code_expires(villager, settings):
    services.send_code(PHONE, "enter")
    code = code_sent_to(PHONE)
    later = timezone.now() + timedelta(minutes=settings.JISHI_SMS_CODE_MINUTES, seconds=1)
    with time_machine.travel(later), pytest.raises(ValidationFailed) as exc:
        services.enter(PHONE, code, id_last6=ID_NUMBER[-6:])
    assert exc.value.code == "code_expired"
    villager.refresh_from_db()
    assert villager.user_id is None


def test_a_new_code_voids_the_older_one(villager):
    services.send_code(PHONE, "enter")
    old = code_sent_to(PHONE)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        services.send_code(PHONE, "enter")
        new = code_sent_to(PHONE)
        if old != new:
            with pytest.raises(ValidationFailed):
                services.enter(PHONE, old, id_last6=ID_NUMBER[-6:])
        assert services.enter(PHONE, new, id_last6=ID_NUMBER[-6:]).created


def test_a_wrong_id_check_is_refused_and_counted(villager):
    services.send_code(PHONE, "enter")
    code = code_sent_to(PHONE)
    with pytest.raises(ValidationFailed) as exc:
        services.enter(PHONE, code, id_last6="000000")
    assert exc.value.code == "id_mismatch" and exc.value.field == "id_last6"
    assert SmsCode.objects.get().failures == 1
    villager.refresh_from_db()
    assert villager.user_id is None
    assert services.enter(PHONE, code, id_last6=ID_NUMBER[-6:]).created  # the code itself still holds


def test_first_time_without_an_id_check_or_invitation_asks_for_one(villager):
    services.send_code(PHONE, "enter")
    with pytest.raises(ValidationFailed) as exc:
        services.enter(PHONE, code_sent_to(PHONE))
    assert exc.value.code == "link_needed"
    assert SmsCode.objects.get().failures == 0 and SmsCode.objects.get().used_at is None


def test_a_phone_the_city_does_not_know_is_told_to_ask_for_an_invitation(city):
    services.send_code("13700001111", "enter")
    with pytest.raises(NotFound) as exc:
        services.enter("13700001111", code_sent_to("13700001111"), id_last6="123456")
    assert "邀请码" in exc.value.message
    assert not get_user_model().objects.filter(username="13700001111").exists()


def test_five_wrong_codes_void_the_code(villager):
    services.send_code(PHONE, "enter")
    code = code_sent_to(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(services.CODE_TRIES):
        with pytest.raises(ValidationFailed):
            services.enter(PHONE, wrong, id_last6=ID_NUMBER[-6:])
    with pytest.raises(ValidationFailed) as exc:
        services.enter(PHONE, code, id_last6=ID_NUMBER[-6:])
    assert exc.value.code == "code_expired"


def test_a_guessing_phone_is_locked_out_of_codes_and_sending(villager):
    start = timezone.now()
    for i in range(2):
        with time_machine.travel(start + timedelta(minutes=2 * i)):
            services.send_code(PHONE, "enter")
            code = code_sent_to(PHONE)
            wrong = f"{(int(code) + 1) % 1_000_000:06d}"
            for _ in range(services.CODE_TRIES):
                with pytest.raises(ValidationFailed):
                    services.enter(PHONE, wrong)
    with time_machine.travel(start + timedelta(minutes=5)):
        with pytest.raises(services.TooManyAttempts) as exc:
            services.send_code(PHONE, "enter")
        assert exc.value.status == 429 and exc.value.details["retry_after"] > 0
    with time_machine.travel(start + services.WINDOW + timedelta(minutes=1)):
        services.send_code(PHONE, "enter")  # the window passed
        assert services.enter(PHONE, code_sent_to(PHONE), id_last6=ID_NUMBER[-6:]).created


def test_sending_is_limited_per_phone_per_minute(villager):
    services.send_code(PHONE, "enter")
    with pytest.raises(services.TooManyAttempts) as exc:
        services.send_code(PHONE, "enter")
    assert exc.value.details["retry_after"] <= 60


def test_sending_is_limited_per_address(city):
    for i in range(services.IP_SENDS):
        services.send_code(f"1390000{i:04d}", "enter", ip="203.0.113.9")
    with pytest.raises(services.TooManyAttempts):
        services.send_code("13911112222", "enter", ip="203.0.113.9")


def test_a_bad_phone_number_is_refused(city):
    with pytest.raises(ValidationFailed) as exc:
        services.send_code("12345", "enter")
    assert exc.value.field == "phone"


def test_a_staff_account_cannot_sign_in_with_a_code_alone(city):
    worker = city.people["grid_worker"]
    Person.objects.filter(pk=worker.pk).update(phone="13812340000")
    services.send_code("13812340000", "enter")
    with pytest.raises(PermissionDenied):
        services.enter("13812340000", code_sent_to("13812340000"))


def test_a_cadre_invites_a_person_without_a_match(city):
    newcomer = Person(name="钱新户", phone="", id_number="")
    newcomer.place_in(city.regions["A1a2"])
    newcomer.save()
    row, code = services.invite(city.user("village_cadre"), newcomer)
    assert code.replace("-", "") not in row.digest
    services.send_code("13655556666", "enter")
    entered = services.enter("13655556666", code_sent_to("13655556666"), invitation=code.lower())
    newcomer.refresh_from_db()
    assert entered.created and newcomer.user_id == entered.user.pk and newcomer.phone == "13655556666"
    row.refresh_from_db()
    assert row.used_at and row.used_by_id == entered.user.pk
    assert AccountState.objects.get(user=entered.user).origin == "invitation"


def test_an_invitation_is_used_once_and_expires(city, settings):
    a = Person(name="孙甲", id_number="")
    a.place_in(city.regions["A1a2"])
    a.save()
    _, code = services.invite(city.user("village_cadre"), a)
    services.send_code("13655550001", "enter")
    services.enter("13655550001", code_sent_to("13655550001"), invitation=code)
    services.send_code("13655550002", "enter")
    with pytest.raises(ValidationFailed) as exc:
        services.enter("13655550002", code_sent_to("13655550002"), invitation=code)
    assert exc.value.code == "invitation_invalid"
    b = Person(name="孙乙", id_number="")
    b.place_in(city.regions["A1a2"])
    b.save()
    _, code_b = services.invite(city.user("village_cadre"), b)
    with time_machine.travel(timezone.now() + timedelta(days=settings.JISHI_INVITATION_DAYS, minutes=1)):
        services.send_code("13655550003", "enter")
        with pytest.raises(ValidationFailed):
            services.enter("13655550003", code_sent_to("13655550003"), invitation=code_b)


def test_only_who_manages_the_person_may_invite(city, villager):
    with pytest.raises(NotFound):
        services.invite(city.user("town_commander_b"), villager)  # another town
    with pytest.raises(NotFound):
        services.invite(city.user("grid_worker"), villager)  # grid staff do not manage
    services.invite(city.user("town_commander"), villager)
    services.send_code(PHONE, "enter")
    services.enter(PHONE, code_sent_to(PHONE), id_last6=ID_NUMBER[-6:])
    villager.refresh_from_db()
    with pytest.raises(Conflict):
        services.invite(city.user("village_cadre"), villager)
    assert Invitation.objects.count() == 1


def test_password_reset_by_code(villager):
    services.send_code(PHONE, "enter")
    user = services.enter(PHONE, code_sent_to(PHONE), id_last6=ID_NUMBER[-6:]).user
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        services.send_code(PHONE, "reset")
        code = code_sent_to(PHONE)
        with pytest.raises(ValidationFailed):
            services.reset_password(PHONE, code, "12345678")  # too simple: the validators refuse it
        services.reset_password(PHONE, code, "Qingshan-河边-2026")
        with pytest.raises(ValidationFailed):
            services.reset_password(PHONE, code, "Another-河边-2027")  # used
    user.refresh_from_db()
    assert user.check_password("Qingshan-河边-2026")
    assert AuditRecord.objects.filter(action="accounts.password_reset").count() == 1


def test_a_reset_for_a_phone_without_an_account_sends_nothing_but_answers_the_same(city):
    assert services.send_code("13700009999", "reset") > 0
    from jishi.accounts import sms

    assert sms.last_to("13700009999") is None
