"""Demo-only pages: the mailbox of e-mail the demo sent."""

from django.http import Http404
from django.shortcuts import render

from townhall.demo.mailbox import mailbox_message, mailbox_messages


def mailbox(request):
    return render(request, "demo/mailbox.html", {"messages_sent": mailbox_messages()})


def mailbox_detail(request, name):
    message = mailbox_message(name)
    if message is None:
        raise Http404
    return render(request, "demo/mailbox_detail.html", {"message": message})
