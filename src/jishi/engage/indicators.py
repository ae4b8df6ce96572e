"""Wish fulfilment offered to the smart-community evaluation (``core.indicators``): of the wishes posted in the
period in the region, the share fulfilled — the same figure as the cockpit tile (``queries.fulfilment_rate``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jishi.core.indicators import Computed, register_indicator
from jishi.engage import queries


def fulfilment(region, first, last) -> Computed:
    row = queries.fulfilment_rate(region, (first, last))
    village = f"&village={region.pk}" if region.level == "village" else ""
    return Computed(value=row["rate"], numerator=row["fulfilled"], denominator=row["posted"],
                    basis="期内提出的微心愿中已圆梦的 / 期内提出的微心愿（不含不予发布和转为事件的）",
                    url=f"{reverse('engage-ledger')}?first={first:%Y-%m-%d}&last={last:%Y-%m-%d}{village}")


def register() -> None:
    register_indicator("wishes.fulfilment", _("微心愿实现率"), fulfilment, app="jishi.engage")
