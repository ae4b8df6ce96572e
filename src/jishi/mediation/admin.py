"""Admin: disputes and meetings read-only (changes go through the services: timeline and audit)."""

from django.contrib import admin

from jishi.mediation.models import Dispute, MediationEvent, Mediator, Meeting
from jishi.org.middleware import actor_of


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    action = "view"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(actor_of(request), self.action) if hasattr(qs, "restrict") else qs


@admin.register(Dispute)
class DisputeAdmin(ReadOnly):
    action = "mediate"
    list_display = ("number", "title", "kind", "level", "state", "registered_at", "closed_at")
    list_filter = ("state", "level", "kind", "source")
    search_fields = ("number", "title")


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ("topic", "kind", "held_on", "region")
    list_filter = ("kind",)


@admin.register(MediationEvent)
class MediationEventAdmin(ReadOnly):
    list_display = ("id", "verb", "dispute", "meeting", "actor_name", "at")
    list_filter = ("verb",)


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    """The roster is reference data kept by the judicial office (司法所): editable here."""

    list_display = ("person", "studio", "region", "title", "is_active")
    list_filter = ("is_active",)
    raw_id_fields = ("person", "region", "studio")
    exclude = ("town", "village", "grid", "microgrid")

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(actor_of(request), "mediate")

    def save_model(self, request, obj, form, change) -> None:
        obj.place_in(obj.region)
        super().save_model(request, obj, form, change)
