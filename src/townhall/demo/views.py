"""Demo-only pages: the mailbox of e-mail and the SMS the demo sent, and the fake
association register's API."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from townhall.demo.association_register import DemoRegister
from townhall.demo.fake_verenigingsregister import FakeVerenigingsregister
from townhall.demo.mailbox import mailbox_message, mailbox_messages
from townhall.messaging.sms import captured_sms


def mailbox(request):
    return render(request, "demo/mailbox.html", {"messages_sent": mailbox_messages()})


def mailbox_detail(request, name):
    message = mailbox_message(name)
    if message is None:
        raise Http404
    return render(request, "demo/mailbox_detail.html", {"message": message})


def sms(request):
    return render(request, "demo/sms.html", {"sms_sent": captured_sms()})


@require_GET
def verenigingsregister(request, path):
    """The fake association register's public API (``refresh_associations`` in the demo)."""
    fake = FakeVerenigingsregister(DemoRegister())
    status, content_type, body = fake.answer(f"/{path}", request.headers)
    return HttpResponse(body, status=status, content_type=content_type)
