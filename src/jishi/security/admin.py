from django.contrib import admin

from jishi.security.models import LoginFailure, LoginLock, TOTPDevice


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "until", "created_at")
    list_filter = ("kind",)
    search_fields = ("key",)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("username", "ip", "at")
    search_fields = ("username", "ip")


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Deleting a device resets the user's second factor (lost phone): they enrol again."""

    list_display = ("user", "confirmed_at", "created_at")
    search_fields = ("user__username",)
    exclude = ("secret",)
    readonly_fields = ("user", "confirmed_at", "last_step")
