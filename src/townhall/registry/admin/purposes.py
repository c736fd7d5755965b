"""The purpose asked before a staff page shows a person, and the access log it writes.

1. A page that shows persons (a person's record or history, a household with its
   members, an organisation with its representatives) first asks why
   (:class:`PurposeForm`); the answer is remembered in the staff member's session
   for half an hour, per record (:func:`purpose_remember`, :func:`purpose_recent`).
2. Every GET of such a page writes one access-log row per person it shows
   (:class:`PurposeAskedAdmin`).
3. A search of persons (the person list, the autocomplete of other pages) needs a
   search purpose (:func:`search_purpose_recent`); giving the purpose of a household
   or an organisation also gives it, since adding a member searches for one.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.registry import services
from townhall.registry.models import AccessLogEntry

PURPOSE_SESSION_KEY = "registry_access_purposes"
PURPOSE_VALID_SECONDS = 30 * 60
# Person ids are numbers; this key of the same dictionary can never be one.
SEARCH_PURPOSE_KEY = "search"


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
        if not explanation:
            return label
        # The colon inside the translation: French puts a space before it.
        return _("%(label)s: %(value)s") % {"label": label, "value": explanation}


class SearchPurposeForm(PurposeForm):
    """The same purposes, asked before a search shows persons."""

    purpose = forms.ChoiceField(
        label=_("Why do you search the register?"),
        choices=PurposeForm.PURPOSES,
        widget=forms.RadioSelect,
    )


def purpose_remember(request, person_id: int | str, purpose: str) -> None:
    """Remember, in the staff member's session, why they opened this record."""
    purposes = request.session.get(PURPOSE_SESSION_KEY, {})
    purposes[str(person_id)] = [purpose, timezone.now().timestamp()]
    request.session[PURPOSE_SESSION_KEY] = purposes


def purpose_recent(request, person_id: int | str) -> str | None:
    """The purpose given for this record within the last ``PURPOSE_VALID_SECONDS``, if any;
    every staff page that shows a person asks for one first."""
    purpose, at = request.session.get(PURPOSE_SESSION_KEY, {}).get(str(person_id), [None, 0])
    if purpose and timezone.now().timestamp() - at < PURPOSE_VALID_SECONDS:
        return purpose
    return None


def search_purpose_remember(request, purpose: str) -> None:
    """Remember why the staff member searches the register (for half an hour)."""
    purpose_remember(request, SEARCH_PURPOSE_KEY, purpose)


def search_purpose_recent(request) -> str | None:
    """The purpose given for searching the register within the last half hour, if any."""
    return purpose_recent(request, SEARCH_PURPOSE_KEY)


class PurposeAskedAdmin(admin.ModelAdmin):
    """An admin whose record, history and delete pages show persons: they ask the
    purpose first, and each GET writes the access log of every person shown.

    A subclass says which persons a record shows (:meth:`persons_shown`) and how
    the purpose page introduces the record (:meth:`purpose_intro`).
    """

    # The pages that show persons; the purpose page goes on to one of them.
    purpose_pages = ("change", "history", "delete")
    purpose_template = "admin/registry/purpose.html"
    # Opening a household or an organisation to add a member searches for persons.
    purpose_covers_search = True

    def __init_subclass__(cls, **kwargs):
        # Refused when the class is made, not on the first page a staff member opens:
        # an admin that cannot say whom it shows would log no look at all.
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "persons_shown", None)):
            raise TypeError(
                f"{cls.__name__} must define persons_shown(request, obj): the persons its "
                "pages show, whose access log each look is written to."
            )

    def purpose_intro(self, obj) -> str:
        # Not the record's name: this page opens before the purpose is given.
        return _(
            "You are about to open this %(kind)s, which shows persons' data. Every opening "
            "is written to the access log of each person shown, which they can read."
        ) % {"kind": self.opts.verbose_name}

    def purpose_key(self, obj) -> str:
        return f"{self.opts.model_name}-{obj.pk}"

    def purpose_needed(self, request, obj) -> bool:
        """Whether this staff member's view of ``obj`` shows persons at all."""
        return True

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_purpose"
        own = [
            path(
                "<int:object_id>/purpose/",
                self.admin_site.admin_view(self.purpose_view),
                name=name,
            )
        ]
        return own + super().get_urls()

    def _page_url(self, obj, page: str) -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])

    def purpose_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, str(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(object_id))
        # Where to go next is one of this admin's own pages, never a web address sent in.
        then = request.GET.get("then")
        then = then if then in self.purpose_pages else "change"
        form = PurposeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            purpose_remember(request, self.purpose_key(obj), form.purpose_text())
            if self.purpose_covers_search:
                search_purpose_remember(request, form.purpose_text())
            return HttpResponseRedirect(self._page_url(obj, then))
        return TemplateResponse(
            request,
            self.purpose_template,
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.opts,
                "original": obj,
                "person": obj,
                "intro": self.purpose_intro(obj),
                "title": _("Why do you open this record?"),
            },
        )

    def purpose_gate(self, request, object_id, page: str):
        """A redirect to the purpose page when none was given; otherwise None, and on a
        GET the access-log rows of everyone the page shows are written."""
        if page not in self.purpose_pages:
            return None
        obj = self.get_object(request, object_id)
        if obj is None or not self.purpose_needed(request, obj):
            return None  # the admin's own answer: not found, or refused
        if not self.has_view_or_change_permission(request, obj) and page != "delete":
            return None
        # A POST re-shows the record when it has errors, so it needs a purpose too.
        purpose = purpose_recent(request, self.purpose_key(obj))
        if purpose is None:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_purpose", args=[obj.pk]
            )
            return HttpResponseRedirect(url if page == "change" else f"{url}?then={page}")
        if request.method == "GET":
            services.access_log_record_many(
                actor=request.user,
                persons=self.persons_shown(request, obj),
                action=AccessLogEntry.Action.VIEW,
                purpose=purpose,
            )
        return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.purpose_gate(request, object_id, "change") or super().change_view(
            request, object_id, form_url, extra_context
        )

    def history_view(self, request, object_id, extra_context=None):
        return self.purpose_gate(request, object_id, "history") or super().history_view(
            request, object_id, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        if not self.has_delete_permission(request):
            # Refused before anything is shown, as the admin itself would.
            return super().delete_view(request, object_id, extra_context)
        return self.purpose_gate(request, object_id, "delete") or super().delete_view(
            request, object_id, extra_context
        )


def search_purpose_redirect(request, next_url: str) -> HttpResponseRedirect:
    """Send the staff member to say why they search, then on to ``next_url`` (a path
    this code built, kept in the session rather than sent through the address)."""
    request.session[PENDING_SEARCH_KEY] = next_url
    return HttpResponseRedirect(reverse("admin:registry_person_search_purpose"))


PENDING_SEARCH_KEY = "registry_pending_search"
