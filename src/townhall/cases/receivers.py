"""What case handling does when a lower app tells it something.

Connected by :meth:`CasesConfig.ready`; each runs after the sender's commit, in
its own durable transaction (the services themselves are plain atomic blocks, so
that the demo seed and other services can compose them).
"""

from django.db import transaction
from django.dispatch import receiver

from townhall.cases.services import case_open_for_correction, case_open_for_submission
from townhall.eforms.events import submission_received
from townhall.events import Event
from townhall.registry.events import correction_requested


@receiver(submission_received, dispatch_uid="townhall.cases.submission_received")
def case_for_submission(sender, event: Event, **kwargs) -> None:
    """Every submission of the online counter becomes a case."""
    with transaction.atomic(durable=True):
        case_open_for_submission(submission_id=event.data["submission"])


@receiver(correction_requested, dispatch_uid="townhall.cases.correction_requested")
def case_for_correction(sender, event: Event, **kwargs) -> None:
    """A resident's "this is not right" becomes a case for citizens' affairs."""
    with transaction.atomic(durable=True):
        case_open_for_correction(correction_request_id=event.data["correction_request"])
