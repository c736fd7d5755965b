"""Whose submissions a request may see: the one rule the confirmation page, the
receipt, the tracking page and Mijn zaken share.

1. A signed-in user sees what they handed in themselves.
2. A browser sees the anonymous submissions it handed in (their uuids are in
   its session, :data:`HANDED_IN_SESSION_KEY`).
3. Signed in with eID or itsme (high assurance), a person also sees the
   submissions made for the one they act for now (``request.acting``): for
   themselves, for an organisation they represent, or for a mandate's
   grantor when the mandate covers "submit and follow applications",
   whoever handed them in. An e-mail account (low assurance) proves no one's
   identity, so it sees only the first two.
"""

from townhall.accounts.assurance import Assurance, session_assurance
from townhall.accounts.models import Mandate

# The submissions this browser handed in (their uuids, the last ten), and the tracking
# code of an anonymous one, shown on its confirmation page for as long as the session lasts.
HANDED_IN_SESSION_KEY = "townhall_eforms_handed_in"
TRACKING_SESSION_KEY = "townhall_eforms_tracking"


def submission_viewer(request) -> dict:
    """The keyword arguments of :func:`~townhall.eforms.selectors.submission_for_viewer`
    and :func:`~townhall.eforms.selectors.submissions_visible` for this request."""
    user = request.user if request.user.is_authenticated else None
    viewer = {"user": user, "handed_in": request.session.get(HANDED_IN_SESSION_KEY, [])}
    acting = getattr(request, "acting", None)
    if user is None or acting is None or session_assurance(request) < Assurance.HIGH:
        return viewer
    if acting.for_organisation is not None:
        viewer["organisation"] = acting.for_organisation
    elif acting.subject_person is not None and acting.allows(Mandate.Scope.CASES):
        viewer["person"] = acting.subject_person
    return viewer


def tracking_code_kept(request, submission) -> str:
    """The tracking code (as shown) this session keeps for ``submission``, or ""."""
    return request.session.get(TRACKING_SESSION_KEY, {}).get(str(submission.uuid), "")
