"""The messaging start page (counts, broadcasts, failures) and one broadcast's progress.

Finding a person by name asks why, as every search of the register, and writes
the access log of every person found; the failures are listed by reference,
not by recipient (opening a person's messages asks why and is logged).
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.messaging.broadcasts import ON_THE_WAY
from townhall.messaging.models import Broadcast, Message
from townhall.messaging.selectors import (
    broadcast_counts,
    broadcast_get,
    broadcast_letters_waiting,
    broadcast_page,
    broadcast_waiting,
    message_counts,
    message_list_problems,
)
from townhall.messaging.sms import sms_settings
from townhall.registry.admin.purposes import SearchPurposeForm
from townhall.registry.models import AccessLogEntry
from townhall.registry.preferences import Channel
from townhall.registry.selectors import person_list_by_name
from townhall.registry.services import access_log_record_search

RECENT = 15


def state_table(counts: dict[tuple[str, str], int]) -> dict:
    """Messages per channel (rows) and state (columns), leaving out states nobody is in."""
    counts = {key: n for key, n in counts.items() if n}
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
        found = person_list_by_name(term=name)
        if found:
            access_log_record_search(
                actor=request.user,
                persons=found,
                search_kind=AccessLogEntry.SearchKind.NAME_OR_STREET,
                purpose=purpose_form.purpose_text(),
            )
    if may_view_messages:
        failed = message_list_problems(limit=RECENT)
    return render(
        request,
        "backoffice/messaging/home.html",
        {
            # Kept counts: a few rows, not a count over the whole outbox.
            "table": state_table(message_counts()),
            "broadcasts": broadcast_page(params=request.GET, size=RECENT),
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
    broadcast = broadcast_get(uuid=uuid)
    if broadcast is None:
        raise Http404
    counts = broadcast_counts(broadcast=broadcast)
    progress = {state: 0 for state in Message.State.values}
    for (_channel, state), n in counts.items():
        progress[state] += n
    total = sum(progress.values())
    on_the_way = sum(progress[state] for state in ON_THE_WAY)
    # Letters waiting in the print batch are handed over for the broadcast.
    waiting_letters = broadcast_letters_waiting(broadcast=broadcast)
    on_the_way -= waiting_letters
    active = broadcast.state in (Broadcast.State.PREPARING, Broadcast.State.SENDING)
    waiting = broadcast_waiting(broadcast=broadcast, now=timezone.now()) if on_the_way else None
    quiet_start, quiet_end = sms_settings()["QUIET_HOURS"]
    return render(
        request,
        "backoffice/messaging/broadcast.html",
        {
            "broadcast": broadcast,
            "texts": broadcast.template.texts.order_by("language", "channel"),
            "table": state_table(counts),
            "total": total,
            "handed_over": total - on_the_way,
            "waiting_letters": waiting_letters,
            "failed": progress[Message.State.FAILED] + progress[Message.State.BOUNCED],
            "active": active,
            "waiting": waiting,
            "quiet_hours": {"start": quiet_start, "end": quiet_end},
        },
    )
