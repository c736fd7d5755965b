"""Admin pages of addresses and households (gezinnen).

The rules over a whole household (exactly one current reference person, one
household per person at a time) are checked by the inline formset on the rows
as they will be, and the rows are saved in an order the database accepts.

A household's pages show its members' names and relations: they ask the purpose
first and write the access log of every member shown (:mod:`.purposes`). The
add page needs a search purpose, since adding a member searches for one. The
list shows addresses, and is not searched by a person's name (that would turn a
name into an address).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.forms.models import BaseInlineFormSet
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
from townhall.registry.models import Address, Household, HouseholdMembership

Relation = HouseholdMembership.Relation


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
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and not form.cleaned_data.get("end_date")
        ]
        references = [d for d in current if d.get("relation") == Relation.REFERENCE_PERSON]
        if (current or self.instance.pk is None) and len(references) != 1:
            raise ValidationError(
                _("A household has exactly one reference person; this one would have %(n)d.")
                % {"n": len(references)}
            )
        people = [d["person"] for d in current if d.get("person")]
        if len({person.pk for person in people}) != len(people):
            raise ValidationError(_("A person is listed twice as a current member."))
        elsewhere = (
            HouseholdMembership.objects.filter(person__in=people, end_date__isnull=True)
            .exclude(household_id=self.instance.pk)
            .select_related("person", "household__address")
        )
        errors = [
            _(
                "%(person)s still belongs to the household at %(address)s; "
                "a person belongs to one household at a time."
            )
            % {"person": membership.person, "address": membership.household.address}
            for membership in elsewhere
        ]
        if errors:
            raise ValidationError(errors)

    @property
    def initial_forms(self):
        # Save the rows that stop being the current reference person first: the
        # database allows one current reference person per household at any moment.
        def becomes_current_reference(form) -> bool:
            data = getattr(form, "cleaned_data", None) or {}
            return (
                data.get("relation") == Relation.REFERENCE_PERSON
                and not data.get("end_date")
                and not data.get("DELETE")
            )

        return sorted(super().initial_forms, key=becomes_current_reference)


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
