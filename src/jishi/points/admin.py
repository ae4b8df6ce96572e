"""Read-only admin for the ledger (postings and entries are append-only: no add, change or delete);
editable admin for the rule template, merchants and store items."""

from django.contrib import admin

from jishi.points.models import Account, Entry, Merchant, PointItem, Policy, Posting, StoreItem


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    can_delete = False
    readonly_fields = ("account", "amount")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Posting)
class PostingAdmin(ReadOnly):
    list_display = ("id", "at", "kind", "person", "points", "honour", "reason", "key")
    list_filter = ("kind",)
    search_fields = ("key", "reason", "person__name")
    inlines = [EntryInline]


@admin.register(Account)
class AccountAdmin(ReadOnly):
    list_display = ("id", "kind", "person", "merchant", "village", "balance")
    list_filter = ("kind",)
    search_fields = ("person__name",)


@admin.register(PointItem)
class PointItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "points", "cap_count", "cap_period", "evidence_required", "awarder", "is_active")


@admin.register(Policy)
class PolicyAdmin(ReadOnly):
    list_display = ("region", "version", "decision", "decided_on", "base_points", "yearly_reset", "two_step_review")


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "village", "yuan_per_point", "is_active")
    raw_id_fields = ("owner", "town", "village", "grid", "microgrid")


@admin.register(StoreItem)
class StoreItemAdmin(admin.ModelAdmin):
    list_display = ("name", "merchant", "price", "stock", "reserved", "is_active")
    readonly_fields = ("reserved",)
    raw_id_fields = ("merchant", "town", "village", "grid", "microgrid")
