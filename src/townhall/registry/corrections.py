"""Correction requests: "this is not right" about an item of a person's own data.

1. On My data the person (or someone with a mandate for everything) presses
   "This is not right" beside an item and writes what is wrong.
2. :func:`correction_request_create` finds the item again by its key among
   that person's own items only, keeps a snapshot of the value as shown (the
   national number masked), and refuses a second open request for the item.
3. The department the request is routed to (citizens' affairs) sees it in the
   admin, scoped by :func:`correction_requests_for` (and the open ones' number
   on the back-office start page), corrects the register where needed and marks
   the request handled with :func:`correction_request_handle`. An item the
   municipality keeps itself (:data:`TYPED_ITEMS`: the contact details and the
   language of our messages) is corrected on the case itself: staff type the
   right value and :func:`correction_request_apply` changes it through
   ``person_update`` and marks the request handled. The rest comes from the
   authentic sources: the population service corrects it in the national
   register, and it comes back with the next import.
4. My data shows "reported on <date>, being handled" beside the item until then.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from townhall.languages import NAMES
from townhall.municipality.scoping import for_department
from townhall.registry import provenance
from townhall.registry.events import correction_requested
from townhall.registry.history import history_context, history_correction_reason
from townhall.registry.models import CorrectionRequest, Person
from townhall.registry.models.corrections import REMARK_MAX_LENGTH
from townhall.registry.person_fields import PERSON_FIELDS
from townhall.registry.person_items import item_for  # the item as My data shows it
from townhall.registry.services import person_update

__all__ = [
    "REMARK_MAX_LENGTH",
    "CorrectionRequest",
    "correction_request_apply",
    "correction_request_create",
    "correction_request_handle",
    "open_correction_count",
]


@transaction.atomic
def correction_request_create(
    *, person: Person, item_key: str, remark: str, reported_by
) -> CorrectionRequest:
    """Register that ``person`` reports the item ``item_key`` of their own data as wrong;
    ``correction_requested`` goes out after the commit."""
    item = item_for(person, item_key)
    if item is None or not item.correctable:
        raise ValidationError({"item_key": _("This item is not part of your data.")})
    remark = (remark or "").strip()
    if not remark:
        raise ValidationError({"remark": _("Tell us what is not right.")})
    if len(remark) > REMARK_MAX_LENGTH:
        raise ValidationError(
            {"remark": _("Keep it under %(n)d characters.") % {"n": REMARK_MAX_LENGTH}}
        )
    earlier = (
        CorrectionRequest.objects.select_for_update()
        .filter(person=person, item_key=item_key, status=CorrectionRequest.Status.OPEN)
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            {
                "remark": _("You reported this on %(date)s; we are handling it.")
                % {"date": formats.date_format(timezone.localtime(earlier.created_at))}
            }
        )
    correction = CorrectionRequest.objects.create(
        person=person,
        item_key=item_key,
        item_label=str(item.label)[:100],
        current_value=item.value,
        remark=remark,
        reported_by=reported_by,
    )
    correction_requested.send_on_commit(
        subject_id=correction.pk,
        correction_request=correction.pk,
        person=person.pk,
        item_key=item_key,
        department=correction.department_code,
    )
    return correction


@transaction.atomic
def correction_request_handle(
    *, correction: CorrectionRequest, actor, note: str = ""
) -> CorrectionRequest:
    """Mark a correction request handled, by ``actor`` (a staff member of citizens' affairs)."""
    if not correction.is_open:
        raise ValidationError({"status": _("This request has already been handled.")})
    correction.status = CorrectionRequest.Status.HANDLED
    correction.handled_by = actor
    correction.handled_at = timezone.now()
    correction.handling_note = (note or correction.handling_note).strip()
    correction.save(update_fields=["status", "handled_by", "handled_at", "handling_note"])
    return correction


# The items the municipality keeps itself: what staff set from the counter, not
# what an authentic source delivers (provenance.STAFF_SOURCE_OF_GROUP).
TYPED_ITEMS = tuple(
    field.name
    for field in PERSON_FIELDS
    if field.group
    and provenance.STAFF_SOURCE_OF_GROUP.get(field.group, provenance.Source.POPULATION_REGISTER)
    != provenance.Source.POPULATION_REGISTER
)


def correction_typed_item(correction: CorrectionRequest | None) -> str | None:
    """The field staff type the corrected value of, or None for an authentic source's item."""
    if correction is None or correction.item_key not in TYPED_ITEMS:
        return None
    return correction.item_key


def correction_value_shown(item_key: str, value: str) -> str:
    """A value of a typed item as a person reads it ("none" for an empty one)."""
    if item_key == "language":
        value = str(NAMES.get(value, value))
    return value or _("none")


@transaction.atomic
def correction_request_apply(
    *, correction: CorrectionRequest, item_key: str, value: str, actor, reference: str
) -> tuple[str, str]:
    """Correct the item ``item_key`` of the request to ``value`` through ``person_update``
    (the source: staff, in the case ``reference``) and mark the request handled; the old
    and the new value. Nothing changes when the value is not valid (the error is under
    ``corrected``) or the key is not the request's typed item."""
    if not correction.is_open:
        raise ValidationError({"status": _("This request has already been handled.")})
    if item_key != correction.item_key or item_key not in TYPED_ITEMS:
        raise ValidationError({"item_key": _("This item cannot be corrected here.")})
    person = Person.objects.select_for_update().get(pk=correction.person_id)
    old = getattr(person, item_key)
    try:
        # The register's history names the case the correction was granted in.
        with history_context(reason=history_correction_reason(reference)):
            person_update(
                person=person,
                changes={item_key: (value or "").strip()},
                actor=actor,
                source=provenance.BY_STAFF,
                detail=f"{provenance.CHANGED_BY_STAFF} ({reference})",
            )
    except ValidationError as invalid:
        errors = invalid.message_dict.get(item_key) if hasattr(invalid, "error_dict") else None
        raise ValidationError({"corrected": errors or invalid.messages}) from invalid
    new = getattr(person, item_key)
    note = _("%(item)s: “%(old)s” → “%(new)s”") % {
        "item": correction.item_label,
        "old": correction_value_shown(item_key, old),
        "new": correction_value_shown(item_key, new),
    }
    correction_request_handle(correction=correction, actor=actor, note=note)
    return old, new


def open_correction_count(*, department_code: str = "citizens_affairs") -> int:
    """How many correction requests wait for ``department_code``."""
    return CorrectionRequest.objects.filter(
        status=CorrectionRequest.Status.OPEN, department_code=department_code
    ).count()


def correction_requests_for(*, user):
    """The correction requests ``user`` may see in the staff lists: their own
    department's (:func:`~townhall.municipality.scoping.for_department`)."""
    return for_department(CorrectionRequest.objects.all(), user=user, field="department_code")


def open_correction_count_for(*, user) -> int:
    """How many correction requests wait for ``user``'s department (one COUNT on the
    ``status, department_code`` index, cheap enough for every back-office page)."""
    return correction_requests_for(user=user).filter(status=CorrectionRequest.Status.OPEN).count()
