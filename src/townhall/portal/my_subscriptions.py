"""My page: a signed-in resident's news and alert subscriptions (once-only).

1. The channels offered are those the register holds an address for: the
   e-mail address and mobile number on the contact preferences. The resident
   never types them here; a new address there is used from then on.
2. Saving subscribes at once (no link or code: the address is the one the
   resident gave the municipality), replacing the active subscription on that
   channel, with the consent recorded (:func:`~townhall.news.subscriptions.my_subscription_save`).
3. "Everything about my street" is a flag read with the domicile when a
   publication goes out, so it follows a move.
4. Only the resident themselves changes it; someone acting with a mandate or at
   the counter sees it (their look is logged as on My data) but changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.accounts.assisted import assisted_session_active
from townhall.accounts.assurance import Assurance, assurance_required
from townhall.accounts.models import Mandate
from townhall.accounts.services import activity_record_for_request
from townhall.news.models import ConsentRecord, SubscriptionChannel
from townhall.news.subscription_forms import UNSUBSCRIBE_WORDING, MySubscriptionForm
from townhall.news.subscription_selectors import subscriptions_of_person
from townhall.news.subscriptions import (
    my_subscription_save,
    register_address,
    subscription_unsubscribe,
)
from townhall.portal.my_data import person_for


def _may_change(request) -> bool:
    return request.acting.is_self and not assisted_session_active(request)


@assurance_required(Assurance.HIGH)
def my_subscriptions(request):
    person, refusal = person_for(request, Mandate.Scope.ALL)
    if refusal:
        return refusal
    addresses = {channel: register_address(person, channel) for channel in SubscriptionChannel}
    may_change = _may_change(request)
    form = MySubscriptionForm(request.POST or None, addresses=addresses)
    status = 200
    if request.method == "POST" and may_change:
        if form.is_valid():
            try:
                my_subscription_save(
                    person=person,
                    channel=form.cleaned_data["channel"],
                    choices=form.choices(),
                    wording=form.wording(),
                    language=get_language(),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                activity_record_for_request(request, "news_subscription.saved")
                messages.success(request, _("Your subscription is saved."))
                return redirect("portal:my_subscriptions")
        status = 400
    context = {
        "form": form,
        "subscriptions": subscriptions_of_person(person),
        "may_change": may_change,
        "has_address": any(addresses.values()),
        "has_domicile": person.domicile_id is not None,
    }
    response = render(request, "portal/my_subscriptions.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@assurance_required(Assurance.HIGH)
@require_POST
def my_subscription_stop(request, subscription_uuid):
    person, refusal = person_for(request, Mandate.Scope.ALL)
    if refusal:
        return refusal
    if _may_change(request):
        found = next(
            (s for s in subscriptions_of_person(person) if s.uuid == subscription_uuid), None
        )
        if found is not None:
            subscription_unsubscribe(
                subscription=found,
                via=ConsentRecord.Via.MY_PAGE,
                wording=str(UNSUBSCRIBE_WORDING),
                language=get_language(),
            )
            activity_record_for_request(request, "news_subscription.stopped")
        messages.success(request, _("You are unsubscribed."))
    return redirect("portal:my_subscriptions")
