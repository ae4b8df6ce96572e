"""Template context shared by every page: city name, the actor's roles, the navigation."""

from django.conf import settings

from jishi.org.choices import Role
from jishi.org.middleware import actor_of
from jishi.web import tiles
from jishi.web.nav import navigation_for, phone_bar


def jishi(request):
    nav, roles = navigation_for(actor_of(request))
    bar, more = phone_bar(nav)
    base = tiles.base_layer()
    return {
        "city_name": settings.JISHI_CITY_NAME,
        "nav": nav,
        "phone_bar": bar,
        "phone_more": more,
        "user_roles": roles,
        "user_role_labels": [Role(r).label if r in Role.values else r for r in roles],
        "map_tile_url": base["url"],  # the offline package, else JISHI_MAP_TILE_URL, else "" (plain background)
        "map_tile_attribution": base["attribution"],
        "map_tile_zoom": base["zoom"],
    }
