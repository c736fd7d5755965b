"""Admin pages of addresses and households (gezinnen).

The rules over a whole household (exactly one current reference person, one
household per person at a time) are checked by the inline formset on the rows
as they will be. The rows are not saved by the inline itself: they go through
:func:`~townhall.registry.household_edits.household_memberships_edit`, which
checks them again, saves them in an order the database accepts, records the
household's source and announces the change (``household_changed``) after the
commit of the change form, the outermost transaction of its request.

A household's pages show its members' names and relations: they ask the purpose
first and write the access log of every member shown (:mod:`.purposes`). The
add page needs a search purpose, since adding a member searches for one. The
list shows addresses, and is not searched by a person's name (that would turn a
name into an address).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.functions import Upper
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from townhall.municipality.context_processors import municipality_for
from townhall.registry import search
from townhall.registry.admin.paging import EstimatedCountPaginator, SearchOrderedAdmin
from townhall.registry.admin.purposes import (
    PurposeAskedAdmin,
    search_purpose_recent,
    search_purpose_redirect,
)
from townhall.registry.household_edits import household_memberships_edit, household_rows_check
from townhall.registry.models import Address, Household, HouseholdMembership


class PostcodeFilter(admin.SimpleListFilter):
    """The municipality's own postcodes (from its profile), not every postcode in the
    table: listing those would read all addresses, a million with the KBO's."""

    title = _("postcode")
    parameter_name = "postcode"

    def lookups(self, request, model_admin):
        municipality = municipality_for(request)
        if municipality is None:
            return []
        return [(p.code, f"{p.code} {p.place_name}") for p in municipality.postcodes.all()]

    def queryset(self, request, queryset):
        return queryset.filter(postcode=self.value()) if self.value() else queryset


@admin.register(Address)
class AddressAdmin(SearchOrderedAdmin, PurposeAskedAdmin):
    # Only the delete page shows persons: those who live there, who protect the address.
    purpose_pages = ("delete",)
    purpose_covers_search = False
    # A web address typed without a scheme is https (Django 6 default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # A big table: "N results (M total)" would count all of it on every page.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_ordering = (Upper("street_name").asc(), "house_number", "box_number")
    list_display = ["__str__", "nis_code"]
    search_fields = ["street_name", "postcode", "municipality_name"]
    list_filter = [PostcodeFilter]
    exclude = ["key"]
    autocomplete_fields = ["street"]

    def get_readonly_fields(self, request, obj=None):
        # The name is its street's (a copy): a street is renamed on the street's page.
        return ["street_name"] if obj is not None else []

    def persons_shown(self, request, obj) -> list:
        return list(obj.residents.all())

    def get_search_results(self, request, queryset, search_term):
        found = search.address_filter(search_term)
        return (queryset if found is None else queryset.filter(found)), False


class MembershipInline(admin.TabularInline):
    model = HouseholdMembership
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "relation", "start_date", "end_date"]


class HouseholdMembershipForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # The rules over the whole household (one reference person) are checked by the
        # formset on the rows as they will be, not row by row against the rows as they are.
        return super()._get_validation_exclusions() | {"household"}


class HouseholdMembershipFormSet(BaseInlineFormSet):
    """The members of one household, checked together: exactly one current reference
    person, nobody listed twice, nobody who still belongs to another household."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        current = [
            (form.cleaned_data["person"].pk, form.cleaned_data.get("relation"))
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and not form.cleaned_data.get("end_date")
            and form.cleaned_data.get("person")
        ]
        # The rules of household_memberships_edit, which saves the rows, shown on the form.
        household_rows_check(
            household=self.instance, current=current, new_household=self.instance.pk is None
        )


class HouseholdMembershipInline(MembershipInline):
    form = HouseholdMembershipForm
    formset = HouseholdMembershipFormSet


@admin.register(Household)
class HouseholdAdmin(SearchOrderedAdmin, PurposeAskedAdmin):
    # A big table: "N results (M total)" would count all of it on every page.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_ordering = (Upper("address__street_name").asc(), "address__house_number")
    list_display = ["__str__", "register_number"]
    search_fields = ["address__street_name", "register_number"]
    autocomplete_fields = ["address"]
    inlines = [HouseholdMembershipInline]
    list_select_related = ["address"]

    def get_search_results(self, request, queryset, search_term):
        found = search.household_filter(search_term)
        return (queryset if found is None else queryset.filter(found)), False

    def persons_shown(self, request, obj) -> list:
        # The inline lists every membership, ended ones too.
        return [membership.person for membership in obj.memberships.select_related("person")]

    def add_view(self, request, form_url="", extra_context=None):
        if self.has_add_permission(request) and search_purpose_recent(request) is None:
            return search_purpose_redirect(request, reverse("admin:registry_household_add"))
        return super().add_view(request, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The outermost transaction of the request: the household, its memberships, their
        # sources and the admin's log commit together, and the events go out right after.
        try:
            with transaction.atomic(using=router.db_for_write(self.model), durable=True):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The rows passed the formset's check, but someone else changed a member's
            # household before they were saved: nothing was saved; say why.
            messages.error(
                request,
                _("The household was not saved: %(reason)s") % {"reason": " ".join(error.messages)},
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, HouseholdMembershipFormSet):
            return super().save_formset(request, form, formset, change)
        # The formset puts the posted values on its rows; the service saves them.
        saved = formset.save(commit=False)
        household_memberships_edit(
            household=form.instance,
            saved=saved,
            deleted=formset.deleted_objects,
            actor=request.user,
            new_household=not change,
        )
        formset.save_m2m()
        return None
