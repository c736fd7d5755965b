"""The public pages of subscriptions: subscribe by e-mail or SMS, confirm, unsubscribe.

1. The subscribe forms count each valid request once per client address and once
   per e-mail address or mobile number (:data:`PER_CLIENT`, :data:`PER_ADDRESS`);
   over a limit nothing is written or sent and the page says how long to wait
   (HTTP 429). The counts are the same whether the address was subscribed or not.
2. After the form the answer is the same for every address: "we sent a link" or
   "type the code we sent". Nothing on the page or in its timing depends on
   whether the address was known (every request writes a pending subscription).
3. A confirmation link shows a page with one button (mail scanners follow links;
   only the POST confirms). An altered link answers 400, an expired or removed
   one 410, each with a way to start again.
4. The unsubscribe link (RFC 8058): a mail program's POST with
   ``List-Unsubscribe=One-Click`` unsubscribes without a page; a person sees what
   they unsubscribe from and one button. A second time gives the same calm answer.
"""

import logging

from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from townhall.accounts.rate_limits import RateLimit, RateLimitExceeded, rate_limits_hit
from townhall.accounts.throttling import client_ip_address
from townhall.messaging.errors import MessagingError
from townhall.news.models import ConsentRecord, Subscription, SubscriptionChannel
from townhall.news.subscription_forms import (
    CONFIRM_WORDING,
    UNSUBSCRIBE_WORDING,
    CodeForm,
    EmailSubscriptionForm,
    SmsSubscriptionForm,
)
from townhall.news.subscription_messages import (
    CODE_LIFETIME,
    CONFIRM_MAX_AGE,
    confirm_token_uuid,
    unsubscribe_token_uuid,
)
from townhall.news.subscription_selectors import subscription_by_uuid
from townhall.news.subscriptions import (
    CodeResult,
    subscription_code_check,
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
)

logger = logging.getLogger(__name__)
PER_CLIENT = RateLimit("news-subscribe-client", limit=10, window=3600)
PER_ADDRESS = RateLimit("news-subscribe-address", limit=3, window=3600)
PENDING_SMS_KEY = "news_subscription_sms_pending"


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _too_many(request, error: RateLimitExceeded):
    return _no_store(
        render(
            request,
            "news/subscriptions/too_many.html",
            {"minutes": error.minutes},
            status=429,
        )
    )


def _subscribe(request, form_class, channel: str, template: str):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email" if channel == SubscriptionChannel.EMAIL else "mobile"]
        try:
            rate_limits_hit(
                (PER_CLIENT, client_ip_address(request) or "unknown"),
                (PER_ADDRESS, f"{channel}:{address}"),
            )
        except RateLimitExceeded as error:
            return _too_many(request, error)
        try:
            subscription = subscription_request(
                channel=channel,
                address=address,
                choices=form.choices(),
                language=get_language(),
                wording=form.wording(),
            )
        except MessagingError:
            # Its template is not checked for use: nothing was kept, and the form stays.
            logger.error("A subscription's confirmation template is not checked for use")
            context = {"form": form, "unavailable": True}
            return _no_store(render(request, template, context, status=503))
        if channel == SubscriptionChannel.SMS:
            request.session[PENDING_SMS_KEY] = str(subscription.uuid)
            return redirect("news_subscriptions:code")
        return redirect("news_subscriptions:sent")
    status = 400 if form.errors else 200
    return _no_store(render(request, template, {"form": form}, status=status))


@require_http_methods(["GET", "POST"])
def subscribe_email(request):
    return _subscribe(
        request, EmailSubscriptionForm, SubscriptionChannel.EMAIL, "news/subscriptions/email.html"
    )


@require_http_methods(["GET", "POST"])
def subscribe_sms(request):
    return _subscribe(
        request, SmsSubscriptionForm, SubscriptionChannel.SMS, "news/subscriptions/sms.html"
    )


def sent(request):
    return render(request, "news/subscriptions/sent.html", {"days": CONFIRM_MAX_AGE.days})


def _start_again(request, reason: str, status: int):
    return _no_store(
        render(request, "news/subscriptions/start_again.html", {"reason": reason}, status=status)
    )


@require_http_methods(["GET", "POST"])
def code(request):
    """Type the code sent by SMS; five wrong tries end it (start again)."""
    pending = request.session.get(PENDING_SMS_KEY)
    subscription = subscription_by_uuid(pending) if pending else None
    if subscription is None or subscription.state == Subscription.State.UNSUBSCRIBED:
        return _start_again(request, "no_code", status=400)
    if subscription.state == Subscription.State.ACTIVE:
        request.session.pop(PENDING_SMS_KEY, None)
        return _no_store(render(request, "news/subscriptions/confirmed.html"))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result, left = subscription_code_check(
            subscription=subscription,
            code=form.cleaned_data["code"],
            wording=str(CONFIRM_WORDING),
            language=get_language(),
        )
        if result == CodeResult.CONFIRMED:
            request.session.pop(PENDING_SMS_KEY, None)
            return _no_store(render(request, "news/subscriptions/confirmed.html"))
        if result == CodeResult.EXPIRED:
            return _start_again(request, "code_expired", status=410)
        if result == CodeResult.LOCKED:
            request.session.pop(PENDING_SMS_KEY, None)
            return _start_again(request, "too_many_codes", status=400)
        form.add_error("code", _wrong_code(left))
        status = 400
    elif form.errors:
        status = 400
    context = {"form": form, "minutes": int(CODE_LIFETIME.total_seconds() // 60)}
    return _no_store(render(request, "news/subscriptions/code.html", context, status=status))


def _wrong_code(left: int) -> str:
    return ngettext(
        "This code is not right. You have %(left)d more try.",
        "This code is not right. You have %(left)d more tries.",
        left,
    ) % {"left": left}


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The confirmation link: a page with one button; the POST confirms."""
    try:
        value = confirm_token_uuid(token)
    except signing.SignatureExpired:
        return _start_again(request, "link_expired", status=410)
    except signing.BadSignature:
        return _start_again(request, "link_invalid", status=400)
    subscription = subscription_by_uuid(value)
    if subscription is None or subscription.state == Subscription.State.UNSUBSCRIBED:
        return _start_again(request, "link_expired", status=410)
    if subscription.state == Subscription.State.ACTIVE:
        return _no_store(render(request, "news/subscriptions/confirmed.html"))
    if request.method == "POST":
        subscription_confirm(
            subscription=subscription, wording=str(CONFIRM_WORDING), language=get_language()
        )
        return _no_store(render(request, "news/subscriptions/confirmed.html"))
    return _no_store(
        render(
            request,
            "news/subscriptions/confirm.html",
            {"subscription": subscription, "wording": CONFIRM_WORDING},
        )
    )


@csrf_exempt  # RFC 8058: the mail program posts without a session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    value = unsubscribe_token_uuid(token)
    if value is None:
        return _start_again(request, "unsubscribe_invalid", status=400)
    subscription = subscription_by_uuid(value)
    if request.method == "POST":
        if subscription is not None:
            subscription_unsubscribe(
                subscription=subscription,
                via=ConsentRecord.Via.UNSUBSCRIBE_LINK,
                wording=str(UNSUBSCRIBE_WORDING),
                language=get_language(),
            )
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return _no_store(render(request, "news/subscriptions/unsubscribed.html"))
    if subscription is None or subscription.state == Subscription.State.UNSUBSCRIBED:
        return _no_store(render(request, "news/subscriptions/unsubscribed.html"))
    return _no_store(
        render(
            request,
            "news/subscriptions/unsubscribe.html",
            {"subscription": subscription, "token": token, "wording": UNSUBSCRIBE_WORDING},
        )
    )
