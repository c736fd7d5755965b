"""Messages to a case's applicant, through the outbox, in their language and channel.

Who is written to: the applicant in the register (their own choice of channel
for the topic), else the person who handed the request in for an
organisation, else the e-mail address of the account that handed it in. An
anonymous request (followed with a tracking code) gets no message: its status
is read on the tracking page.
"""

import logging

from django.conf import settings
from django.urls import reverse

from townhall.cases.models import Case
from townhall.messaging.errors import MessagingError
from townhall.messaging.services import EmailRecipient, message_send, templates_usable

logger = logging.getLogger(__name__)


def applicant_recipient(case: Case):
    """The Person or EmailRecipient messages about ``case`` go to, or None."""
    if case.applicant_person_id is not None:
        return case.applicant_person
    user = case.handed_in_by
    if user is None:
        return None
    if user.person_id is not None:
        return user.person
    if user.email:
        return EmailRecipient(
            address=user.email,
            given_names=user.first_name,
            family_name=user.last_name,
            language=case.language,
        )
    return None


def case_link(case: Case) -> str:
    path = reverse("portal:my_case", args=[case.uuid])
    return f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}{path}"


def applicant_message(case: Case, *, template: str, context: dict, key: str, sent_by=None):
    """Queue ``template`` to the applicant (delivered after the commit); the message,
    or None when nobody can be reached or the template is not usable (logged)."""
    recipient = applicant_recipient(case)
    if recipient is None:
        return None
    if not templates_usable([template]):
        logger.warning("No message for case %s: template %s is not usable", case, template)
        return None
    try:
        return message_send(
            recipient=recipient,
            template=template,
            context={"case_reference": case.reference, **context},
            idempotency_key=key,
            sent_by=sent_by,
        )
    except MessagingError as error:
        logger.warning("No message for case %s: %s", case, error)
        return None
