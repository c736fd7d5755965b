"""My messages (mijn berichten): what the municipality sent the person, and each text.

As on My data, the person is always ``request.acting.subject_person``
(yourself, or whoever gave you a mandate that covers reading their
messages), and the address names a message by its random id, so it cannot
lead to someone else's: another person's message is "not found".
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from townhall.accounts.assurance import Assurance, assurance_required
from townhall.accounts.models import Mandate
from townhall.messaging.models import Message
from townhall.messaging.selectors import message_get_for_resident, message_page_for_resident
from townhall.portal.my_data import person_for

# What a resident needs to know, in plain words, instead of the outbox's states.
PLAIN_STATES = {
    Message.State.QUEUED: "on_the_way",
    Message.State.SENDING: "on_the_way",
    Message.State.RETRYING: "on_the_way",
    Message.State.SENT: "sent",
    Message.State.DELIVERED: "delivered",
    Message.State.FAILED: "not_arrived",
    Message.State.BOUNCED: "not_arrived",
    Message.State.CANCELLED: "cancelled",
}


PAGE = 25


def _person_or_refusal(request):
    return person_for(
        request, Mandate.Scope.MESSAGES, unavailable="portal/my_messages_unavailable.html"
    )


@assurance_required(Assurance.HIGH)
@require_GET
def my_messages(request):
    """The messages sent to the person, newest first, a page at a time."""
    person, refusal = _person_or_refusal(request)
    if refusal:
        return refusal
    sent = message_page_for_resident(person=person, params=request.GET, size=PAGE)
    for message in sent:
        message.plain_state = PLAIN_STATES[message.state]
    response = render(request, "portal/my_messages.html", {"sent": sent, "person": person})
    response["Cache-Control"] = "no-store"
    return response


@assurance_required(Assurance.HIGH)
@require_GET
def my_message(request, uuid):
    """One message, with its text as the person received it."""
    person, refusal = _person_or_refusal(request)
    if refusal:
        return refusal
    message = message_get_for_resident(person=person, uuid=uuid)
    if message is None:
        raise Http404
    message.plain_state = PLAIN_STATES[message.state]
    response = render(request, "portal/my_messages_detail.html", {"message": message})
    response["Cache-Control"] = "no-store"
    return response
