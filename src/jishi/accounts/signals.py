"""At login, note in the session whether the account must change its password first (the middleware then
reads the session only: no statement per request)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in

SESSION_KEY = "must_change_password"


def _on_login(sender, request, user, **kwargs) -> None:
    from jishi.accounts.models import AccountState

    if request is None or not hasattr(request, "session"):
        return
    if AccountState.objects.filter(user=user, must_change_password=True).exists():
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="jishi.accounts.must_change_password")
