"""One Actor per request: ``request.actor``, built on first use from the signed-in user.

The API's token authentication replaces it with the token's (narrowed) Actor; nothing is written onto the
``User``. The signed-in user is loaded through ``django.contrib.auth.get_user`` — with the authentication
backend's ``get_user``, which reads the person and active posts in the same statement (``org.signin``) — and the
Actor is built from that very instance, so the floor of a signed-in request is two statements: session, user.
"""

from __future__ import annotations

from django.contrib import auth
from django.utils.functional import SimpleLazyObject

from jishi.org.policy import actor_for_user


def actor_of(request):
    """The request's Actor (built once; a token's Actor once the API has authenticated it)."""
    actor = request.__dict__.get("_actor")
    if actor is None:
        user = getattr(request, "user", None)
        loaded = request.__dict__.get("_signed_in")
        if user is not None and user.is_authenticated and loaded is not None and loaded == user:
            user = loaded  # the instance the backend read with its posts (not the lazy proxy in front of it)
        actor = actor_for_user(user)
        request._actor = actor
    return actor


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "session"):
            request.user = SimpleLazyObject(lambda: _signed_in(request))
        request.actor = SimpleLazyObject(lambda: actor_of(request))
        return self.get_response(request)


def _signed_in(request):
    user = auth.get_user(request)
    request._signed_in = user
    return user
