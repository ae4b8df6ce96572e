"""Login signals: count failures for throttling, forget them after a success."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from jishi.security import throttle


@receiver(user_login_failed, dispatch_uid="jishi.security.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "_jishi_throttled", False):
        return  # refused by the throttle itself: not another failure
    throttle.record_failure(credentials.get("username"), throttle.client_ip(request))


@receiver(user_logged_in, dispatch_uid="jishi.security.logged_in")
def on_logged_in(sender, request, user, **kwargs):
    throttle.clear_username(user.get_username())
    if request is not None and hasattr(request, "session"):
        request.session.pop("totp_verified", None)
