"""Password authentication that refuses a locked username or address (see jishi.security.throttle)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from jishi.security import throttle


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend, but refuses every attempt while the username or the IP is locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self.get_user_model_username_field())
        if throttle.locked_until(username, throttle.client_ip(request)):
            if request is not None:
                request._jishi_throttled = True
            raise PermissionDenied("login throttled")
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def get_user_model_username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD

    def get_user(self, user_id):
        """The signed-in user, read with their person and active posts in one statement (``org.signin``)."""
        from jishi.org.signin import load_user

        user = load_user(user_id)
        return user if self.user_can_authenticate(user) else None
