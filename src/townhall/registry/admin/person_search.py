"""Finding persons in the admin: the list's search and the look-up by national number.

1. The search box posts (:meth:`PersonSearchAdminMixin.search_view`): a national
   number, with or without dots, dashes and spaces, is looked up through its
   keyed hash and opens the person's record, logged as a look-up; any other term
   goes on to the list as ``?q=``. A number is never put in a web address, and
   the list refuses a term in its address that looks like one.
2. The list shows nobody until a search; a search asks why first (remembered for
   half an hour) and writes one access-log row for every person it showed, with
   the kind of term and the number shown, never the term. The autocomplete of
   the household and organisation pages does the same for the page it answers.
3. Names and streets are matched through the indexes of :mod:`townhall.registry.search`;
   an e-mail address only whole.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from townhall.registry import search, services
from townhall.registry.admin.purposes import (
    PENDING_SEARCH_KEY,
    PurposeForm,
    SearchPurposeForm,
    purpose_remember,
    search_purpose_recent,
    search_purpose_redirect,
    search_purpose_remember,
)
from townhall.registry.models import AccessLogEntry

SearchKind = AccessLogEntry.SearchKind


class NumberLookupForm(PurposeForm):
    national_number = forms.CharField(
        label=_("National register or bis number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    field_order = ["national_number", "purpose", "explanation"]


class NumberSearchPurposeForm(SearchPurposeForm):
    """The search purpose, asked before a national number from the search box is
    looked up; the number stays in the form's body, never in a web address."""

    q = forms.CharField(widget=forms.HiddenInput, max_length=100)


def looks_like_national_number(term: str) -> bool:
    """Nine or more digits: perhaps a national number, which must not be searched by URL."""
    return sum(character.isdigit() for character in term) >= 9


def search_kind_of(term: str) -> str:
    """What kind of term a search is for, as the access log keeps it (never the term)."""
    return SearchKind.EMAIL if "@" in term else SearchKind.NAME_OR_STREET


def _page_number(request) -> int | None:
    try:
        number = int(request.GET.get(PAGE_VAR, 1))
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


class PersonSearchAdminMixin:
    """The search pages of :class:`~townhall.registry.admin.persons.PersonAdmin`."""

    def changelist_view(self, request, extra_context=None):
        term = request.GET.get(SEARCH_VAR, "").strip()
        if looks_like_national_number(term):
            messages.warning(
                request,
                _(
                    "National numbers are never put in a web address. "
                    "Use the look-up form on this page."
                ),
            )
            return HttpResponseRedirect(reverse("admin:registry_person_changelist"))
        purpose = search_purpose_recent(request)
        if term and purpose is None:
            return search_purpose_redirect(request, request.get_full_path())
        extra_context = {**(extra_context or {}), "lookup_form": NumberLookupForm()}
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if term and changelist is not None:
            # The rows the page will show, read once, logged, and handed to the template.
            shown = list(changelist.result_list)
            changelist.result_list = shown
            if shown:
                services.access_log_record_search(
                    actor=request.user,
                    persons=shown,
                    search_kind=search_kind_of(term),
                    purpose=purpose,
                )
        return response

    def get_search_results(self, request, queryset, search_term):
        search_term = search_term.strip()
        # The list shows nobody until a search: browsing the whole register has no purpose.
        # Also the autocomplete of other admins: a number never finds anyone through a URL.
        if not search_term or looks_like_national_number(search_term):
            return queryset.none(), False
        if search_kind_of(search_term) == SearchKind.EMAIL:
            # A whole address, not a part: "@example.com" must not list a domain's users.
            found, distinct = queryset.filter(email__iexact=search_term), False
        else:
            # Names and the domicile's street, through the indexes (registry.search).
            matches = search.person_filter(search_term)
            if matches is None:  # only quotes or spaces: no word to look for
                return queryset.none(), False
            found, distinct = queryset.filter(matches), False
        if request.path == reverse("admin:autocomplete"):
            return self._autocomplete_results(request, found, distinct, search_term)
        return found, distinct

    def _autocomplete_results(self, request, found, distinct, search_term):
        """The autocomplete of the household and organisation pages: it needs a search
        purpose (those pages ask one), and logs the page of persons it answers with."""
        purpose = search_purpose_recent(request)
        number = _page_number(request)
        if purpose is None or number is None:
            return found.none(), False
        if distinct:
            found = found.distinct()
        # The persons found, sorted: not the register walked in name order (admin.paging).
        found = found.order_by(*self.search_ordering, "pk")
        # The view pages by this many after this method; log exactly the page it sends.
        size = AutocompleteJsonView.paginate_by
        shown = list(found[(number - 1) * size : number * size])
        if shown:
            services.access_log_record_search(
                actor=request.user,
                persons=shown,
                search_kind=search_kind_of(search_term),
                purpose=purpose,
            )
        return found, False

    def search_view(self, request):
        """The list's search box, sent by POST. A national number (dots, dashes and
        spaces allowed) is looked up by its keyed hash and opens the person's record,
        logged as a look-up with the search purpose; any other term goes on to the
        list, whose search asks the purpose and logs whom it shows."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:registry_person_changelist")
        if request.method != "POST":
            return HttpResponseRedirect(changelist)
        term = request.POST.get(SEARCH_VAR, "").strip()[:100]
        if not looks_like_national_number(term):
            kept = {
                name: request.POST.getlist(name)
                for name in request.POST
                if name not in (SEARCH_VAR, "csrfmiddlewaretoken", PAGE_VAR)
            }
            query = urlencode({**kept, SEARCH_VAR: term} if term else kept, doseq=True)
            return HttpResponseRedirect(f"{changelist}?{query}" if query else changelist)
        purpose = search_purpose_recent(request)
        if purpose is None:
            form = NumberSearchPurposeForm(
                request.POST if "purpose" in request.POST else None, initial={SEARCH_VAR: term}
            )
            if not form.is_valid():
                return self._number_purpose_page(request, form)
            purpose = form.purpose_text()
            search_purpose_remember(request, purpose)
        try:
            person = services.person_find_by_national_number(term)
        except ValidationError as error:
            messages.error(request, error.message_dict["national_number"][0])
            return HttpResponseRedirect(changelist)
        if person is None:
            messages.warning(request, _("No person in the register has this national number."))
            return HttpResponseRedirect(changelist)
        services.access_log_record(
            actor=request.user, person=person, action=AccessLogEntry.Action.LOOKUP, purpose=purpose
        )
        purpose_remember(request, person.pk, purpose)
        return HttpResponseRedirect(reverse("admin:registry_person_change", args=[person.pk]))

    def _number_purpose_page(self, request, form):
        return TemplateResponse(
            request,
            "admin/registry/purpose.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.opts,
                "intro": _(
                    "You are about to look a person up by national number. The look-up "
                    "is written to their access log: who looked, why and when."
                ),
                "submit_label": _("Find"),
                "title": _("Why do you search the register?"),
            },
        )

    def search_purpose_view(self, request):
        """Why the staff member searches the register; then on to the search they asked."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        form = SearchPurposeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            search_purpose_remember(request, form.purpose_text())
            next_url = request.session.pop(PENDING_SEARCH_KEY, "")
            if not next_url.startswith(reverse("admin:index")):
                next_url = reverse("admin:registry_person_changelist")
            return HttpResponseRedirect(next_url)
        return TemplateResponse(
            request,
            "admin/registry/purpose.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.opts,
                "intro": _(
                    "You are about to search the register. Every person the search shows "
                    "finds it in their access log: who searched, why, for what kind of "
                    "term and how many persons were shown."
                ),
                "submit_label": _("Search"),
                "title": _("Why do you search the register?"),
            },
        )

    def lookup_view(self, request):
        # Without this, any staff member could learn who has a number, and log a look-up.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
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
