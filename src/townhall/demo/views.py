"""Demo-only pages: the mailbox of e-mail and the SMS the demo sent."""

from django.http import Http404
from django.shortcuts import render

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
