"""Drafts a signed-in person leaves and resumes, their one resume link, and their end.

1. "Save and continue later" on a step keeps what is valid of it without
   marking it done (:func:`townhall.eforms.services.draft_step_save` with
   ``finished=False``), then :func:`resume_link_new` makes the draft's one
   resume link: a random token, of which only a keyed hash is kept, valid for
   :data:`DRAFT_LIFETIME`. A new link replaces the row, so the old one ends.
2. :func:`resume_link_send` mails the link to the person through the outbox
   (template ``draft-resume-link``, messaging/seed/draft-resume-link.toml).
3. The link (/loket/verder/<token>/) asks to sign in first; then
   :func:`townhall.eforms.selectors.resume_link_find` gives the draft only to
   its own user, and the step view checks every step again against the rules.
4. :func:`draft_delete` removes a draft and its uploads (My page's delete
   button); :func:`drafts_purge` removes every draft not changed for
   :data:`DRAFT_LIFETIME`, run by ``manage.py purge_drafts`` (``--every`` in
   the demo), and logs what it removed.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from townhall.eforms.models import Draft, ResumeLink
from townhall.eforms.services import draft_step_save
from townhall.eforms.text import text_in
from townhall.languages import FALLBACK, INTERFACE
from townhall.messaging.errors import MessagingError
from townhall.messaging.services import EmailRecipient, message_send
from townhall.messaging.templates import templates_ensure

logger = logging.getLogger(__name__)

DRAFT_LIFETIME = timedelta(days=30)
RESUME_TEMPLATE = "draft-resume-link"
RESUME_SALT = "townhall.eforms.resume-link"
# 32 random bytes, URL-safe: 43 characters. A longer or shorter token is no link of ours.
TOKEN_BYTES = 32
TOKEN_LENGTH = 43


def resume_token_hash(token: str) -> str:
    """The keyed hash under which a resume link is kept and looked up."""
    return salted_hmac(RESUME_SALT, token).hexdigest()


@transaction.atomic
def resume_link_new(*, draft: Draft) -> str:
    """Make the draft's resume link, ending the one it had; returns the token (shown once)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    ResumeLink.objects.update_or_create(
        draft=draft,
        defaults={
            "token_hash": resume_token_hash(token),
            "created_at": now,
            "expires_at": now + DRAFT_LIFETIME,
        },
    )
    return token


def resume_link_url(token: str) -> str:
    """The full address of a resume link, on the site's public URL."""
    path = reverse("eforms:resume", args=[token])
    return f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}{path}"


@dataclass(frozen=True)
class Kept:
    draft: Draft
    link: str  # shown once, on the "your answers are kept" page
    sent_to: str  # the address it was mailed to, or ""


@transaction.atomic
def draft_keep_for_later(
    *, draft: Draft, step: dict, values: dict, uploads: dict, assisted_by=None
) -> Kept:
    """ "Save and continue later": keep the valid ``values`` of ``step`` without marking
    it done, make the draft's new resume link (ending the old one) and mail it."""
    draft = draft_step_save(
        draft=draft,
        step=step,
        values=values,
        uploads=uploads,
        finished=False,
        assisted_by=assisted_by,
    )
    link = resume_link_url(resume_link_new(draft=draft))
    return Kept(draft=draft, link=link, sent_to=resume_link_send(draft=draft, link=link))


def _recipient(user) -> EmailRecipient | None:
    person = user.person
    address = user.email or (person.email if person else "")
    if not address:
        return None
    return EmailRecipient(
        address=address,
        given_names=user.first_name or (person.given_names if person else ""),
        family_name=user.last_name or (person.family_name if person else ""),
        language=person.language if person else (translation.get_language() or FALLBACK)[:2],
        person=person,
    )


@transaction.atomic
def resume_link_send(*, draft: Draft, link: str) -> str:
    """Mail the resume ``link`` (the full URL) to the draft's user; after the commit.

    Returns the address it goes to, or "" when the account has no e-mail address
    or the template cannot be used (the page then shows the link alone)."""
    recipient = _recipient(draft.user)
    if recipient is None:
        return ""
    templates_ensure([RESUME_TEMPLATE])
    language = recipient.language if recipient.language in INTERFACE else FALLBACK
    try:
        message_send(
            recipient=recipient,
            template=RESUME_TEMPLATE,
            context={
                "link": link,
                "form_title": text_in(draft.version.parsed.raw["title"], language),
                "days": str(DRAFT_LIFETIME.days),
            },
            idempotency_key=f"draft-resume-{resume_token_hash(link)[:32]}",
        )
    except MessagingError:
        logger.warning("The resume link of draft %s could not be mailed.", draft.pk)
        return ""
    return recipient.address


def _uploads_remove(folder: str) -> None:
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")


def _drafts_remove(drafts) -> list[str]:
    """Delete ``drafts`` (a queryset) and, after the commit, the files they uploaded."""
    uuids = [str(value) for value in drafts.values_list("uuid", flat=True)]
    drafts.delete()
    for value in uuids:
        transaction.on_commit(lambda folder=f"eforms/{value}": _uploads_remove(folder))
    return uuids


@transaction.atomic
def draft_delete(*, draft: Draft) -> None:
    """Remove ``draft``, its resume link and its uploads (the person's own choice)."""
    _drafts_remove(Draft.objects.filter(pk=draft.pk))


@transaction.atomic
def drafts_purge(*, now=None) -> int:
    """Remove every draft not changed for :data:`DRAFT_LIFETIME`, with its uploads;
    returns how many. Each removed draft is logged by its uuid (never its answers)."""
    cutoff = (now or timezone.now()) - DRAFT_LIFETIME
    removed = _drafts_remove(Draft.objects.filter(updated_at__lt=cutoff))
    if removed:
        logger.info(
            "Removed %d drafts not changed since %s: %s",
            len(removed),
            cutoff.isoformat(),
            ", ".join(removed),
        )
    return len(removed)
