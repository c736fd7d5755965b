"""Public messaging endpoints: unsubscribe links and SMS delivery receipts."""

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from townhall.messaging.errors import ForgedReceipt, MessagingError
from townhall.messaging.sms import UnknownGateway, sms_receipt_parse
from townhall.messaging.unsubscribe import message_for_token, message_unsubscribe
from townhall.messaging.webhooks import delivery_report_record


@csrf_exempt  # RFC 8058: the mail program posts without a session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    message = message_for_token(token)
    if message is None:
        return render(request, "messaging/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        message_unsubscribe(message=message)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(request, "messaging/unsubscribed.html", {"message": message})
    return render(request, "messaging/unsubscribe.html", {"message": message, "token": token})


@csrf_exempt  # the gateway signs its receipts; the signature is checked instead
@require_POST
def sms_receipt(request, gateway):
    try:
        report = sms_receipt_parse(
            gateway=gateway,
            body=request.body,
            headers=request.headers,
            url=request.build_absolute_uri(),
        )
    except UnknownGateway:
        raise Http404 from None
    except ForgedReceipt:
        return HttpResponseForbidden("Signature missing or wrong.")
    except MessagingError as error:
        return HttpResponseBadRequest(str(error))
    except ImproperlyConfigured:
        raise Http404 from None
    delivery_report_record(
        provider_reference=report.provider_reference,
        status=report.status,
        reason=report.reason,
        provider_prefix=f"sms:{report.gateway}",
    )
    return HttpResponse(status=204)
