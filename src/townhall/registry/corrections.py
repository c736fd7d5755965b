"""Correction requests: "this is not right" about an item of a person's own data.

1. On My data the person (or someone with a mandate for everything) presses
   "This is not right" beside an item and writes what is wrong.
2. :func:`correction_request_create` finds the item again by its key among
   that person's own items only, keeps a snapshot of the value as shown (the
   national number masked), and refuses a second open request for the item.
3. The department the request is routed to (citizens' affairs) sees it in the
   admin, scoped by :func:`correction_requests_for` (and the open ones' number
   on the back-office start page), corrects the register where needed and marks
   the request handled with :func:`correction_request_handle`.
4. My data shows "reported on <date>, being handled" beside the item until then.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from townhall.municipality.scoping import for_department
from townhall.registry.events import correction_requested
from townhall.registry.models import CorrectionRequest, Person
from townhall.registry.models.corrections import REMARK_MAX_LENGTH
from townhall.registry.person_items import item_for  # the item as My data shows it

__all__ = [
    "REMARK_MAX_LENGTH",
    "CorrectionRequest",
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
