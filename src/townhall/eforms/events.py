"""The forms app's domain events (see :mod:`townhall.events`).

Case handling reacts to a submission: it opens a case for it. The data are ids
and codes; the answers stay in the submission, read by whoever may read them.
"""

from townhall.events import DomainEvent

# A form was handed in at the online counter: ``submission_create``. ``form`` is the
# form's slug, ``product`` the catalogue product's slug ("" when the form names none),
# ``person`` and ``organisation`` the register ids of its subject (None when anonymous),
# ``anonymous`` whether it is followed with a tracking code, ``assisted`` whether staff
# filled it in with the resident.
submission_received = DomainEvent(
    "be.townhall.eforms.submission.received",
    subject="submission",
    data=[
        "submission",
        "reference",
        "form",
        "version",
        "product",
        "person",
        "organisation",
        "anonymous",
        "assisted",
    ],
)
