"""Case handling tells the tracking page how far a submission is
(:mod:`townhall.eforms.tracking`): the status of its case, in plain language."""

from townhall.cases.models import Case
from townhall.eforms.tracking import SubmissionStatusProvider, status_providers


@status_providers("cases")
class CaseStatus(SubmissionStatusProvider):
    """A submission's status is its case's; None while it has no case yet. One query."""

    def status_for(self, submission) -> str | None:
        status = Case.objects.filter(submission=submission).values_list("status", flat=True).first()
        label = dict(Case.Status.choices).get(status)
        return str(label) if label is not None else None
