"""Admin: categories are editable; cases and their records are read-only here (a state changes
only through jishi.cases.services, so the admin never half-applies a transition)."""

from django.contrib import admin

from jishi.cases.models import Attachment, Case, CaseAssignment, CaseEvent, Category, Supervision, Whistle


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "default_department_code", "default_priority", "ack_hours",
                    "handle_days", "urgent_handle_hours", "is_active")
    list_filter = ("is_active", "default_priority", "parent")
    list_editable = ("default_department_code", "ack_hours", "handle_days", "urgent_handle_hours", "is_active")
    search_fields = ("code", "name")
    ordering = ("code",)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ("at", "verb", "actor_name", "actor_role", "department", "from_state", "to_state", "note")
    readonly_fields = fields
    extra = 0


class AssignmentInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseAssignment
    fields = ("department", "role", "source", "assigned_at", "due_at", "acknowledged_at", "handled_at", "is_active")
    readonly_fields = fields
    extra = 0


class AttachmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Attachment
    fields = ("kind", "file", "content_type", "size", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "title", "channel", "category", "state", "town", "handling_department",
                    "supervision_level", "reported_at")
    list_filter = ("state", "channel", "priority", "supervision_level", "town")
    search_fields = ("number", "title", "external_ref")
    date_hierarchy = "reported_at"
    list_select_related = ("category", "category__parent", "town", "handling_department")
    show_full_result_count = False
    inlines = [AssignmentInline, EventInline, AttachmentInline]
    raw_id_fields = ("reporter", "reporter_user", "microgrid", "grid", "village", "town")


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "kind", "level", "department", "due_at", "by", "created_at")
    list_filter = ("kind", "level")
    list_select_related = ("case", "department", "by")


@admin.register(Whistle)
class WhistleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "region", "blown_by", "blown_at", "report_in_due_at")
    list_select_related = ("case", "region", "blown_by")
