"""Handing in a form: from a complete draft to a submission with its reference.

1. :func:`draft_open_step` says which applicable step is not complete yet,
   checked again on the server for the answers kept and the known data; a
   draft with such a step cannot be handed in (whatever the browser sends).
2. :func:`submission_create` takes the next reference number of the
   municipality's prefix and the year under a row lock (``ING-2026-000123``,
   unique when two residents submit at the same moment, set once), keeps the
   visible answers encrypted, with the known data and where each came from,
   ends the draft, queues the confirmation message in the same transaction
   (:mod:`townhall.eforms.confirmations`), and sends
   :data:`~townhall.eforms.events.submission_received` after the commit.
3. An anonymous submission gets a tracking code: returned once, kept only as
   a keyed hash (:func:`tracking_code_hash`), looked up by
   :func:`townhall.eforms.selectors.submission_by_tracking_code`.
"""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from townhall.eforms.confirmations import confirmation_send
from townhall.eforms.events import submission_received
from townhall.eforms.models import Draft, ReferenceCounter, Submission
from townhall.eforms.rules import evaluate
from townhall.municipality.selectors import municipality_get_active

# The tracking code: 12 characters from an alphabet without 0/O, 1/I/L (about 59
# bits), shown in groups of four. Guessing one among a million submissions at a
# thousand tries a second takes longer than the submissions are kept.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 12
DEFAULT_PREFIX = "TH"


class SubmissionIncomplete(Exception):
    """The draft still has a step to complete (its index in ``step_index``)."""

    def __init__(self, step_index: int):
        super().__init__(f"Step {step_index + 1} is not complete.")
        self.step_index = step_index


class DraftGone(Exception):
    """The draft was handed in (or removed) meanwhile: a second click, another tab."""


@dataclass(frozen=True)
class Handed:
    submission: Submission
    tracking_code: str  # "" for a signed-in person: they follow it on their own page


def draft_open_step(definition, state, data: dict, steps_done: list) -> int | None:
    """The index of the first applicable step (not the check step) that is not complete."""
    from townhall.eforms.services import step_complete

    for index, step in enumerate(definition.steps):
        if step.get("check") or not state.steps[step["key"]].applicable:
            continue
        if step["key"] not in steps_done or not step_complete(step, state, data):
            return index
    return None


def tracking_code_new() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def tracking_code_normalise(code: str) -> str:
    """What a person typed, without spaces and dashes, in capitals."""
    return "".join(code.split()).replace("-", "").upper()


def tracking_code_shown(code: str) -> str:
    """The code in groups of four, as the confirmation page and the receipt show it."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def tracking_code_hash(code: str) -> str:
    return salted_hmac("townhall.eforms.tracking-code", tracking_code_normalise(code)).hexdigest()


def reference_next(*, prefix: str, year: int) -> str:
    """The next reference for ``prefix`` and ``year``; call inside a transaction."""
    return reference_block(prefix=prefix, year=year, count=1)[0]


def reference_block(*, prefix: str, year: int, count: int) -> list[str]:
    """The next ``count`` references for ``prefix`` and ``year``, in order; call inside a
    transaction. The counter's row stays locked until it commits: a batch takes its
    block in a short transaction of its own, so a resident's submit never waits on it."""
    try:
        with transaction.atomic():
            ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    except IntegrityError:  # another submit made the row at the same moment
        pass
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{prefix}-{year}-{number:06d}" for number in range(first, counter.last + 1)]


def submission_answers(definition, data: dict, known: dict) -> dict:
    """What a submission keeps: the visible answers, and for known data their source."""
    state = evaluate(definition, data)
    values = {
        key: value
        for key, value in data.items()
        if key in state.fields and state.fields[key].visible and value not in (None, "", [])
    }
    sources = {
        key: {"provenance": value.provenance, "shown": value.shown}
        for key, value in known.items()
        if key in values
    }
    return {"values": values, "known": sources}


@transaction.atomic(durable=True)
def submission_create(*, draft: Draft, known: dict, language: str, assisted_by=None) -> Handed:
    """Hand in ``draft`` with the ``known`` data of its subject (key → KnownValue).

    Raises :class:`SubmissionIncomplete` when a step still asks something; the
    draft is then kept as it was. Raises :class:`DraftGone` when the draft was
    handed in meanwhile (the row lock makes the second of two clicks wait for
    the first, which removes the draft).
    """
    draft = (
        Draft.objects.select_for_update()
        .select_related("version__form")
        .filter(pk=draft.pk)
        .first()
    )
    if draft is None:
        raise DraftGone
    definition = draft.version.parsed
    data = {**draft.data, **{k: v.value for k, v in known.items()}}
    state = evaluate(definition, data)
    open_step = draft_open_step(definition, state, data, draft.steps_done)
    if open_step is not None:
        raise SubmissionIncomplete(open_step)
    municipality = municipality_get_active()
    prefix = municipality.reference_prefix if municipality else DEFAULT_PREFIX
    anonymous = draft.user_id is None
    tracking_code = tracking_code_new() if anonymous else ""
    submission = Submission(
        reference=reference_next(prefix=prefix, year=timezone.localdate().year),
        version=draft.version,
        user_id=draft.user_id,
        subject_person_id=draft.subject_person_id,
        subject_organisation_id=draft.subject_organisation_id,
        assisted_by=assisted_by,
        tracking_code_hash=tracking_code_hash(tracking_code) if anonymous else "",
        language=language,
    )
    answers = submission_answers(definition, data, known)
    submission.set_answers(answers)
    submission.save()
    draft.delete()
    confirmation_send(
        submission=submission, user=draft.user, values=answers["values"], definition=definition
    )
    form = draft.version.form
    submission_received.send_on_commit(
        subject_id=submission.pk,
        submission=submission.pk,
        reference=submission.reference,
        form=form.slug,
        version=draft.version.number,
        product=form.product_slug,
        person=submission.subject_person_id,
        organisation=submission.subject_organisation_id,
        anonymous=anonymous,
        assisted=assisted_by is not None,
    )
    return Handed(submission=submission, tracking_code=tracking_code)
