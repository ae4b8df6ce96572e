"""The entrance rows in the admin: read-only (codes and invitations are digests; an account's forced change can
be set again by an admin, e.g. after handing out a new password)."""

from django.contrib import admin

from jishi.accounts.models import AccountState, Invitation, SmsCode


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SmsCode)
class SmsCodeAdmin(ReadOnly):
    list_display = ("__str__", "purpose", "created_at", "expires_at", "used_at", "failures", "ip")
    list_filter = ("purpose",)
    exclude = ("digest", "phone")


@admin.register(Invitation)
class InvitationAdmin(ReadOnly):
    list_display = ("person", "created_by", "created_at", "expires_at", "used_at")
    exclude = ("digest",)
    raw_id_fields = ("person",)


@admin.register(AccountState)
class AccountStateAdmin(admin.ModelAdmin):
    list_display = ("user", "origin", "must_change_password", "created_at", "password_changed_at")
    list_filter = ("origin", "must_change_password")
    search_fields = ("user__username",)
    fields = ("user", "origin", "must_change_password", "password_changed_at")
    readonly_fields = ("user", "origin", "password_changed_at")

    def has_add_permission(self, request):
        return False
