"""The cases app's domain events (see :mod:`townhall.events`).

Sent after the commit of the change; data are ids and codes, never texts.
"""

from townhall.events import DomainEvent

# A case was opened for a submission or a correction request.
case_opened = DomainEvent(
    "be.townhall.cases.case.opened",
    subject="case",
    data=["case", "reference", "product", "department", "person", "organisation"],
)

# A case's status changed (``previous`` is the status before); ``correction`` is
# True when staff corrected a status set by mistake rather than the case moving on.
case_status_changed = DomainEvent(
    "be.townhall.cases.case.status_changed",
    subject="case",
    data=["case", "status", "previous", "department", "product", "correction"],
)
