"""A person's mandates (volmachten), for staff: whom they let act for them, and for whom
they act; and the history of the person's record.

As a person's message log, it is a staff read of the person: it asks why first (the
purpose is shared with the person's record for half an hour) and every opening writes
the access log of the person and of each person on the other side of a mandate, since
the page names them too.

The history page (citizens' affairs: ``registry.view_historicalperson``) lists every
version of the record and of the person's household memberships, field by field, with
who or what changed it (``registry.selectors.person_history``); each opening is in
the person's access log ("viewed the history of the record").
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from townhall.accounts.selectors import mandate_list_given, mandate_list_received
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.registry.admin.person_links import person_record_links
from townhall.registry.admin.persons import PurposeForm, purpose_recent, purpose_remember
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.selectors import HISTORY_LIMIT, person_history
from townhall.registry.services import access_log_record, access_log_record_many

VIEW_HISTORY = "registry.view_historicalperson"


@staff_permission_required("accounts.view_mandate")
def person_mandates(request, pk):
    """The mandates the person gave and received, in force or not."""
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if form.is_valid():
            purpose_remember(request, person.pk, form.purpose_text())
            return redirect("backoffice:person_mandates", person.pk)
        return _purpose_page(request, person, form)
    purpose = purpose_recent(request, person.pk)
    if purpose is None:
        return _purpose_page(request, person, PurposeForm())
    given = mandate_list_given(person=person)
    received = mandate_list_received(person=person)
    access_log_record_many(
        actor=request.user,
        persons=[person, *(m.grantee for m in given), *(m.grantor for m in received)],
        action=AccessLogEntry.Action.VIEW,
        purpose=purpose,
    )
    response = render(
        request,
        "backoffice/person_mandates.html",
        {
            "person": person,
            "purpose": purpose,
            "given": given,
            "received": received,
            "today": timezone.localdate(),
            "record_links": person_record_links(person=person, user=request.user),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _purpose_page(request, person, form, template="backoffice/person_purpose.html"):
    return render(request, template, {"person": person, "form": form})


@staff_permission_required(VIEW_HISTORY)
def person_history_view(request, pk):
    """Every change to the person's record and household memberships, newest first."""
    person = get_object_or_404(Person, pk=pk)
    template = "backoffice/person_history_purpose.html"
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if form.is_valid():
            purpose_remember(request, person.pk, form.purpose_text())
            return redirect("backoffice:person_history", person.pk)
        return _purpose_page(request, person, form, template)
    purpose = purpose_recent(request, person.pk)
    if purpose is None:
        return _purpose_page(request, person, PurposeForm(), template)
    lines = person_history(person)
    access_log_record(
        actor=request.user, person=person, action=AccessLogEntry.Action.HISTORY, purpose=purpose
    )
    response = render(
        request,
        "backoffice/person_history.html",
        {
            "person": person,
            "purpose": purpose,
            "lines": lines,
            "limited": len(lines) >= HISTORY_LIMIT,
            "record_links": person_record_links(person=person, user=request.user),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
