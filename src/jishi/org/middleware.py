"""One Actor per request: ``request.actor``, built on first use from the signed-in user.

The API's token authentication replaces it with the token's (narrowed) Actor; nothing is written onto the
``User``.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from jishi.org.policy import actor_for_user


def actor_of(request):
    """The request's Actor (built once; a token's Actor once the API has authenticated it)."""
    actor = request.__dict__.get("_actor")
    if actor is None:
        actor = actor_for_user(getattr(request, "user", None))
        request._actor = actor
    return actor


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: actor_of(request))
        return self.get_response(request)
