"""The workflow action ``generate_document``: a case's service task issues a sealed document.

Registered in case handling's action registry (:mod:`townhall.cases.actions`) by
:meth:`DocumentsConfig.ready`; documents sits above cases, so it may import them.

1. Parameters: ``kind`` (a code of :mod:`townhall.documents.kinds`, checked on
   upload; without it, the kind the case's product issues automatically) and
   ``failure``: ``refuse`` (the default) or ``continue``.
2. It issues the document through :func:`townhall.documents.services.document_issue`
   inside the case's transaction, for the applicant, in the case's language,
   attaches it to the case (``IssuedDocument.case``) and writes a public
   "document" line on the timeline.
3. A case that has a document of that kind already (not revoked) gets no second
   one: the task is done (a double submit, a step run again).
4. When nothing can be issued: with ``failure=refuse`` the step that led here is
   refused with the reason (a staff member's button: nothing changes, the
   reason is shown); with ``failure=continue`` the reason goes on the timeline,
   the task data's ``document`` says ``not_issued`` and the model's gateway
   decides what follows (straight through: hand the case to citizens' affairs).
   On success ``document`` is ``issued``. The task data get only these codes:
   the engine's state is not encrypted.
5. The request must be the holder's own, or made with a mandate in force that
   covers certificates (``Mandate.Scope.CERTIFICATES`` or ``ALL``), for a kind
   that certifies register data.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.accounts.models import Mandate
from townhall.cases.actions import CaseAction
from townhall.cases.actions import register as actions
from townhall.cases.models import CaseEvent
from townhall.cases.timeline import event_add
from townhall.documents.kinds import CASE
from townhall.documents.kinds import register as kinds
from townhall.documents.services import DocumentRefused, document_issue

ISSUED, NOT_ISSUED = "issued", "not_issued"
REFUSE, CONTINUE = "refuse", "continue"


def _mandate_problem(case, kind) -> str:
    """Why the request of ``case`` may not have ``kind`` issued for its applicant, or ""."""
    if CASE in kind.needs:  # a case's own decision or permit: the case decides
        return ""
    submission = case.submission
    user = case.handed_in_by
    if submission is None or user is None or case.applicant_person_id is None:
        return ""
    if user.person_id == case.applicant_person_id:
        return ""
    covering = Mandate.objects.current().filter(
        grantor_id=case.applicant_person_id,
        grantee_id=user.person_id,
        scope__in=(Mandate.Scope.ALL, Mandate.Scope.CERTIFICATES),
    )
    if user.person_id is None or not covering.exists():
        return _("The request was made for someone else without a mandate for certificates.")
    return ""


@actions("generate_document")
class GenerateDocument(CaseAction):
    label = gettext_lazy("Issue a sealed document (a certificate, a permit, a decision)")
    parameters = {"kind": None, "failure": (REFUSE, CONTINUE)}

    def problems(self, parameters):
        found = super().problems(parameters)
        kind = parameters.get("kind")
        if kind and kind not in kinds:
            found.append(
                _("The parameter kind of generate_document must be one of: %(kinds)s.")
                % {"kinds": ", ".join(kinds.identifiers())}
            )
        return found

    def _kind_code(self, run) -> str:
        code = run.parameters.get("kind") or ""
        if not code and run.case.product_id is not None:
            code = run.case.product.document_kind
        return code

    def run(self, run):
        case = run.case
        code = self._kind_code(run)
        if code and case.documents.filter(kind=code, revoked_at__isnull=True).exists():
            run.data["document"] = ISSUED
            return True
        try:
            if code not in kinds:
                raise DocumentRefused(_("The product names no kind of document to issue."))
            problem = _mandate_problem(case, kinds[code])
            if problem:
                raise DocumentRefused(problem)
            document, _code = document_issue(
                kind=code,
                holder=case.applicant_person,
                case=case,
                language=case.language,
                actor=run.actor,
                data=run.data,
            )
        except DocumentRefused as refused:
            return self._not_issued(run, str(refused))
        event_add(
            case,
            kind=CaseEvent.Kind.DOCUMENT,
            actor=run.actor,
            text=_("%(kind)s %(number)s issued")
            % {"kind": kinds[code].label, "number": document.number},
            public=True,
            data={"document": str(document.uuid), "kind": code, "number": document.number},
        )
        run.data["document"] = ISSUED
        return True

    def _not_issued(self, run, reason: str) -> bool:
        if (run.parameters.get("failure") or REFUSE) == REFUSE:
            raise ValidationError(_("No document was issued: %(reason)s") % {"reason": reason})
        event_add(
            run.case,
            kind=CaseEvent.Kind.DOCUMENT,
            actor=run.actor,
            text=_("The document could not be issued at once: %(reason)s") % {"reason": reason},
            public=True,
            data={"issued": False},
        )
        run.data["document"] = NOT_ISSUED
        return True
