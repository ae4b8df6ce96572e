"""The points entry of the navigation: villagers, merchants and staff alike (anyone with a role); and the points
to-dos of the home page (claims to review for who runs a village's points, vouchers to redeem for a merchant)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav, register_todos
from jishi.org.choices import Role


def todo_entries(actor) -> list[dict]:
    from jishi.points.choices import OrderStatus
    from jishi.points.models import Order
    from jishi.points.queries import managed_villages, review_queue

    items: list[dict] = []
    if managed_villages(actor).exists():
        items.append({"label": _("待审核申报"), "count": review_queue(actor).count(), "url": reverse("points-review")})
    if actor.has_role(Role.MERCHANT) and actor.person_id:
        n = Order.objects.filter(merchant__owner_id=actor.person_id, status=OrderStatus.HELD).count()
        items.append({"label": _("待核销"), "count": n, "url": reverse("points-merchant")})
    return items


def register() -> None:
    register_nav("points", _("积分"), "points-home", order=50, visible=lambda a: bool(a.roles))
    register_todos("points", todo_entries, order=50)
