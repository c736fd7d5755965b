"""Writes of the news app: publications and their editorial flow.

1. :func:`publication_create` and :func:`publication_update` take the fields by
   name (audiences as a list of codes, topics and streets as lists of objects),
   strip tags from titles, summaries and alternative texts, render and sanitise
   the Markdown bodies (:mod:`townhall.news.rendering`), check the whole
   (:func:`publication_check`: one :class:`ValidationError` with a message per
   field) and save it.
2. The editorial flow: a draft is submitted for review (:func:`publication_submit`,
   whoever writes), then published, at once or from its ``publish_at``
   (:func:`publication_publish`, which needs :data:`PUBLISH_PERMISSION`), and
   withdrawn again (:func:`publication_withdraw`, the same permission); a
   publication under review or withdrawn goes back to draft
   (:func:`publication_to_draft`). Each change of state writes a
   :class:`~townhall.news.models.PublicationStateChange` (who, when) in the same
   transaction.
3. Each service is one transaction. A request runs it as its outermost one (the back
   office wraps each call in ``transaction.atomic(durable=True)``), so that
   nothing of it is committed with another change; the demo seed runs them inside
   its own.
4. After the commit: the domain events (:mod:`townhall.news.events`), and a new
   content version of the public pages (:func:`townhall.page_cache.content_changed`)
   whenever what the website shows changed.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from townhall import page_cache
from townhall.languages import NAMES
from townhall.news import events
from townhall.news.models import AUDIENCE_FIELDS, TRANSLATED, Publication, PublicationStateChange
from townhall.news.rendering import markdown_html, plain_text

PUBLISH_PERMISSION = "news.publish_publication"
# Addresses under /nieuws/ that are pages of their own (news.urls).
RESERVED_SLUGS = frozenset({"feed", "kalender", "nieuw"})
PLAIN_FIELDS = ("title", "summary", "image_alt")
TEXT_NAMES = tuple(
    name
    for base in (*PLAIN_FIELDS, "body")
    for name in (base, *(f"{base}_{c}" for c in TRANSLATED))
)
SETTINGS = frozenset(
    {
        "kind",
        "publish_at",
        "expires_at",
        "starts_at",
        "ends_at",
        "place",
        "organiser",
        "is_free",
        "price",
        "accessibility",
        "accessibility_note",
        "attendance",
        "urgent",
        "sms_text",
        "channel_email",
        "channel_sms",
        "channel_social",
    }
)
EDITABLE = frozenset({*TEXT_NAMES, *SETTINGS, "audiences", "topics", "streets", "image"})


def _unique_slug(title: str) -> str:
    base = (slugify(title) or "publicatie")[:70].strip("-") or "publicatie"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Publication.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _assign(publication: Publication, fields: dict) -> tuple[list | None, list | None]:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"Not a publication field a service may set: {sorted(unknown)}")
    for name, value in fields.items():
        if name in ("audiences", "topics", "streets"):
            continue
        if name == "image":
            publication.image = value or ""
        elif name in TEXT_NAMES and not name.startswith("body"):
            setattr(publication, name, plain_text(value))
        elif name == "sms_text":
            publication.sms_text = " ".join((value or "").split())
        else:
            field = Publication._meta.get_field(name)
            try:
                setattr(publication, name, field.to_python(value))
            except ValidationError as error:
                raise ValidationError({name: error.messages}) from error
    if "audiences" in fields:
        chosen = set(fields["audiences"])
        unknown_audiences = chosen - AUDIENCE_FIELDS.keys()
        if unknown_audiences:
            raise ValidationError({"audiences": _("Choose audiences from the list.")})
        for code, field in AUDIENCE_FIELDS.items():
            setattr(publication, field, code in chosen)
    publication.body_html = markdown_html(publication.body)
    for code in TRANSLATED:
        setattr(
            publication, f"body_html_{code}", markdown_html(getattr(publication, f"body_{code}"))
        )
    return fields.get("topics"), fields.get("streets")


def publication_check(publication: Publication) -> None:
    """Refuse what cannot be published as it is; one message per field."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not publication.title:
        refuse("title", _("Give the publication a title in Dutch."))
    for code in TRANSLATED:
        others = [f"summary_{code}", f"body_{code}", f"image_alt_{code}"]
        if not getattr(publication, f"title_{code}") and any(
            getattr(publication, name) for name in others
        ):
            refuse(
                f"title_{code}",
                _("Give a title in %(language)s too, or leave its other texts empty.")
                % {"language": NAMES[code]},
            )
    if publication.image:
        if not publication.image_alt:
            refuse(
                "image_alt",
                _("Describe the image in Dutch for someone who cannot see it."),
            )
        for code in TRANSLATED:
            if getattr(publication, f"title_{code}") and not getattr(
                publication, f"image_alt_{code}"
            ):
                refuse(
                    f"image_alt_{code}",
                    _("Describe the image in %(language)s too: the publication is written in it.")
                    % {"language": NAMES[code]},
                )
    if not publication.audiences:
        refuse("audiences", _("Choose at least one audience."))
    if (
        publication.publish_at
        and publication.expires_at
        and publication.expires_at <= publication.publish_at
    ):
        refuse("expires_at", _("The publication must stay online until after it is published."))
    if publication.is_event:
        if not publication.starts_at:
            refuse("starts_at", _("Say when the event starts."))
        if not publication.place:
            refuse("place", _("Say where the event takes place."))
        if (
            publication.starts_at
            and publication.ends_at
            and publication.ends_at < publication.starts_at
        ):
            refuse("ends_at", _("The event cannot end before it starts."))
        if not publication.is_free and not (publication.price and publication.price > 0):
            refuse("price", _("Give the price, or tick that the event is free."))
    if publication.is_alert:
        if not publication.ends_at:
            refuse("ends_at", _("Say until when the alert holds."))
        elif publication.publish_at and publication.ends_at <= publication.publish_at:
            refuse("ends_at", _("The alert must hold until after it is published."))
    if publication.price is not None and publication.price < 0:
        refuse("price", _("A price cannot be negative."))
    if errors:
        raise ValidationError(errors)


def _save(publication: Publication, topics, streets) -> Publication:
    publication_check(publication)
    publication.full_clean(exclude=["image"])
    publication.save()
    if topics is not None:
        publication.topics.set(topics)
    if streets is not None:
        publication.streets.set(streets)
    return publication


def _state_change(publication: Publication, *, to_state: str, actor) -> None:
    now = timezone.now()
    PublicationStateChange.objects.create(
        publication=publication,
        from_state=publication.state,
        to_state=to_state,
        changed_at=now,
        changed_by=actor,
    )
    publication.state = to_state
    publication.state_changed_at = now
    publication.state_changed_by = actor


def _pages_changed() -> None:
    transaction.on_commit(page_cache.content_changed)


@transaction.atomic
def publication_create(*, author, **fields) -> Publication:
    """A new draft, written by ``author``."""
    publication = Publication(created_by=author)
    topics, streets = _assign(publication, fields)
    publication.slug = _unique_slug(publication.title)
    publication.state_changed_at = timezone.now()
    publication.state_changed_by = author
    _save(publication, topics, streets)
    PublicationStateChange.objects.create(
        publication=publication,
        from_state="",
        to_state=Publication.State.DRAFT,
        changed_at=publication.state_changed_at,
        changed_by=author,
    )
    return publication


@transaction.atomic
def publication_update(*, publication: Publication, actor, **fields) -> Publication:
    """Change the texts or settings; a published publication shows the change at once."""
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    topics, streets = _assign(publication, fields)
    _save(publication, topics, streets)
    if publication.state == Publication.State.PUBLISHED:
        _pages_changed()
    return publication


def _locked(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


@transaction.atomic
def publication_submit(*, publication: Publication, actor) -> Publication:
    """A draft is ready for review by someone who may publish it."""
    publication = _locked(publication)
    if publication.state != Publication.State.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    publication_check(publication)
    _state_change(publication, to_state=Publication.State.REVIEW, actor=actor)
    publication.save()
    return publication


@transaction.atomic
def publication_to_draft(*, publication: Publication, actor) -> Publication:
    """Back to draft: from review (it needs more work) or withdrawn (to use it again)."""
    publication = _locked(publication)
    if publication.state not in (Publication.State.REVIEW, Publication.State.WITHDRAWN):
        raise ValidationError(_("Only a publication under review or withdrawn goes back to draft."))
    _state_change(publication, to_state=Publication.State.DRAFT, actor=actor)
    publication.save()
    return publication


@transaction.atomic
def publication_publish(
    *, publication: Publication, actor, publish_at: datetime.datetime | None = None
) -> Publication:
    """Publish now, or from ``publish_at`` (or the publication's own ``publish_at``)
    when that lies ahead. Needs :data:`PUBLISH_PERMISSION`."""
    if not actor.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("You may not publish."))
    publication = _locked(publication)
    if publication.state not in (Publication.State.DRAFT, Publication.State.REVIEW):
        raise ValidationError(_("Only a draft or a publication under review can be published."))
    now = timezone.now()
    start = publish_at or publication.publish_at
    publication.publish_at = start if start and start > now else now
    publication_check(publication)
    if publication.expires_at and publication.expires_at <= now:
        raise ValidationError(
            {"expires_at": _("This publication's end of publication has passed.")}
        )
    _state_change(publication, to_state=Publication.State.PUBLISHED, actor=actor)
    publication.save()
    events.publication_published.send_on_commit(
        subject_id=publication.pk,
        publication=publication.pk,
        slug=publication.slug,
        kind=publication.kind,
        urgent=publication.urgent,
        scheduled=publication.publish_at > now,
    )
    _pages_changed()
    return publication


@transaction.atomic
def publication_withdraw(*, publication: Publication, actor) -> Publication:
    """Take a published publication off the website and the feeds: it answers 410 Gone."""
    if not actor.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("You may not withdraw publications."))
    publication = _locked(publication)
    if publication.state != Publication.State.PUBLISHED:
        raise ValidationError(_("Only a published publication can be withdrawn."))
    _state_change(publication, to_state=Publication.State.WITHDRAWN, actor=actor)
    publication.save()
    events.publication_withdrawn.send_on_commit(
        subject_id=publication.pk,
        publication=publication.pk,
        slug=publication.slug,
        kind=publication.kind,
    )
    _pages_changed()
    return publication
