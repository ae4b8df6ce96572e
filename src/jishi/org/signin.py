"""The signed-in floor in one statement: a request's user and what its Actor needs (person, active posts).

Every signed-in request reads its session, then its user (Django's ``AuthenticationMiddleware`` through the
authentication backend's public ``get_user``), then the user's person and posts for the Actor
(``policy.actor_for_user``). ``load_user`` reads the last two together — the user's row joined to their person
and active posts — and keeps the posts beside that very user instance (by identity, for as long as it lives:
nothing is written onto the ``User``), where ``policy.actor_for_user`` takes them instead of asking again.
They are as fresh as the user row itself: read in the same statement, on every request.
"""

from __future__ import annotations

import threading
import weakref

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection

from jishi.core.actor import Post

_known: dict[int, tuple[int | None, tuple[Post, ...]]] = {}
_lock = threading.Lock()


def load_user(user_id):
    """The user ``user_id`` (None if there is none), read with its person and active posts in one statement."""
    from jishi.org.models import Person, StaffAssignment

    User = get_user_model()
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session naming no valid id: anonymous, as Django's backend answers
        return None
    qn = connection.ops.quote_name
    rows = list(User._default_manager.raw(
        f"SELECT u.*, p.id AS {EXTRA[0]}, a.role AS {EXTRA[1]}, a.region_id AS {EXTRA[2]}, "
        f"a.department_id AS {EXTRA[3]} FROM {qn(User._meta.db_table)} u "
        f"LEFT JOIN {qn(Person._meta.db_table)} p ON p.user_id = u.{qn(User._meta.pk.column)} "
        f"LEFT JOIN {qn(StaffAssignment._meta.db_table)} a ON a.person_id = p.id AND a.is_active "
        f"WHERE u.{qn(User._meta.pk.column)} = %s ORDER BY a.id", [pk]))
    if not rows:
        return None
    # The joined columns come as attributes of each row's instance: taken off again, kept beside the user.
    extras = [tuple(vars(r).pop(name, None) for name in EXTRA) for r in rows]
    user = rows[0]
    posts = tuple(Post(role, region, dep) for _, role, region, dep in extras if role)
    remember(user, extras[0][0], posts)
    return user


EXTRA = ("jishi_person_id", "jishi_post_role", "jishi_post_region_id", "jishi_post_department_id")


def remember(user, person_id: int | None, posts: tuple[Post, ...]) -> None:
    key = id(user)
    with _lock:
        _known[key] = (person_id, posts)
    weakref.finalize(user, _forget, key)


def _forget(key: int) -> None:
    with _lock:
        _known.pop(key, None)


def known_posts(user) -> tuple[int | None, tuple[Post, ...]] | None:
    """The person id and posts read with ``user`` by ``load_user``; None for a user loaded otherwise."""
    with _lock:
        return _known.get(id(user))
