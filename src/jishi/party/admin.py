"""Admin: activities, registrations, service items and records read-only (changes go through the services:
timeline and audit); every list through the viewer's scope."""

from django.contrib import admin

from jishi.org.middleware import actor_of
from jishi.party.models import Activity, PartyEvent, Registration, ServiceItem, ServiceRecord


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


@admin.register(Activity)
class ActivityAdmin(ReadOnly):
    list_display = ("date", "org", "kind", "topic", "state", "present", "expected")
    list_filter = ("kind", "state")
    list_select_related = ("org",)
    raw_id_fields = ("org", "venue")


@admin.register(Registration)
class RegistrationAdmin(ReadOnly):
    list_display = ("person", "community", "employer", "state", "registered_at")
    list_filter = ("state",)
    list_select_related = ("person", "community")
    raw_id_fields = ("person", "community", "department", "decided_by")


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnly):
    list_display = ("title", "kind", "community", "is_active")
    list_select_related = ("community",)
    raw_id_fields = ("community",)


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnly):
    list_display = ("date", "person", "hours", "state", "village")
    list_filter = ("state",)
    list_select_related = ("person", "village")
    raw_id_fields = ("registration", "choice", "person", "department", "decided_by")


@admin.register(PartyEvent)
class PartyEventAdmin(ReadOnly):
    list_display = ("at", "verb", "actor_name", "activity", "registration", "record")
    list_filter = ("verb",)
    raw_id_fields = ("activity", "registration", "record", "actor")
