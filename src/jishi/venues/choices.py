"""Choices of the venues domain (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jishi.org.choices import VenueKind


class Function(models.TextChoices):
    """What a venue offers (服务功能)."""

    PARTY = "party", _("党建活动")
    DELIBERATION = "deliberation", _("协商议事")
    CULTURE_HEALTH = "culture_health", _("文化医疗")
    CONVENIENCE = "convenience", _("便民服务")


class BookingState(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")


class Method(models.TextChoices):
    """How walking time is measured."""

    STRAIGHT = "straight", _("直线距离×绕行系数")
    NETWORK = "network", _("道路网络最短路径")


class Verb(models.TextChoices):
    ADD = "add", _("新建阵地")
    CHANGE = "change", _("修改阵地")
    CLOSE = "close", _("停用阵地")
    REOPEN = "reopen", _("恢复阵地")
    ROOM = "room", _("新增活动室")
    BOOK = "book", _("预约活动室")
    CANCEL = "cancel", _("取消预约")
    SETTINGS = "settings", _("调整服务圈参数")
    NETWORK = "network", _("导入道路网络")
    RECOMPUTE = "recompute", _("重新计算覆盖")


# verbs that change who is within 8 minutes: the coverage consumer recomputes on them
COVERAGE_VERBS = frozenset({Verb.ADD, Verb.CHANGE, Verb.CLOSE, Verb.REOPEN, Verb.SETTINGS, Verb.NETWORK,
                            Verb.RECOMPUTE})

# the standard of every village/community: 1 centre + 3 pioneer stations + 10 or more neighbourhood points
STANDARD = ((VenueKind.PARTY_MASS_CENTRE, 1), (VenueKind.PIONEER_STATION, 3), (VenueKind.NEIGHBOURHOOD_POINT, 10))

# the kinds a resident walks to for the 8-minute circle (studios and informant stations serve others)
CIRCLE_KINDS = (VenueKind.PARTY_MASS_CENTRE, VenueKind.PIONEER_STATION, VenueKind.NEIGHBOURHOOD_POINT)

DEFAULT_FUNCTIONS = {
    VenueKind.PARTY_MASS_CENTRE: [Function.PARTY, Function.DELIBERATION, Function.CULTURE_HEALTH, Function.CONVENIENCE],
    VenueKind.PIONEER_STATION: [Function.PARTY, Function.CONVENIENCE],
    VenueKind.NEIGHBOURHOOD_POINT: [Function.PARTY, Function.DELIBERATION],
    VenueKind.MEDIATION_STUDIO: [Function.DELIBERATION],
    VenueKind.INFORMANT_STATION: [Function.CONVENIENCE],
}
