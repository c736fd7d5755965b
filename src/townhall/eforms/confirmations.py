"""The confirmation message of a submission (ontvangstbevestiging).

1. :func:`confirmation_send` is called by
   :func:`~townhall.eforms.submissions.submission_create` inside its
   transaction: :func:`~townhall.messaging.services.message_send` writes the
   message there and delivers it after the commit, so a submission and its
   message commit or roll back together. The submission's uuid is the
   idempotency key: one submission, one message.
2. Who gets it: a signed-in person by their own channels in the register (a
   :class:`~townhall.registry.models.Person` recipient: their choice for
   "decisions", else their preferred channel); an account without a person in
   the register at the account's e-mail address; an anonymous visitor only
   when the form asked an e-mail address (an ``email`` field they answered),
   at that address. Anyone else gets none.
3. The text says the reference and the form's title, in the recipient's
   language, and where to follow the request: "My cases" for a signed-in
   person, the tracking page for an anonymous visitor (the tracking code
   itself is never written into a message: the outbox keeps message texts, and
   the code is kept only as a keyed hash).
4. A template that staff changed and did not check again cannot be used: the
   submission is still handed in, without its message, and a warning is
   logged. The submission matters more than its confirmation.
"""

import logging

from django.conf import settings
from django.urls import reverse

from townhall.eforms.text import text_in
from townhall.languages import interface_language
from townhall.messaging.errors import MessagingError
from townhall.messaging.services import EmailRecipient, message_send, templates_usable

logger = logging.getLogger(__name__)

TEMPLATE = "submission-received"
ANONYMOUS_TEMPLATE = "submission-received-anonymous"


def confirmation_recipient(submission, user, values: dict, definition):
    """The Person or EmailRecipient the confirmation goes to, or None."""
    if user is not None:
        if user.person is not None:
            return user.person
        if not user.email:
            return None
        return EmailRecipient(
            address=user.email,
            given_names=user.first_name,
            family_name=user.last_name,
            language=submission.language,
        )
    address = next(
        (
            values[spec["key"]]
            for step in definition.steps
            for spec in step["fields"]
            if spec["type"] == "email" and isinstance(values.get(spec["key"]), str)
        ),
        "",
    )
    if not address:
        return None
    return EmailRecipient(
        address=address, given_names="", family_name="", language=submission.language
    )


def confirmation_send(*, submission, user, values: dict, definition):
    """Queue the confirmation of ``submission`` (see the module's steps); returns the
    message, or None when nobody can be reached or the template is not usable."""
    recipient = confirmation_recipient(submission, user, values, definition)
    if recipient is None:
        return None
    code = TEMPLATE if user is not None else ANONYMOUS_TEMPLATE
    if not templates_usable([code]):
        logger.warning("No confirmation for %s: template %s is not usable", submission, code)
        return None
    path = reverse("portal:my_cases") if user is not None else reverse("eforms:track")
    try:
        return message_send(
            recipient=recipient,
            template=code,
            context={
                "reference": submission.reference,
                "form": text_in(definition.raw["title"], interface_language(recipient.language)),
                "link": f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}{path}",
            },
            idempotency_key=f"submission-{submission.uuid}",
        )
    except MessagingError as error:
        logger.warning("No confirmation for %s: %s", submission, error)
        return None
