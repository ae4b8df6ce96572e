from django.contrib import admin

from jishi.core.models import AuditHead, AuditRecord, CalendarDay, ConsumerCursor, JobRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: visible in the admin, never changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "actor_name", "actor_role", "action", "object_type", "object_id", "summary", "chain_seq")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_name", "summary")
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyAdmin):
    list_display = ("chain_seq", "hash", "sealed_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note", "updated_at")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(ConsumerCursor)
class ConsumerCursorAdmin(ReadOnlyAdmin):
    """Where each consumer of the timeline stands: moved only by the worker (``jishi status`` shows the backlog)."""

    list_display = ("name", "position", "lag", "updated_at", "attempts", "failed_at", "last_error")


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """What each periodic job did per period (``jishi.core.jobs``): written only by the jobs."""

    list_display = ("job", "period", "status", "trigger", "attempts", "started_at", "finished_at")
    list_filter = ("job", "status")
