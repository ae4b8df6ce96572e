"""Admin: wishes, the three lists and projects read-only (changes go through the services: timeline and audit);
every list through the viewer's scope."""

from django.contrib import admin

from jishi.engage.models import Brand, EngageEvent, Need, Project, Resource, Wish
from jishi.org.middleware import actor_of


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(actor_of(request), "view") if hasattr(qs, "restrict") else qs


@admin.register(Wish)
class WishAdmin(ReadOnly):
    list_display = ("number", "title", "state", "urgent", "village", "posted_at", "fulfilled_at")
    list_filter = ("state", "kind", "source", "urgent")
    search_fields = ("number", "title")


@admin.register(Need)
class NeedAdmin(ReadOnly):
    list_display = ("title", "source", "state", "village", "closed_by", "created_at")
    list_filter = ("state", "source")


@admin.register(Resource)
class ResourceAdmin(ReadOnly):
    list_display = ("provider", "kind", "description", "quantity", "unit", "village")
    list_filter = ("kind",)


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ("number", "title", "state", "taker_unit", "progress", "village", "deadline", "completed_at")
    list_filter = ("state",)
    search_fields = ("number", "title")


@admin.register(Brand)
class BrandAdmin(ReadOnly):
    list_display = ("name", "town", "village")


@admin.register(EngageEvent)
class EngageEventAdmin(ReadOnly):
    list_display = ("id", "verb", "wish", "project", "actor_name", "at")
    list_filter = ("verb",)

    def get_queryset(self, request):  # the timeline is the city's outbox: city-level readers only
        qs = super().get_queryset(request)
        return qs if actor_of(request).scope("view").everything else qs.none()
