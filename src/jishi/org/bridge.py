"""Bridge for the API endpoints of points and the cockpit until the API's token authentication sets the
request's Actor (``request._actor``, read by ``actor_of``): build it from the token's user, narrowed to the
port's scope the authentication still writes on that user. Once the authentication sets the Actor,
``api_actor`` is ``actor_of`` and this module goes."""

from __future__ import annotations

from types import MappingProxyType

from jishi.core.actor import TOKEN, Actor
from jishi.core.scope import NOTHING
from jishi.org.middleware import actor_of


def api_actor(request):
    actor = actor_of(request)
    user = actor.user
    port = getattr(user, "_jishi_scope", None) if getattr(user, "_jishi_narrowed", False) else None
    if port is None or actor.narrowed:
        return actor
    return Actor(kind=TOKEN, user=user, person_id=actor.person_id, posts=actor.posts, roles=actor.roles,
                 scopes=MappingProxyType({a: (NOTHING if s.empty else port) for a, s in actor.scopes.items()}),
                 narrowed=True)
