"""Write an announcement to a selection of residents: compose, preview, confirm, send.

One form travels through the steps; each button says what to do with it
(``action``): ``search`` finds a resident by name, ``edit`` goes back to the
words, ``preview`` counts the recipients and shows the texts, ``confirm``
repeats the counts before sending, ``send`` sends. Nothing is written before
``send``; a token per confirmation page makes a second click send nothing more.
"""

import uuid
from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.backoffice.messaging_forms import ComposeForm, SendForm
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.languages import NAMES
from townhall.messaging.broadcasts import broadcast_preview
from townhall.messaging.compose import announcement_send
from townhall.messaging.errors import MessagingError
from townhall.messaging.services import recipient_context
from townhall.messaging.sms import quiet_hours_end, sms_length, sms_settings
from townhall.messaging.templates import render as render_text
from townhall.messaging.templates import sample_recipient
from townhall.municipality.context_processors import municipality_for
from townhall.registry.preferences import Channel
from townhall.registry.selectors import person_list_by_name

SENT_TOKENS_KEY = "messaging_sent_tokens"


@staff_permission_required("messaging.add_broadcast")
def compose(request):
    if request.method != "POST":
        return _compose_page(request, ComposeForm(user=request.user))
    action = request.POST.get("action", "preview")
    search = request.POST.get("search", "")
    if action == "search" and not search.strip():
        # Enter in any field presses the first button, Search; with no name to
        # look for, the writer meant the preview.
        action = "preview"
    results = person_list_by_name(term=search)
    form = ComposeForm(request.POST, person_results=results, user=request.user)
    if action in ("search", "edit"):
        # Back to the words: show what was typed without judging it yet.
        form._errors = ErrorDict()
        return _compose_page(request, form, searched=action == "search" and bool(search.strip()))
    if not form.is_valid():
        return _compose_page(request, form, status=200)
    preview = _preview(request, form)
    if action == "send":
        return _send(request, form, preview)
    template = "confirm" if action == "confirm" else "preview"
    return render(
        request,
        f"backoffice/messaging/{template}.html",
        {"form": form, "send_form": SendForm(initial={"token": uuid.uuid4()}), **preview},
    )


def _compose_page(request, form, *, searched=False, status=200):
    return render(
        request,
        "backoffice/messaging/compose.html",
        {"form": form, "searched": searched, "results": form.person_results},
        status=status,
    )


def _send(request, form, preview):
    send_form = SendForm(request.POST)
    if not send_form.is_valid():
        return redirect("backoffice:messaging_compose")
    token = str(send_form.cleaned_data["token"])
    sent = request.session.get(SENT_TOKENS_KEY, {})
    if token in sent:  # the same confirmation sent twice: show the first broadcast
        return redirect("backoffice:messaging_broadcast", sent[token])
    try:
        broadcast = announcement_send(
            topic=form.cleaned_data["topic"],
            texts=form.texts(),
            selection=form.selection(),
            sent_by=request.user,
            urgent=form.cleaned_data["urgent"],
        )
    except (MessagingError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return render(
            request,
            "backoffice/messaging/preview.html",
            {"form": form, "send_form": SendForm(initial={"token": uuid.uuid4()}), **preview},
        )
    sent[token] = str(broadcast.uuid)
    request.session[SENT_TOKENS_KEY] = dict(list(sent.items())[-20:])
    messages.success(request, _("The announcement is being sent."))
    return redirect("backoffice:messaging_broadcast", broadcast.uuid)


def _preview(request, form) -> dict:
    """Counts per channel and language, each text as a sample recipient reads it,
    and whether the text messages would wait for the end of the quiet hours."""
    selection = form.selection()
    counts = broadcast_preview(selection=selection, topic=form.cleaned_data["topic"])
    texts = form.texts()
    written = {text.language for text in texts}
    municipality = municipality_for(request)
    # One resident: the texts as that person reads them, and their name in the summary
    # (the staff member chose them from a search, which was logged). Else a sample reader.
    person = form.cleaned_data.get("person") if form.cleaned_data["audience"] == "person" else None
    samples = []
    for text in texts:
        place = municipality.localized_name(text.language) if municipality else ""
        sample = recipient_context(person, place) if person else {**sample_recipient()}
        if municipality and not person:
            sample["municipality"] = place
        sms = render_text(text.sms_text(), sample)
        samples.append(
            {
                "language": text.language,
                "name": NAMES[text.language],
                "subject": render_text(text.subject, sample),
                "body": render_text(text.body, sample),
                "sms": sms,
                "sms_is_default": text.sms_is_default,
                "sms_length": sms_length(sms),
            }
        )
    fallback = Counter()
    for language, count in counts.per_language.items():
        if language not in written:
            fallback[NAMES.get(language, language)] += count
    channel_names = dict(Channel.choices)
    urgent = form.cleaned_data["urgent"]
    quiet_start, quiet_end = sms_settings()["QUIET_HOURS"]
    sms_wait_until = None
    if not urgent and counts.per_channel.get(Channel.SMS):
        sms_wait_until = quiet_hours_end(timezone.now())
    if person:
        selection_label = _("one resident: %(name)s") % {"name": person.full_name}
    else:
        selection_label = selection.label()
    return {
        "reader": person,
        "urgent": urgent,
        "quiet_hours": {"start": quiet_start, "end": quiet_end}
        if quiet_start != quiet_end
        else None,
        "sms_wait_until": sms_wait_until,
        "sms_recipients": counts.per_channel.get(Channel.SMS, 0),
        "selection_label": selection_label,
        "topic_label": dict(form.fields["topic"].choices)[form.cleaned_data["topic"]],
        "counts": counts,
        "reachable": counts.total - counts.unreachable,
        "per_channel": [(channel_names[c], n) for c, n in counts.per_channel.items()],
        "per_language": sorted(
            (NAMES.get(code, code), n) for code, n in counts.per_language.items()
        ),
        "fallback": sorted(fallback.items()),
        "samples": samples,
    }
