"""The messaging start page (counts, broadcasts, failures) and one broadcast's progress.

Finding a person by name asks why, as every search of the register, and writes
the access log of every person found; the failures are listed by reference,
not by recipient (opening a person's messages asks why and is logged).
"""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from townhall.backoffice.messaging_forms import persons_by_name
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.messaging.broadcasts import ON_THE_WAY, broadcast_progress
from townhall.messaging.models import Broadcast, Message
from townhall.registry.admin.purposes import SearchPurposeForm
from townhall.registry.models import AccessLogEntry
from townhall.registry.preferences import Channel
from townhall.registry.services import access_log_record_search

RECENT = 15
PROBLEM_STATES = (Message.State.FAILED, Message.State.BOUNCED)


def state_table(messages) -> dict:
    """Messages per channel (rows) and state (columns), leaving out states nobody is in."""
    counts = {
        (channel, state): n
        for channel, state, n in messages.order_by()
        .values_list("channel", "state")
        .annotate(n=Count("pk"))
        .values_list("channel", "state", "n")
    }
    states = [(s, label) for s, label in Message.State.choices if any(k[1] == s for k in counts)]
    rows = [
        {
            "channel": label,
            "cells": [counts.get((channel, s), 0) for s, _label in states],
            "total": sum(n for (c, _s), n in counts.items() if c == channel),
        }
        for channel, label in Channel.choices
    ]
    return {"states": [label for _s, label in states], "rows": rows, "empty": not counts}


@staff_permission_required("messaging.view_broadcast")
def messaging_home(request):
    """Where messaging stands: every message per channel and state, the last
    broadcasts, and the last messages that did not arrive."""
    may_view_messages = request.user.has_perm("messaging.view_message")
    failed, found, name = [], None, ""
    purpose_form = SearchPurposeForm(request.POST if request.method == "POST" else None)
    if may_view_messages and request.method == "POST" and purpose_form.is_valid():
        # A name goes in the body, not the address, as every look-up of a person.
        name = request.POST.get("name", "").strip()[:100]
        found = persons_by_name(name)
        if found:
            access_log_record_search(
                actor=request.user,
                persons=found,
                search_kind=AccessLogEntry.SearchKind.NAME_OR_STREET,
                purpose=purpose_form.purpose_text(),
            )
    if may_view_messages:
        failed = list(
            Message.objects.filter(state__in=PROBLEM_STATES)
            .select_related("person")
            .order_by("-created_at")[:RECENT]
        )
    return render(
        request,
        "backoffice/messaging/home.html",
        {
            "table": state_table(Message.objects.all()),
            "broadcasts": Broadcast.objects.select_related("template", "created_by")[:RECENT],
            "failed": failed,
            "may_view_messages": may_view_messages,
            "found": found,
            "name": name,
            "purpose_form": purpose_form,
        },
    )


@staff_permission_required("messaging.view_broadcast")
def broadcast_detail(request, uuid):
    """One broadcast: to whom, by whom, and how far its messages got."""
    broadcast = get_object_or_404(
        Broadcast.objects.select_related("template", "created_by"), uuid=uuid
    )
    progress = broadcast_progress(broadcast)
    total = sum(progress.values())
    on_the_way = sum(progress[state] for state in ON_THE_WAY)
    # Letters waiting in the print batch are handed over for the broadcast.
    waiting_letters = broadcast.messages.filter(
        state=Message.State.SENDING, letter_batch__isnull=False
    ).count()
    on_the_way -= waiting_letters
    active = broadcast.state in (Broadcast.State.PREPARING, Broadcast.State.SENDING)
    return render(
        request,
        "backoffice/messaging/broadcast.html",
        {
            "broadcast": broadcast,
            "texts": broadcast.template.texts.order_by("language", "channel"),
            "table": state_table(broadcast.messages.all()),
            "total": total,
            "handed_over": total - on_the_way,
            "waiting_letters": waiting_letters,
            "failed": progress[Message.State.FAILED] + progress[Message.State.BOUNCED],
            "active": active,
        },
    )
