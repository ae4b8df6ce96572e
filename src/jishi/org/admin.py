"""Django admin for the city model, in Chinese. Non-superusers see only their data scope; every
change made here writes an audit record, and the denormalised ancestor columns are filled from the
region a row sits in (never typed by hand)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jishi.core import audit
from jishi.core.errors import ServiceError
from jishi.org.middleware import actor_of
from jishi.org.models import Department, Household, PartyOrganization, Person, Region, StaffAssignment, Venue
from jishi.org.policy import may_reshape_regions
from jishi.org.services import build_region, check_move, create_region, move_region

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


class RegionAdminForm(forms.ModelForm):
    """Checks a new region's place in the tree (``build_region``) and a change of parent (``check_move``)
    before anything is saved, so a refusal shows on the form in Chinese."""

    class Meta:
        model = Region
        fields = ("level", "kind", "code", "name", "parent", "lng", "lat", "area_km2", "sort")

    def clean(self):
        data = super().clean()
        try:
            if self.instance.pk is None:
                if {"level", "code", "name"} <= data.keys():
                    build_region(data.get("parent"), data["level"], data["code"], data["name"], kind=data.get("kind", ""))
            elif "parent" in self.changed_data:
                moved = Region(pk=self.instance.pk, code=data.get("code", self.instance.code))
                check_move(moved, data.get("parent"))
        except ServiceError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    form = RegionAdminForm
    list_display = ("name", "code", "level", "kind", "parent", "area_km2", "sort")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", *LOCATED)
    exclude = ("boundary",)
    ordering = ("path",)

    def get_readonly_fields(self, request, obj=None):
        """A region keeps its level; only who may reshape the tree changes its parent (``move_region``)."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("level")
            if not may_reshape_regions(actor_of(request)):
                fields.append("parent")
        return fields

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        """A new region goes through ``create_region``, a change of parent through ``move_region`` (which
        carries the region's subtree and every row placed in it); other edits save as before."""
        if not change:
            region = create_region(request.user, obj.parent, obj.level, obj.code, obj.name, kind=obj.kind)
            obj.pk, obj.kind, obj.name, obj.path = region.pk, region.kind, region.name, region.path
            obj.created_at, obj.updated_at = region.created_at, region.updated_at
            for lv in LOCATED:
                setattr(obj, f"{lv}_id", getattr(region, f"{lv}_id"))
            extra = [f for f in ("lng", "lat", "area_km2", "sort") if f in form.changed_data]
            if extra:
                obj.save(update_fields=extra)
            return
        if "parent" in form.changed_data:
            move_region(actor_of(request), obj, obj.parent)
            if form.changed_data == ["parent"]:
                return
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
