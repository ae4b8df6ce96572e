from django.contrib import admin

from jishi.webhooks.models import WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("id", "client", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    exclude = ("secret",)  # shown once to the port; never on a page
    readonly_fields = ("client", "events", "created_by")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "subscription", "case", "event", "status", "attempts", "next_attempt_at", "last_status_code")
    list_filter = ("status", "event")
    raw_id_fields = ("subscription", "case")
    readonly_fields = ("payload", "sequence", "case_event_id")
