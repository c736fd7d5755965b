"""The messages of one person (berichtenlog), and resending or cancelling one.

Opening the log is a staff read of the person: as in the person admin, it
first asks why (the purpose is remembered in the session for half an hour per
person, shared with the admin), and every opening writes the access log.
The person is named in the address by the register's own key, never by
national number.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.messaging.errors import MessagingError
from townhall.messaging.models import Message
from townhall.messaging.selectors import message_log_page_for_person
from townhall.messaging.services import message_cancel, message_resend
from townhall.registry.admin.person_links import person_record_links
from townhall.registry.admin.persons import PurposeForm, purpose_recent, purpose_remember
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.services import access_log_record

RESENDABLE = (
    Message.State.FAILED,
    Message.State.BOUNCED,
    Message.State.CANCELLED,
    Message.State.SENT,
    Message.State.DELIVERED,
)
CANCELLABLE = (Message.State.QUEUED, Message.State.RETRYING)
LOG_PAGE = 50


@staff_permission_required("messaging.view_message")
def person_messages(request, pk):
    """What was sent to the person, when, how, and what happened to it."""
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if form.is_valid():
            purpose_remember(request, person.pk, form.purpose_text())
            return redirect("backoffice:messaging_person", person.pk)
        return _purpose_page(request, person, form)
    purpose = purpose_recent(request, person.pk)
    if purpose is None:
        return _purpose_page(request, person, PurposeForm())
    access_log_record(
        actor=request.user, person=person, action=AccessLogEntry.Action.VIEW, purpose=purpose
    )
    sent = message_log_page_for_person(person=person, params=request.GET, size=LOG_PAGE)
    response = render(
        request,
        "backoffice/messaging/person.html",
        {
            "person": person,
            "purpose": purpose,
            "sent": sent,
            "resendable": RESENDABLE,
            "cancellable": CANCELLABLE,
            "may_change": request.user.has_perm("messaging.change_message"),
            "record_links": person_record_links(person=person, user=request.user),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _purpose_page(request, person, form):
    return render(request, "backoffice/messaging/purpose.html", {"person": person, "form": form})


@staff_permission_required("messaging.change_message")
@require_POST
def message_resend_view(request, uuid):
    message = get_object_or_404(Message.objects.select_related("person"), uuid=uuid)
    try:
        copy = message_resend(message=message, actor=request.user)
    except MessagingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Sent again as %(reference)s (%(channel)s).")
            % {"reference": copy.reference, "channel": copy.get_channel_display()},
        )
    return _back_to_person(message)


@staff_permission_required("messaging.change_message")
def message_cancel_view(request, uuid):
    """Stop a message that has not gone out yet, after a page that asks to confirm (the
    log's button opens it; no JavaScript needed). That page names the message by its
    reference and channel only, so it shows nobody's data and needs no purpose."""
    message = get_object_or_404(Message, uuid=uuid)
    if request.method != "POST" or "confirming" not in request.POST:
        return render(
            request,
            "backoffice/messaging/cancel_confirm.html",
            {"message": message, "cancellable": message.state in CANCELLABLE},
        )
    try:
        message_cancel(message=message, actor=request.user)
    except MessagingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Message %(reference)s is cancelled.") % {"reference": message.reference}
        )
    return _back_to_person(message)


def _back_to_person(message):
    if message.person_id is None:
        return redirect("backoffice:messaging_home")
    return redirect("backoffice:messaging_person", message.person_id)
