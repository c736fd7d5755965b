"""My page: the signed-in person's start page, and the data of the organisation they act for.

My page offers only what the person can do with this sign-in, for whom they act now:

- an e-mail account (low assurance) sees no page that would ask for eID at once,
  but what needs eID or itsme and why, and the way to sign in with it;
- someone who is not in this municipality's population register (a visitor)
  reads that the municipality holds no data, messages or mandates for them here;
- acting for an organisation shows the organisation's own register data;
- acting with a mandate shows what the mandate covers, and says what it does not.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from townhall.accounts import oidc
from townhall.accounts.acting import acting_options
from townhall.accounts.assisted import assisted_session_active
from townhall.accounts.assurance import Assurance, assurance_required, session_assurance
from townhall.accounts.models import Mandate
from townhall.accounts.services import activity_record_for_request
from townhall.eforms.drafts import DRAFT_LIFETIME
from townhall.portal.my_drafts import unfinished_requests
from townhall.registry.organisation_items import organisation_items

# The cards of My page about a person's affairs: the scope a mandate needs to open
# each, and what it is in words when a mandate does not cover it.
MANDATE_CARDS = (
    (Mandate.Scope.PERSONAL_DATA, "data", gettext_lazy("seeing their data")),
    (Mandate.Scope.ALL, "contact", gettext_lazy("changing their contact details")),
    (Mandate.Scope.MESSAGES, "messages", gettext_lazy("reading their messages")),
)


@login_required
def my_page(request):
    """What the person can do here, for whom they act, and how they signed in."""
    person = request.user.person
    acting = request.acting
    assurance = session_assurance(request)
    high = assurance >= Assurance.HIGH
    cards = set()
    if high and person is not None and acting.for_organisation is None:
        cards = {card for scope, card, _what in MANDATE_CARDS if acting.allows(scope)}
        if acting.is_self:
            cards.add("mandates")
    return render(
        request,
        "portal/my_page.html",
        {
            "person": person,
            # At the counter staff act only for the resident in front of them.
            "options": acting_options(person)
            if person and not assisted_session_active(request)
            else None,
            "assurance": assurance,
            "high": high,
            "cards": cards,
            "not_covered": [
                what
                for scope, _card, what in MANDATE_CARDS
                if high and acting.mandate is not None and not acting.allows(scope)
            ],
            "eid_available": oidc.provider_config() is not None,
            "unfinished": unfinished_requests(request.user),
            "unfinished_days": DRAFT_LIFETIME.days,
        },
    )


@assurance_required(Assurance.HIGH)
@require_GET
def my_organisation(request):
    """The register's data of the organisation the person acts for, each with its source."""
    organisation = request.acting.for_organisation
    if organisation is None:
        return render(request, "portal/my_organisation_unavailable.html")
    items = organisation_items(organisation)
    activity_record_for_request(request, "organisation_data.viewed")
    response = render(
        request,
        "portal/my_organisation.html",
        {
            "organisation": organisation,
            "items": items,
            "representation": request.acting.representation,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
