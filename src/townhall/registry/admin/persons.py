"""Admin pages of persons and their access log, with the data-protection rules built in.

1. A look-up by national number is a POST through the keyed hash, never a URL;
   a search whose term looks like a number is refused.
2. Opening a person's record first asks why (:class:`PurposeForm`); the purpose
   is remembered in the session for half an hour, per record.
3. Every open writes the access log (:class:`~townhall.registry.models.AccessLogEntry`).
4. The national number shows masked; revealing it asks a purpose again and is logged.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn

from townhall.registry import provenance, services
from townhall.registry.models import AccessLogEntry, Person

PURPOSE_SESSION_KEY = "registry_access_purposes"
PURPOSE_VALID_SECONDS = 30 * 60


class PurposeForm(forms.Form):
    PURPOSES = [
        ("counter", _("Helping this person at the counter or by phone")),
        ("case", _("Handling a case or application of this person")),
        ("correction", _("Correcting the person's data")),
        ("audit", _("Quality control or audit")),
        ("other", _("Other (explain below)")),
    ]
    purpose = forms.ChoiceField(
        label=_("Why do you open this record?"), choices=PURPOSES, widget=forms.RadioSelect
    )
    explanation = forms.CharField(label=_("Explanation"), required=False, max_length=150)

    def clean(self):
        data = super().clean()
        if data.get("purpose") == "other" and not data.get("explanation", "").strip():
            raise ValidationError({"explanation": _("Explain the purpose.")})
        return data

    def purpose_text(self) -> str:
        label = str(dict(self.PURPOSES)[self.cleaned_data["purpose"]])
        explanation = self.cleaned_data.get("explanation", "").strip()
        return f"{label}: {explanation}" if explanation else label


class NumberLookupForm(PurposeForm):
    national_number = forms.CharField(
        label=_("National register or bis number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    field_order = ["national_number", "purpose", "explanation"]


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
        fields = [
            "given_names",
            "family_name",
            "birth_date",
            "birth_date_precision",
            "sex",
            "nationality",
            "language",
            "domicile",
            "email",
            "mobile",
            "state",
            "state_since",
        ]

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


def looks_like_national_number(term: str) -> bool:
    """Nine or more digits: perhaps a national number, which must not be searched by URL."""
    return sum(character.isdigit() for character in term) >= 9


def purpose_remember(request, person_id: int, purpose: str) -> None:
    """Remember, in the staff member's session, why they opened this person's record."""
    purposes = request.session.get(PURPOSE_SESSION_KEY, {})
    purposes[str(person_id)] = [purpose, timezone.now().timestamp()]
    request.session[PURPOSE_SESSION_KEY] = purposes


def purpose_recent(request, person_id: int) -> str | None:
    """The purpose given for this person within the last ``PURPOSE_VALID_SECONDS``, if any;
    every staff page that shows a person asks for one first."""
    purpose, at = request.session.get(PURPOSE_SESSION_KEY, {}).get(str(person_id), [None, 0])
    if purpose and timezone.now().timestamp() - at < PURPOSE_VALID_SECONDS:
        return purpose
    return None


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonAdminForm
    change_list_template = "admin/registry/person/change_list.html"
    list_display = ["full_name", "national_number_masked", "birth_year", "domicile", "state"]
    list_filter = ["state", "number_kind", "language", "sex"]
    search_fields = ["family_name", "given_names", "domicile__street_name", "email"]
    list_select_related = ["domicile"]
    autocomplete_fields = ["domicile"]
    readonly_fields = ["national_number_display", "number_kind", "created_at", "updated_at"]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "national_number_display",
                    "number_kind",
                    "national_number",
                    "given_names",
                    "family_name",
                    "birth_date",
                    "birth_date_precision",
                    "sex",
                    "nationality",
                    "language",
                ]
            },
        ),
        (_("Residence"), {"fields": ["domicile", "state", "state_since"]}),
        (_("Contact"), {"fields": ["email", "mobile"]}),
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
                "<int:object_id>/purpose/",
                self.admin_site.admin_view(self.purpose_view),
                name="registry_person_purpose",
            ),
            path(
                "<int:object_id>/reveal-number/",
                self.admin_site.admin_view(self.reveal_view),
                name="registry_person_reveal",
            ),
        ]
        return own + super().get_urls()

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

    def changelist_view(self, request, extra_context=None):
        if looks_like_national_number(request.GET.get("q", "")):
            messages.warning(
                request,
                _(
                    "National numbers are never put in a web address. "
                    "Use the look-up form on this page."
                ),
            )
            return HttpResponseRedirect(reverse("admin:registry_person_changelist"))
        extra_context = {**(extra_context or {}), "lookup_form": NumberLookupForm()}
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # Also the autocomplete of other admins: a number never finds anyone through a URL.
        if looks_like_national_number(search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def lookup_view(self, request):
        form = NumberLookupForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                person = services.person_find_by_national_number(
                    form.cleaned_data["national_number"]
                )
            except ValidationError as error:
                form.add_error("national_number", error.message_dict["national_number"])
            else:
                if person is None:
                    form.add_error("national_number", _("No person has this number."))
                else:
                    purpose = form.purpose_text()
                    services.access_log_record(
                        actor=request.user,
                        person=person,
                        action=AccessLogEntry.Action.LOOKUP,
                        purpose=purpose,
                    )
                    purpose_remember(request, person.pk, purpose)
                    return HttpResponseRedirect(
                        reverse("admin:registry_person_change", args=[person.pk])
                    )
        return TemplateResponse(
            request,
            "admin/registry/person/lookup.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.opts,
                "title": _("Find a person by national number"),
            },
        )

    def purpose_view(self, request, object_id):
        person = self.get_object(request, str(object_id))
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(object_id))
        form = PurposeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            purpose_remember(request, person.pk, form.purpose_text())
            return HttpResponseRedirect(reverse("admin:registry_person_change", args=[person.pk]))
        return TemplateResponse(
            request,
            "admin/registry/person/purpose.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.opts,
                "person": person,
                "title": _("Why do you open this record?"),
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        person = self.get_object(request, object_id)
        if person is not None:
            # A POST re-shows the record when it has errors, so it needs a purpose too.
            purpose = purpose_recent(request, person.pk)
            if purpose is None:
                return HttpResponseRedirect(
                    reverse("admin:registry_person_purpose", args=[person.pk])
                )
            if request.method == "GET":
                services.access_log_record(
                    actor=request.user,
                    person=person,
                    action=AccessLogEntry.Action.VIEW,
                    purpose=purpose,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # My data says where each value came from; a change here is its new source.
        provenance.record_sources_after_staff_change(
            person=obj, changed_fields=form.changed_data, actor=request.user
        )

    def reveal_view(self, request, object_id):
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
    list_display = ["at", "actor_name", "actor_department", "action", "person", "purpose"]
    list_filter = ["action", "actor_department"]
    search_fields = ["actor_name", "person__family_name"]
    list_select_related = ["person"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
