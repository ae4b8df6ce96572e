"""Admin: Open311 submissions are read-only here, except marking the client's media public for the public reads
(after looking at it: faces, number plates, a house) — through ``jishi.open311.public.mark_media`` (audited)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jishi.open311 import public
from jishi.open311.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("case", "media_url", "media_public", "created_at")
    list_filter = ("media_public",)
    list_select_related = ("case",)
    search_fields = ("case__number",)
    fields = ("case", "jurisdiction_id", "media_url", "media_public", "attributes", "created_at")
    readonly_fields = fields
    actions = ("make_media_public", "make_media_private")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("公开所选提交的媒体（公开查询中显示媒体链接）"), permissions=["change"])
    def make_media_public(self, request, queryset):
        count = public.mark_media(request.user, queryset.values_list("pk", flat=True), True)
        self.message_user(request, _("已公开 %(count)s 条媒体。") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("取消公开所选提交的媒体"), permissions=["change"])
    def make_media_private(self, request, queryset):
        count = public.mark_media(request.user, queryset.values_list("pk", flat=True), False)
        self.message_user(request, _("已取消公开 %(count)s 条媒体。") % {"count": count}, messages.SUCCESS)
