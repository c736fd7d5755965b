"""The message templates, read-only, each text shown as a recipient would read it.

Templates are edited in the administration (:mod:`townhall.messaging.admin`),
which checks every text as it is saved.
"""

from django.shortcuts import get_object_or_404, render

from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.languages import NAMES
from townhall.messaging.models import MessageTemplate
from townhall.messaging.selectors import message_template_list
from townhall.messaging.sms import sms_length
from townhall.messaging.templates import (
    TEMPLATE_LANGUAGES,
    sample_recipient,
    template_problems,
)
from townhall.messaging.templates import (
    render as render_text,
)
from townhall.registry.preferences import Channel


@staff_permission_required("messaging.view_messagetemplate")
def template_list(request):
    return render(
        request,
        "backoffice/messaging/templates.html",
        {
            "templates": message_template_list(),
        },
    )


@staff_permission_required("messaging.view_messagetemplate")
def template_detail(request, code):
    template = get_object_or_404(MessageTemplate, code=code)
    sample = {**sample_recipient(), **template.sample_context}
    texts = {(t.channel, t.language): t for t in template.texts.all()}
    languages = []
    for language in TEMPLATE_LANGUAGES:
        channels = []
        for channel, label in Channel.choices:
            text = texts.get((channel, language))
            channels.append({"label": label, "channel": channel, **_rendered(text, sample)})
        languages.append({"code": language, "name": NAMES[language], "channels": channels})
    return render(
        request,
        "backoffice/messaging/template.html",
        {
            "template": template,
            "languages": languages,
            "problems": [] if template.is_active else template_problems(template),
            "sample": sorted(template.sample_context.items()),
        },
    )


def _rendered(text, sample) -> dict:
    if text is None:
        return {"missing": True}
    try:
        subject, body = render_text(text.subject, sample), render_text(text.body, sample)
    except KeyError as missing:
        return {"error": missing.args[0]}
    length = sms_length(body) if text.channel == Channel.SMS else None
    return {"subject": subject, "body": body, "sms_length": length}
