"""Demo-only pages: the mailbox of e-mail and the SMS the demo sent, the posts on the
fake Mastodon server, and the fake APIs (association register, Mastodon)."""

from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from townhall.demo.association_register import DemoRegister
from townhall.demo.fake_mastodon import FakeMastodon
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


def _fake_mastodon() -> FakeMastodon:
    """The demo's fake Mastodon server, its statuses kept in a file under var/."""
    return FakeMastodon(
        web_url=settings.TOWNHALL_PUBLIC_URL + reverse("demo:mastodon"),
        state_file=Path(settings.VAR_DIR) / "demo-mastodon" / "statuses.json",
    )


@require_GET
def mastodon(request):
    """What the demo posted on its fake Mastodon server, newest first."""
    return render(request, "demo/mastodon.html", {"statuses": _fake_mastodon().statuses_posted()})


@csrf_exempt  # an API called with a bearer token, as Mastodon's is; no cookies
@require_http_methods(["GET", "POST"])
def mastodon_api(request, path):
    """The fake Mastodon server's API (the demo's ``mastodon`` account posts here)."""
    headers, body = dict(request.headers), request.body
    if request.content_type == "multipart/form-data":
        # Mastodon takes multipart forms too; the fake reads url-encoded ones.
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(request.POST).encode()
    status, content_type, body, extra = _fake_mastodon().answer(
        request.method, f"/api/v1/{path}", headers, body
    )
    response = HttpResponse(body, status=status, content_type=content_type)
    for name, value in extra.items():
        response[name] = value
    return response
