"""Reference data intake reads on every call, held once per process instead of queried per request (issue 16).

    category(code) -> Category | None   the category with this code (its parent loaded), active or not
    categories_by_id() -> {id: Category}
    place_of(lng, lat) -> Place | None  the finest region (micro-grid or grid) containing the point, as the
                                        ancestor ids a case is placed by (``town_id`` … ``microgrid_id``)

**Categories** (~100 rows) are read whole, with their parents, and kept. The copy is dropped at once in this
process when a category is saved or deleted (signals: the admin, the seed), and re-read by every process at most
every ``JISHI_REFERENCE_CHECK_SECONDS`` (default: the locator's ``JISHI_LOCATOR_CHECK_SECONDS``, 10 s; 0 under
tests, where rolled-back rows must never linger) — a category switched off in one server process is refused by
the others within that time, as a boundary change reaches the locator. The instances are shared between
requests: read them, never change or save them.

**Places** come from the process-wide locator (``jishi.org.geo.locator``, rebuilt when a grid or micro-grid
changes): the ancestor ids of every region it can answer are read in one statement when the locator is (re)built,
so locating a point costs no statement (``locate_point`` read the whole region row, boundary included, each time).
"""

from __future__ import annotations

import threading
import time
from typing import NamedTuple

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from jishi.cases.models import Category
from jishi.org.geo import locator, validate_point
from jishi.org.models import Region

_lock = threading.Lock()
_categories: tuple[dict[str, Category], dict[int, Category]] | None = None
_read_at = 0.0


def _ttl() -> float:
    ttl = getattr(settings, "JISHI_REFERENCE_CHECK_SECONDS", None)
    return getattr(settings, "JISHI_LOCATOR_CHECK_SECONDS", 10) if ttl is None else ttl


def _table() -> tuple[dict[str, Category], dict[int, Category]]:
    global _categories, _read_at
    table, now = _categories, time.monotonic()
    if table is None or now - _read_at >= _ttl():
        rows = list(Category.objects.select_related("parent"))
        table = ({c.code: c for c in rows}, {c.pk: c for c in rows})
        with _lock:
            _categories, _read_at = table, now
    return table


def category(code: str) -> Category | None:
    """The category with ``code`` (active or not; its ``parent`` loaded), or None."""
    return _table()[0].get(code)


def categories_by_id() -> dict[int, Category]:
    """Every category by id (its ``parent`` loaded): take it once for a page of cases, then look up each row's."""
    return _table()[1]


def forget(**_kwargs) -> None:
    """Drop the cached categories (a category was saved or deleted in this process)."""
    global _categories
    with _lock:
        _categories = None


post_save.connect(forget, sender=Category, dispatch_uid="cases.reference.category_saved")
post_delete.connect(forget, sender=Category, dispatch_uid="cases.reference.category_deleted")


class Place(NamedTuple):
    """Where a located point sits: what ``Region.place_in`` / ``Case.place_in`` reads of a region."""

    id: int
    town_id: int | None
    village_id: int | None
    grid_id: int | None
    microgrid_id: int | None


_places: tuple[object, dict[int, Place]] = (None, {})


def place_of(lng: float, lat: float) -> Place | None:
    """The finest region containing the point (as ``jishi.org.geo.locate_point``), or None; ValidationFailed for
    a point outside China."""
    global _places
    validate_point(lng, lat)
    loc = locator()
    rid = loc.locate_one(lng, lat)
    if not rid:
        return None
    built, places = _places
    if built is not loc:  # the locator was (re)built: the ancestors of every region it answers, in one statement
        places = {row[0]: Place(*row) for row in  # the regions build_locator reads (a superset of its answers)
                  Region.objects.filter(level__in=("microgrid", "grid"), boundary__isnull=False)
                  .values_list("id", "town_id", "village_id", "grid_id", "microgrid_id")}
        with _lock:
            _places = (loc, places)
    place = places.get(rid)
    if place is None:  # a region the locator knows but the table no longer holds: as locate_point, ask the database
        place = Region.objects.filter(pk=rid).values_list("id", "town_id", "village_id", "grid_id",
                                                           "microgrid_id").first()
        place = Place(*place) if place else None
    return place
