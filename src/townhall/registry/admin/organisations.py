"""Admin pages of organisations, with enterprise numbers in their written forms.

An organisation's pages show its representatives, who are persons: for a staff
member who may see representatives they ask the purpose first and write the
access log of every representative shown (:mod:`.purposes`).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from townhall.registry import search, services
from townhall.registry.admin.paging import EstimatedCountPaginator, SearchOrderedAdmin
from townhall.registry.admin.purposes import (
    PurposeAskedAdmin,
    search_purpose_recent,
    search_purpose_redirect,
)
from townhall.registry.identifiers import parse_enterprise_number
from townhall.registry.models import (
    AssociationActivity,
    Organisation,
    OrganisationActivity,
    OrganisationAddress,
    Representative,
)


class OrganisationAddressInline(admin.TabularInline):
    model = OrganisationAddress
    extra = 0
    autocomplete_fields = ["address"]


class OrganisationActivityInline(admin.TabularInline):
    """The NACE-BEL activities the KBO gives (rov:orgActivity); the import keeps them."""

    model = OrganisationActivity
    extra = 0
    fields = ["nace_code", "nace_version", "classification", "activity_group"]


class RepresentativeInline(admin.TabularInline):
    model = Representative
    extra = 0
    autocomplete_fields = ["person"]


class OrganisationAdminForm(forms.ModelForm):
    # Wider than the ten digits kept, so the written form 0403.019.261 can be typed.
    enterprise_number = forms.CharField(
        label=_("enterprise number"),
        required=False,
        max_length=20,
        help_text=_("For example 0403.019.261."),
    )
    # A web address typed without a scheme is https (Django 6's default).
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "alternative_name",
            "kind",
            "status",
            "enterprise_number",
            "vcode",
            "legal_form",
            "email",
            "phone",
            "website",
            # Local: the association register never overwrites it (docs/associations.md).
            "subsidy_category",
        ]

    def clean_enterprise_number(self):
        value = self.cleaned_data["enterprise_number"]
        if not value:
            return None
        try:
            return parse_enterprise_number(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["enterprise_number"]) from None

    def clean_phone(self):
        try:
            return services.mobile_normalise(self.cleaned_data["phone"], field="phone")
        except ValidationError as error:
            raise ValidationError(error.message_dict["phone"]) from None


@admin.register(Organisation)
class OrganisationAdmin(SearchOrderedAdmin, PurposeAskedAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "enterprise_number_display", "vcode", "kind", "status"]
    list_filter = ["kind", "status"]
    # A big table (a million enterprises from the KBO): no count of all of it per page.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_ordering = (Upper("name").asc(),)
    search_fields = ["name", "alternative_name", "enterprise_number", "vcode"]
    inlines = [OrganisationAddressInline, OrganisationActivityInline, RepresentativeInline]
    # Both come from the association register (refresh_associations), never typed here.
    readonly_fields = ["main_activities", "removed_from_register_on"]

    @admin.display(description=_("main activities (association register)"))
    def main_activities(self, organisation):
        activities = AssociationActivity.objects.filter(organisation=organisation)
        return ", ".join(str(activity) for activity in activities) or "–"

    @admin.display(description=_("enterprise number"), ordering="enterprise_number")
    def enterprise_number_display(self, organisation):
        return organisation.enterprise_number_display

    def purpose_needed(self, request, obj) -> bool:
        # Without this permission the representatives' inline is not shown at all.
        return request.user.has_perm("registry.view_representative")

    def persons_shown(self, request, obj) -> list:
        return [rep.person for rep in obj.representatives.select_related("person")]

    def add_view(self, request, form_url="", extra_context=None):
        adds_persons = request.user.has_perm("registry.add_representative")
        if self.has_add_permission(request) and adds_persons and not search_purpose_recent(request):
            return search_purpose_redirect(request, reverse("admin:registry_organisation_add"))
        return super().add_view(request, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # Enterprise numbers are public; 0403.019.261, BE0403019261 and 403019261 are
        # matched whole, as vCodes; names through the indexes (registry.search).
        found = search.organisation_filter(search_term)
        return (queryset if found is None else queryset.filter(found)), False
