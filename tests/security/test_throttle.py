"""Login throttling: 5 failures for one username or 20 from one address within 15 minutes lock
further attempts for 15 minutes, with a clear Chinese message; kept in the database (all processes)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from jishi.security.models import LoginLock
from tests.factories import PASSWORD


def attempt(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_username_even_for_the_right_password(client, city):
    for _ in range(5):
        assert attempt(client, "grid_worker", "wrong").status_code == 200
    response = attempt(client, "grid_worker", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginLock.objects.filter(kind="username", key="grid_worker").exists()


def test_four_failures_then_success_clears_the_count(client, city):
    for _ in range(4):
        attempt(client, "grid_worker", "wrong")
    assert attempt(client, "grid_worker", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "grid_worker", "wrong")
    assert attempt(client, "grid_worker", PASSWORD).status_code == 302


def test_a_locked_username_does_not_lock_other_users(client, city):
    for _ in range(5):
        attempt(client, "grid_worker", "wrong")
    assert attempt(client, "grid_leader", PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_the_address(client, city):
    for i in range(20):
        attempt(client, f"guess{i % 4}", "wrong", ip="10.9.9.9")
    assert attempt(client, "grid_leader", PASSWORD, ip="10.9.9.9").status_code == 429
    assert attempt(client, "grid_leader", PASSWORD, ip="10.9.9.10").status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client, city):
    for _ in range(5):
        attempt(client, "grid_worker", "wrong")
    assert attempt(client, "grid_worker", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert attempt(client, "grid_worker", PASSWORD).status_code == 302


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, city):
    start = timezone.now()
    for i in range(5):
        with time_machine.travel(start + timedelta(minutes=4 * i)):
            attempt(client, "grid_worker", "wrong")
    with time_machine.travel(start + timedelta(minutes=17)):
        assert attempt(client, "grid_worker", PASSWORD).status_code == 302


def test_the_admin_login_and_every_authenticate_call_are_throttled_too(client, city):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"}, REMOTE_ADDR="10.0.0.2")
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    assert not client.login(username="admin", password=PASSWORD)


def test_a_lock_is_audited(client, city):
    from jishi.core.models import AuditRecord

    for _ in range(5):
        attempt(client, "grid_worker", "wrong")
    assert AuditRecord.objects.filter(action="security.login_locked").count() == 1


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_counted(client, city, settings):
    settings.JISHI_TRUSTED_PROXIES = ["10.1.1.1"]
    for i in range(20):
        client.post("/login/", {"username": f"guess{i % 4}", "password": "wrong"}, REMOTE_ADDR="10.1.1.1",
                    HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = client.post("/login/", {"username": "grid_leader", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1",
                        HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302, "one attacker must not lock everyone behind the proxy"
    client.logout()
    locked = client.post("/login/", {"username": "grid_leader", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1",
                         HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(client, city):
    for i in range(20):
        client.post("/login/", {"username": f"guess{i % 4}", "password": "wrong"}, REMOTE_ADDR="10.2.2.2",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert attempt(client, "grid_leader", PASSWORD, ip="10.2.2.2").status_code == 429


def test_the_worker_prunes_old_failures_and_locks_daily_and_keeps_the_current_ones(client, city):
    from datetime import datetime

    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    from jishi.security.models import LoginFailure
    from jishi.security.tasks import prune_login_throttle

    autodiscover_modules("tasks")  # what the worker (run_huey) does
    due = HUEY.read_periodic(datetime(2025, 6, 1, 3, 23))
    assert "prune_login_throttle" in {t.name.rsplit(".", 1)[-1] for t in due}
    start = timezone.now() - timedelta(days=3)
    with time_machine.travel(start):
        for n in range(6):  # a spray over many names, and one name locked
            attempt(client, f"nobody{n}", "wrong")
        for _ in range(5):
            attempt(client, "grid_worker", "wrong")
    attempt(client, "grid_leader", "wrong")
    assert LoginFailure.objects.count() == 12 and LoginLock.objects.count() == 1
    prune_login_throttle()
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["grid_leader"]
    assert not LoginLock.objects.exists()
