"""Reads of the courses app."""

from django.db.models import Q

from townhall.courses.codes import code_hash
from townhall.courses.models import Registration


def waiting_position(registration: Registration) -> int | None:
    """Where ``registration`` stands on its session's waiting list (1 is next), or
    None when it is not waiting."""
    if registration.state != Registration.State.WAITING:
        return None
    ahead = Registration.objects.filter(
        session_id=registration.session_id, state=Registration.State.WAITING
    ).filter(
        Q(waiting_since__lt=registration.waiting_since)
        | Q(waiting_since=registration.waiting_since, id__lt=registration.pk)
    )
    return ahead.count() + 1


def registration_by_code(code: str) -> Registration | None:
    """The registration whose cancellation code is ``code``, or None."""
    if not code.strip():
        return None
    return (
        Registration.objects.select_related("session__course", "person")
        .filter(code_hash=code_hash(code))
        .first()
    )
