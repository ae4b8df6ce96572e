"""The 8-minute coverage of the whole city, computed out of the request: every household's walking minutes to
its nearest open venue (``circle``), summed per finest region (``CoverageCell``) with the households outside the
circle kept for the map. Run by the ``venues.coverage`` consumer on every change that moves the circle, by the
demo and by ``jishi venues-coverage``."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from jishi.org.models import Household, Venue
from jishi.venues import circle
from jishi.venues.choices import CIRCLE_KINDS, Method
from jishi.venues.models import CircleSettings, CoverageCell, CoverageRun, RoadNetwork

BATCH = 2000
_NETWORKS: dict[tuple, circle.Network] = {}  # per process: (network id, updated_at, lat0) → graph


def current_settings() -> CircleSettings:
    row = CircleSettings.objects.order_by("pk").first()
    return row or CircleSettings()


def params_of(s: CircleSettings) -> circle.Params:
    return circle.Params(speed=s.speed, detour=s.detour, minutes=s.minutes)


def active_network() -> RoadNetwork | None:
    return RoadNetwork.objects.filter(is_active=True).defer("geojson").order_by("-id").first()


def network_for(row: RoadNetwork | None, lat0: float) -> circle.Network | None:
    """The walking graph of an imported network, built once per process (rebuilt when the row changes)."""
    if row is None:
        return None
    key = (row.pk, row.updated_at, round(lat0, 3))
    net = _NETWORKS.get(key)
    if net is None:
        geojson = RoadNetwork.objects.values_list("geojson", flat=True).get(pk=row.pk)
        net = circle.build_network(circle.lines_of(geojson), lat0)
        _NETWORKS.clear()
        _NETWORKS[key] = net
    return net


@dataclass
class Walking:
    """What walking means now: the parameters, the method, the network (if walked) and the plane's latitude."""

    params: circle.Params
    method: str
    network_row: RoadNetwork | None
    network: circle.Network | None
    lat0: float


def walking(lat0: float) -> Walking:
    s = current_settings()
    row = active_network() if s.method == Method.NETWORK else None
    return Walking(params_of(s), Method.NETWORK if row else Method.STRAIGHT, row, network_for(row, lat0), lat0)


def open_venues() -> np.ndarray:
    """Longitude/latitude of the open venues that count for the circle (centres, stations, points)."""
    rows = (Venue.objects.filter(kind__in=CIRCLE_KINDS).exclude(venue_profile__is_open=False)
            .values_list("lng", "lat"))
    return np.array(list(rows), dtype=float).reshape(-1, 2)


def city_lat0() -> float:
    row = Venue.objects.values_list("lat", flat=True).order_by("id").first()
    return float(row) if row is not None else 31.5


def _households():
    """Every household's id, lng/lat (NaN without) and town/village/grid/micro-grid ids (0 without): one plain
    SELECT straight into arrays (the ORM's per-row objects would cost more than the whole computation)."""
    table = connection.ops.quote_name(Household._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, lng, lat, town_id, village_id, grid_id, microgrid_id FROM {table}")
        rows = cur.fetchall()
    if not rows:
        return np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros((0, 4), np.int64)
    a = np.array(rows, dtype=float)  # None → NaN
    places = np.nan_to_num(a[:, 3:7], nan=0.0).astype(np.int64)
    return a[:, 0].astype(np.int64), a[:, 1:3], places


def recompute(*, through_event: int = 0) -> CoverageRun:
    """Recompute the whole city's coverage and replace the cells (one transaction; the caller's if any)."""
    started = time.perf_counter()
    ids, ll, places = _households()
    lat0 = city_lat0()
    w = walking(lat0)
    venues_ll = open_venues()
    located = ~np.isnan(ll).any(axis=1)
    minutes = np.full(len(ids), np.inf)
    if located.any():
        minutes[located] = circle.nearest_minutes(
            circle.project(ll[located, 0], ll[located, 1], lat0), circle.project(venues_ll[:, 0], venues_ll[:, 1], lat0),
            w.params, w.network)
    inside = located & (minutes <= w.params.minutes + 1e-9)
    # the finest region of each household: micro-grid, else grid, village, town
    finest = places[:, 3].copy()
    for col in (2, 1, 0):
        finest = np.where(finest == 0, places[:, col], finest)
    keep = finest > 0
    regions, inv = np.unique(finest[keep], return_inverse=True)
    k = len(regions)
    total = np.bincount(inv, minlength=k)
    covered = np.bincount(inv, weights=inside[keep], minlength=k).astype(np.int64)
    unlocated = np.bincount(inv, weights=~located[keep], minlength=k).astype(np.int64)
    finite = np.where(located & np.isfinite(minutes), minutes, 0.0)
    msum = np.bincount(inv, weights=finite[keep], minlength=k)
    first = np.full(k, -1, dtype=np.int64)
    first[inv[::-1]] = np.flatnonzero(keep)[::-1]
    out_idx = np.flatnonzero(keep & located & ~inside)
    out_inv = inv[np.searchsorted(np.flatnonzero(keep), out_idx)]
    order = np.argsort(out_inv, kind="stable")
    out_idx, out_inv = out_idx[order], out_inv[order]
    bounds = np.searchsorted(out_inv, np.arange(k + 1))
    cells = []
    for j in range(k):
        sl = out_idx[bounds[j]:bounds[j + 1]]
        outside = [[int(ids[i]), round(float(ll[i, 0]), 6), round(float(ll[i, 1]), 6),
                    round(float(minutes[i]), 1) if np.isfinite(minutes[i]) else None] for i in sl]
        t, v, g, m = (int(x) or None for x in places[first[j]])
        cells.append(CoverageCell(region_id=int(regions[j]), households=int(total[j]), covered=int(covered[j]),
                                  unlocated=int(unlocated[j]), minutes_sum=round(float(msum[j]), 1), outside=outside,
                                  town_id=t, village_id=v, grid_id=g, microgrid_id=m))
    with transaction.atomic():
        CoverageCell.objects.all().delete()
        CoverageCell.objects.bulk_create(cells, batch_size=BATCH)
        run = CoverageRun.objects.create(
            computed_at=timezone.now(), method=w.method, speed=w.params.speed, detour=w.params.detour,
            minutes=w.params.minutes, network=w.network_row, venues=len(venues_ll), households=int(len(ids)),
            covered=int(inside.sum()), unlocated=int((~located).sum()), seconds=round(time.perf_counter() - started, 3),
            through_event=through_event)
        CoverageRun.objects.filter(pk__lt=run.pk - 50).delete()  # keep the last fifty runs' figures
    return run


def latest_run() -> CoverageRun | None:
    return CoverageRun.objects.order_by("-id").first()
