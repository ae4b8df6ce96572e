"""Venues (党群服务阵地) and the 8-minute service circle.

The venue rows themselves are ``org.Venue`` (the city model: name, kind, place, opening hours). This domain adds
what a venue offers (``VenueProfile``: functions, open or closed), its rooms and their bookings, the venues
timeline (``VenueEvent``, one writer ``timeline.emit``), the circle's settings and imported road network, and the
coverage kept by a consumer of the timeline (``CoverageRun`` + one ``CoverageCell`` per finest region).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.org.models import Located, Region, Venue
from jishi.venues.choices import BookingState, Method, Verb

User = settings.AUTH_USER_MODEL


class VenueProfile(models.Model):
    """What a venue offers and whether it is open; a venue without a profile has its kind's default functions
    and is open."""

    venue = models.OneToOneField(Venue, primary_key=True, on_delete=models.CASCADE, related_name="venue_profile")
    functions = models.JSONField(_("服务功能"), default=list, blank=True)
    is_open = models.BooleanField(_("开放中"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("阵地功能")
        verbose_name_plural = _("阵地功能")

    def __str__(self) -> str:
        return str(self.venue_id)


class Room(TimeStampedModel, Located):
    """A room of a venue that can be booked for activities (placed where its venue is)."""

    venue = models.ForeignKey(Venue, verbose_name=_("阵地"), on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("名称"), max_length=60)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=20)
    is_active = models.BooleanField(_("可预约"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("活动室")
        verbose_name_plural = _("活动室")
        ordering = ["venue_id", "id"]
        constraints = [models.UniqueConstraint(fields=["venue", "name"], name="venue_room_name")]

    def __str__(self) -> str:
        return self.name


class Booking(TimeStampedModel, Located):
    """A room booked for an activity, from ``starts_at`` to ``ends_at``; two bookings of a room never overlap."""

    room = models.ForeignKey(Room, verbose_name=_("活动室"), on_delete=models.CASCADE, related_name="bookings")
    venue = models.ForeignKey(Venue, verbose_name=_("阵地"), on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.CharField(_("活动内容"), max_length=120)
    organiser = models.CharField(_("组织方"), max_length=60)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    attendees = models.PositiveIntegerField(_("预计人数"), default=10)
    state = models.CharField(_("状态"), max_length=10, choices=BookingState.choices, default=BookingState.BOOKED)
    created_by = models.ForeignKey(User, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("活动室预约")
        verbose_name_plural = _("活动室预约")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["room", "starts_at"], name="venue_booking_room_start")]

    def __str__(self) -> str:
        return f"{self.room_id} {self.starts_at:%Y-%m-%d %H:%M}"


class VenueEvent(models.Model):
    """The venues timeline (its outbox): one row per change, written only by ``timeline.emit``."""

    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(_("动作"), max_length=12, choices=Verb.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("阵地动态")
        verbose_name_plural = _("阵地动态")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verb} #{self.pk}"


class CircleSettings(models.Model):
    """The 8-minute circle's parameters (one row): walking speed, detour factor, minutes, and whether walking
    follows the imported road network."""

    speed = models.FloatField(_("步行速度(米/分钟)"), default=80.0)
    detour = models.FloatField(_("绕行系数"), default=1.3)
    minutes = models.FloatField(_("服务圈(分钟)"), default=8.0)
    method = models.CharField(_("计算方式"), max_length=10, choices=Method.choices, default=Method.STRAIGHT)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务圈参数")
        verbose_name_plural = _("服务圈参数")

    def __str__(self) -> str:
        return f"{self.speed} m/min × {self.detour} · {self.minutes} min"


class RoadNetwork(TimeStampedModel):
    """An imported road/path network (GeoJSON lines); the newest active one is walked when the method is
    ``network``."""

    name = models.CharField(_("名称"), max_length=60)
    geojson = models.JSONField(_("线要素(GeoJSON)"))
    lines = models.PositiveIntegerField(_("线条数"), default=0)
    nodes = models.PositiveIntegerField(_("节点数"), default=0)
    edges = models.PositiveIntegerField(_("路段数"), default=0)
    km = models.FloatField(_("总长(公里)"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("道路网络")
        verbose_name_plural = _("道路网络")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class CoverageRun(models.Model):
    """One computation of the 8-minute coverage of the whole city (the newest is shown)."""

    computed_at = models.DateTimeField(_("计算时间"))
    method = models.CharField(_("计算方式"), max_length=10, choices=Method.choices)
    speed = models.FloatField(_("步行速度(米/分钟)"))
    detour = models.FloatField(_("绕行系数"))
    minutes = models.FloatField(_("服务圈(分钟)"))
    network = models.ForeignKey(RoadNetwork, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    venues = models.PositiveIntegerField(_("阵地数"), default=0)
    households = models.PositiveIntegerField(_("户数"), default=0)
    covered = models.PositiveIntegerField(_("服务圈内户数"), default=0)
    unlocated = models.PositiveIntegerField(_("无坐标户数"), default=0)
    seconds = models.FloatField(_("耗时(秒)"), default=0)
    through_event = models.BigIntegerField(_("计入的最新动态"), default=0)

    class Meta:
        verbose_name = _("服务圈覆盖计算")
        verbose_name_plural = _("服务圈覆盖计算")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M} {self.covered}/{self.households}"


class CoverageCell(Located):
    """The coverage of the households of one finest region (a micro-grid, else its grid or village) in the
    newest run: how many, how many within the minutes, and those outside with their walking minutes."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+")
    households = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)
    unlocated = models.PositiveIntegerField(default=0)
    minutes_sum = models.FloatField(default=0)  # of the located households, for the mean walking time
    outside = models.JSONField(default=list, blank=True)  # [[household id, lng, lat, minutes], ...]

    objects = ScopedManager()

    class Meta:
        verbose_name = _("服务圈覆盖")
        verbose_name_plural = _("服务圈覆盖")

    def __str__(self) -> str:
        return f"{self.region_id} {self.covered}/{self.households}"
