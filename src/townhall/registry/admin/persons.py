"""Admin pages of persons and their access log, with the data-protection rules built in.

1. A look-up by national number is a POST through the keyed hash, never a URL;
   the search box posts too, and a list address whose term looks like a number
   is refused (:mod:`.person_search`).
2. Opening a person's record, its history or its delete page first asks why
   (:mod:`.purposes`); the purpose is remembered in the session for half an hour,
   per record. Every open writes the access log
   (:class:`~townhall.registry.models.AccessLogEntry`).
3. The list shows nobody until a search; a search (here or through the autocomplete
   of the household and organisation pages) asks why the staff member searches,
   and writes one access-log row for every person it showed, with the kind of term
   and the number of persons shown, never the term (:mod:`.person_search`).
4. The national number shows masked; revealing it asks a purpose again and is logged.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models.functions import Upper
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn

from townhall.registry import provenance, services
from townhall.registry.admin.paging import EstimatedCountPaginator, SearchOrderedAdmin
from townhall.registry.admin.person_links import person_record_links
from townhall.registry.admin.person_search import (
    NumberLookupForm,
    PersonSearchAdminMixin,
    looks_like_national_number,
    search_kind_of,
)
from townhall.registry.admin.purposes import (
    PURPOSE_SESSION_KEY,
    PURPOSE_VALID_SECONDS,
    PurposeAskedAdmin,
    PurposeForm,
    purpose_recent,
    purpose_remember,
)
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.person_fields import PERSON_FIELDS, STAFF_EDITABLE
from townhall.registry.provenance import FieldGroup

__all__ = [
    "PURPOSE_SESSION_KEY",
    "PURPOSE_VALID_SECONDS",
    "NumberLookupForm",
    "PersonAdmin",
    "PersonAdminForm",
    "PurposeForm",
    "looks_like_national_number",
    "purpose_recent",
    "purpose_remember",
    "search_kind_of",
]


class PersonAdminForm(forms.ModelForm):
    national_number = forms.CharField(
        label=_("National register or bis number"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the current number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Person
        # Every column but the number's stored forms: a new number comes in the field
        # above and goes through the keyed hash (person_fields.STAFF_EDITABLE).
        fields = list(STAFF_EDITABLE)

    def clean(self):
        data = super().clean()
        if data.get("mobile"):
            try:
                data["mobile"] = services.mobile_normalise(data["mobile"])
            except ValidationError as error:
                self.add_error("mobile", error.message_dict["mobile"])
        if data.get("national_number"):
            self._apply_national_number(data)
        return data

    def _apply_national_number(self, data: dict) -> None:
        """Check the number against the birth date and sex typed in this form, and put
        what the number tells back into the form: the model form copies its cleaned
        data onto the person after ``clean()``, which would undo a derived value."""
        person = self.instance
        for field in ("birth_date", "sex"):
            if field in data:
                setattr(person, field, data[field])
        try:
            services.person_apply_national_number(person, data["national_number"])
            services.person_check_number_unique(person)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else "national_number", errors)
            return
        for field in ("birth_date", "sex", "birth_date_precision"):
            data[field] = getattr(person, field)


def staff_columns(*groups: str | None) -> list[str]:
    """The columns staff edit of the fields in ``groups``, in the order of person_fields."""
    return [
        column
        for field in PERSON_FIELDS
        if field.group in groups
        for column in field.columns
        if column in STAFF_EDITABLE
    ]


@admin.register(Person)
class PersonAdmin(PersonSearchAdminMixin, SearchOrderedAdmin, PurposeAskedAdmin):
    form = PersonAdminForm
    change_list_template = "admin/registry/person/change_list.html"
    change_form_template = "admin/registry/person/change_form.html"
    # A big table: "N results (M total)" would count all of it on every page.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # A search sorts the persons it found, not the register (registry.admin.paging).
    search_ordering = (Upper("family_name").asc(), Upper("given_names").asc())
    # A page of a search is a page of access-log rows too: 25 persons, not 100.
    list_per_page = 25
    list_display = ["name", "national_number_masked", "birth_year", "domicile", "state"]
    list_filter = ["state", "number_kind", "language", "sex"]
    # A term with "@" searches the e-mail address instead, whole (see get_search_results).
    search_fields = ["family_name", "given_names", "domicile__street_name"]
    # Read for the page's rows after the sort, not joined to every row found (paging).
    list_prefetch_related = ("domicile",)
    purpose_template = "admin/registry/person/purpose.html"
    purpose_covers_search = False
    autocomplete_fields = ["domicile"]
    readonly_fields = [
        "national_number_display",
        "number_kind",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "national_number_display",
                    "number_kind",
                    "national_number",
                    *staff_columns(FieldGroup.IDENTITY, FieldGroup.PREFERENCES),
                ]
            },
        ),
        (_("Residence"), {"fields": staff_columns(FieldGroup.DOMICILE, None)}),
        (_("Contact"), {"fields": staff_columns(FieldGroup.CONTACT)}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_urls(self):
        own = [
            path(
                "lookup/",
                self.admin_site.admin_view(self.lookup_view),
                name="registry_person_lookup",
            ),
            path(
                "search/",
                self.admin_site.admin_view(self.search_view),
                name="registry_person_search",
            ),
            path(
                "search/purpose/",
                self.admin_site.admin_view(self.search_purpose_view),
                name="registry_person_search_purpose",
            ),
            path(
                "<int:object_id>/reveal-number/",
                self.admin_site.admin_view(self.reveal_view),
                name="registry_person_reveal",
            ),
        ]
        return own + super().get_urls()

    @admin.display(description=_("name"), ordering="family_name")
    def name(self, person):
        return person.full_name

    @admin.display(description=_("birth year"), ordering="birth_date")
    def birth_year(self, person):
        """The list asks no purpose, so it shows the birth year only: a full birth date with
        the sex (a filter of this list) leaves 499 possible numbers (docs/standards.md)."""
        return str(person.birth_date.year) if person.birth_date else "–"

    @admin.display(description=_("national number"))
    def national_number_display(self, person):
        """The masked number, with the way to reveal it (which asks a purpose and is logged)."""
        if person is None or person.pk is None or not person.national_number_masked:
            return "–"
        return format_html(
            '{} <a href="{}">{}</a>',
            person.national_number_masked,
            reverse("admin:registry_person_reveal", args=[person.pk]),
            _("Reveal (logged)"),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Above the record, the person's other pages the role opens: household, messages,
        mandates, correction requests and the access log (an audit of one person starts
        here, from a record opened with a purpose: the access log admin names nobody)."""
        if obj is not None and obj.pk is not None:
            context["record_links"] = [
                link
                for link in person_record_links(person=obj, user=request.user)
                if link.url != request.path
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def persons_shown(self, request, obj) -> list[Person]:
        return [obj]

    def purpose_key(self, obj) -> str:
        # The person's id alone: the message log of the back office shares this purpose.
        return str(obj.pk)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The outermost transaction of the request: the change, its record sources and
        # the admin's log commit together, and the events go out right after.
        with transaction.atomic(using=router.db_for_write(self.model), durable=True):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            provenance.record_sources_for_change(
                person=obj,
                changed_fields=form.changed_data,
                source=provenance.BY_STAFF,
                actor=request.user,
            )
            return
        # The form has put its values on ``obj`` already; the service starts from the
        # stored row, so it sees what changed, checks it again and records its sources.
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.PERSON_UPDATE_FIELDS
        }
        if form.cleaned_data.get("national_number"):
            for name in ("birth_date", "birth_date_precision", "sex"):
                changes.setdefault(name, form.cleaned_data[name])
        stored = Person.objects.get(pk=obj.pk)
        services.person_update(
            person=stored, changes=changes, actor=request.user, source=provenance.BY_STAFF
        )
        obj.refresh_from_db()

    def reveal_view(self, request, object_id):
        # Without this, any staff member could read any person's national number.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        person = self.get_object(request, str(object_id))
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(object_id))
        form = PurposeForm(request.POST or None)
        number = None
        if request.method == "POST" and form.is_valid():
            number = services.person_reveal_national_number(
                actor=request.user, person=person, purpose=form.purpose_text()
            )
        response = TemplateResponse(
            request,
            "admin/registry/person/reveal.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.opts,
                "person": person,
                "number": nn.format(number) if number else None,
                "title": _("Reveal the national number"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Who looked at which record, for the data protection officer.

    Reading the log is not a look at the persons in it: the person is shown by
    their register id, never by name, and the log is not searched by name. To
    audit one person, open their record (which asks why and is logged) and follow
    its link to their entries.
    """

    # A big table: "N results (M total)" would count all of it on every page.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_display = [
        "at",
        "actor_name",
        "actor_department",
        "action",
        "person_reference",
        "search_kind",
        "result_count",
        "purpose",
    ]
    list_filter = ["action", "actor_department"]
    search_fields = ["actor_name"]
    # An entry's page shows what its row in the list shows, read-only.
    fields = readonly_fields = list_display

    @admin.display(description=_("person (register id)"), ordering="person_id")
    def person_reference(self, entry) -> str:
        return str(entry.person_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
