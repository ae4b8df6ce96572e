"""Django admin for the city model, in Chinese. Non-superusers see only their data scope; every
change made here writes an audit record, and the denormalised ancestor columns are filled from the
region a row sits in (never typed by hand)."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jishi.core import audit
from jishi.org.middleware import actor_of
from jishi.org.models import Department, Household, PartyOrganization, Person, Region, StaffAssignment, Venue

admin.site.site_header = _("基石 · 管理后台")
admin.site.site_title = _("基石 · 管理后台")
admin.site.index_title = _("系统管理")

LOCATED = ("town", "village", "grid", "microgrid")


class ScopedAdmin(admin.ModelAdmin):
    """Restricts the change list, autocomplete and object pages to the user's data scope, and
    audits every save and delete."""

    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(actor_of(request), "view")

    def place(self, obj) -> None:
        """Fill derived columns before saving (overridden per model)."""

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        self.place(obj)
        super().save_model(request, obj, form, change)
        action = "change" if change else "create"
        audit.record(request.user, f"admin.{obj._meta.model_name}.{action}", obj, summary=f"后台{'修改' if change else '新建'}{obj}",
                     data={"fields": sorted(form.changed_data)})

    @transaction.atomic
    def delete_model(self, request, obj):
        audit.record(request.user, f"admin.{obj._meta.model_name}.delete", obj, summary=f"后台删除{obj}")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class PlacedByRegion(ScopedAdmin):
    """Rows with a ``region`` foreign key: the ancestor columns follow the region."""

    readonly_fields = LOCATED

    def place(self, obj) -> None:
        obj.place_in(obj.region)


class PlacedByFinest(ScopedAdmin):
    """Rows without a ``region`` key: the finest chosen level decides the ancestor columns."""

    def place(self, obj) -> None:
        obj.place_in(obj.microgrid or obj.grid or obj.village or obj.town)


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("name", "code", "level", "kind", "parent", "area_km2", "sort")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", *LOCATED)
    exclude = ("boundary",)
    ordering = ("path",)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not obj.pk:
            obj.path = ""
            obj.save()
        obj.fill_ancestors()
        super().save_model(request, obj, form, change)


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ("name", "code", "short_name", "kind", "region", "parent", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "short_name")
    autocomplete_fields = ("region", "parent")


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(PlacedByRegion):
    list_display = ("name", "code", "kind", "region", "secretary", "member_count")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    autocomplete_fields = ("region", "parent", "secretary")
    list_select_related = ("region", "secretary")


@admin.register(Household)
class HouseholdAdmin(PlacedByFinest):
    list_display = ("code", "address", "village", "grid", "is_party_household")
    list_filter = ("is_party_household",)
    search_fields = ("code", "address")
    autocomplete_fields = LOCATED
    list_select_related = ("village", "grid")


class MemberInline(admin.TabularInline):
    model = Person
    fields = ("name", "gender", "is_household_head", "is_party_member")
    extra = 0
    show_change_link = True


HouseholdAdmin.inlines = [MemberInline]


@admin.register(Person)
class PersonAdmin(PlacedByFinest):
    list_display = ("name", "gender", "village", "grid", "is_party_member", "is_household_head", "user")
    list_filter = ("is_party_member", "gender", "is_household_head")
    search_fields = ("name", "=phone", "=id_number")
    autocomplete_fields = (*LOCATED, "household", "party_org", "user")
    list_select_related = ("village", "grid", "user")


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(PlacedByRegion):
    list_display = ("person", "role", "region", "department", "specialty", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("person__name", "region__name", "department__name")
    autocomplete_fields = ("person", "region", "department")
    list_select_related = ("person", "region", "department")


@admin.register(Venue)
class VenueAdmin(PlacedByRegion):
    list_display = ("name", "kind", "region", "opening_hours", "phone")
    list_filter = ("kind",)
    search_fields = ("name", "address")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
