"""News, events and alerts in the back office: the list, writing a publication, a
preview per channel, and its editorial flow.

1. The list (``news.view_publication``) is a keyset page, newest first, filtered
   by state and kind.
2. Writing (``news.add_publication`` for a new one, ``news.change_publication``
   to edit) goes through :mod:`townhall.news.services`; an alert's page shows its
   SMS text and length before publishing, with a warning when it needs more SMS
   parts than messaging allows.
3. The preview (``news.view_publication``) shows the saved publication as each
   channel carries it: the website page, the e-mail, the SMS, the social post,
   in the language chosen.
4. The flow (a POST to its own URL): submitting for review and back to draft need
   ``news.change_publication``; publishing and withdrawing need
   ``news.publish_publication`` (403 without it).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from townhall.accounts.roles import (
    ADD_PUBLICATION,
    EDIT_PUBLICATION,
    PUBLISH_PUBLICATION,
    VIEW_PUBLICATIONS,
)
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.backoffice.news_forms import PublicationForm
from townhall.languages import INTERFACE, NAMES
from townhall.messaging.errors import MessagingError
from townhall.messaging.social.configuration import account_codes
from townhall.messaging.social.services import social_preview
from townhall.news import channels, delivery_selectors, selectors, services
from townhall.news.models import Publication
from townhall.news.views import publication_page_context

CHANNELS = {
    "website": gettext_lazy("Website"),
    "email": gettext_lazy("E-mail"),
    "sms": gettext_lazy("SMS"),
    "social": gettext_lazy("Social media"),
}


def _language(request) -> str:
    chosen = request.GET.get("taal")
    if chosen in INTERFACE:
        return chosen
    return (translation.get_language() or INTERFACE[0])[:2]


def _public_url(request, publication: Publication) -> str:
    return request.build_absolute_uri(reverse("news:publication", args=[publication.slug]))


@staff_permission_required(VIEW_PUBLICATIONS)
def publication_list(request):
    state = request.GET.get("state", "")
    state = state if state in Publication.State.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Publication.Kind.values else ""
    page = selectors.staff_publications(params=request.GET, state=state, kind=kind)
    query = {name: value for name, value in (("state", state), ("kind", kind)) if value}

    def link(name, cursor):
        return f"?{urlencode({**query, name: cursor})}" if cursor else ""

    return render(
        request,
        "backoffice/news/list.html",
        {
            "page": page,
            "state": state,
            "kind": kind,
            "states": Publication.State.choices,
            "kinds": Publication.Kind.choices,
            "older_url": link("older", page.older),
            "newer_url": link("newer", page.newer),
            "may_add": request.user.has_perm(ADD_PUBLICATION),
            "may_edit": request.user.has_perm(EDIT_PUBLICATION),
        },
    )


def _form_page(request, form, publication=None):
    sms = None
    if publication is not None and publication.is_alert:
        sms = channels.sms_preview(publication, url=_public_url(request, publication))
    return render(
        request,
        "backoffice/news/edit.html",
        {
            "form": form,
            "publication": publication,
            "sms": sms,
            "history": selectors.state_history(publication) if publication else [],
            "may_publish": request.user.has_perm(PUBLISH_PUBLICATION),
        },
    )


@staff_permission_required(ADD_PUBLICATION)
def publication_new(request):
    if request.method == "POST":
        form = PublicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic(durable=True):
                    publication = services.publication_create(
                        author=request.user, **form.fields_for_service()
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("backoffice:news_publication", pk=publication.pk)
    else:
        kind = request.GET.get("kind")
        form = PublicationForm(
            initial={"kind": kind if kind in Publication.Kind.values else Publication.Kind.NEWS}
        )
    return _form_page(request, form)


def _publication_or_404(pk: int) -> Publication:
    publication = selectors.publication_for_staff(pk=pk)
    if publication is None:
        raise Http404("No such publication.")
    return publication


@staff_permission_required(EDIT_PUBLICATION)
def publication_edit(request, pk: int):
    publication = _publication_or_404(pk)
    if request.method == "POST":
        form = PublicationForm(request.POST, request.FILES, instance=publication)
        if form.is_valid():
            try:
                with transaction.atomic(durable=True):
                    services.publication_update(
                        publication=publication, actor=request.user, **form.fields_for_service()
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The publication is saved."))
                return redirect("backoffice:news_publication", pk=publication.pk)
    else:
        form = PublicationForm(instance=publication)
    return _form_page(request, form, publication)


@staff_permission_required(VIEW_PUBLICATIONS)
def publication_preview(request, pk: int):
    """The saved publication as each channel carries it, in the language chosen."""
    publication = _publication_or_404(pk)
    channel = request.GET.get("kanaal", "website")
    channel = channel if channel in CHANNELS else "website"
    language = _language(request)
    url = _public_url(request, publication)
    context = {
        "publication": publication,
        "channel": channel,
        "channels": [
            {
                "code": code,
                "label": label,
                "url": "?" + urlencode({"kanaal": code, "taal": language}),
            }
            for code, label in CHANNELS.items()
        ],
        "language": language,
        "languages": [
            {
                "code": code,
                "name": NAMES[code],
                "url": "?" + urlencode({"kanaal": channel, "taal": code}),
            }
            for code in INTERFACE
        ],
        "public_url": url,
        "may_publish": request.user.has_perm(PUBLISH_PUBLICATION),
        "may_edit": request.user.has_perm(EDIT_PUBLICATION),
        "sms": channels.sms_preview(publication, url=url),
    }
    if channel == "website":
        page = {**publication_page_context(publication, language), "level": 3}
        with translation.override(language):
            context["website"] = render_to_string("news/includes/publication_body.html", page)
        context["website_title"] = page["title"]
    elif channel == "email":
        context["email"] = channels.email_preview(publication, url=url, language=language)
    elif channel == "social":
        context["social"] = channels.social_preview(publication, url=url, language=language)
        context["social_accounts"] = _social_previews(context["social"], url)
    if channel in ("email", "sms"):
        context["audience"] = delivery_selectors.publication_audience_count(publication=publication)
    return render(request, "backoffice/news/preview.html", context)


def _social_previews(text: str, url: str) -> list:
    """Each configured account's post and its length as that network counts it."""
    words = text.removesuffix(f"\n\n{url}")
    found = []
    for account in account_codes():
        try:
            found.append(social_preview(account=account, text=words, link=url))
        except MessagingError:
            continue  # an account misconfigured: the social pages say so
    return found


@staff_permission_required(VIEW_PUBLICATIONS)
def publication_reach(request, pk: int):
    """Per channel and social account, how many of the publication's messages are
    queued, sent, delivered and failed; the page refreshes while it goes out."""
    publication = _publication_or_404(pk)
    reach = delivery_selectors.publication_reach(publication=publication)
    return render(
        request,
        "backoffice/news/reach.html",
        {
            "publication": publication,
            "reach": reach,
            "may_edit": request.user.has_perm(EDIT_PUBLICATION),
        },
    )


ACTIONS = {
    "submit": (
        EDIT_PUBLICATION,
        services.publication_submit,
        gettext_lazy("The publication is ready for review."),
    ),
    "to_draft": (
        EDIT_PUBLICATION,
        services.publication_to_draft,
        gettext_lazy("The publication is a draft again."),
    ),
    "publish": (
        PUBLISH_PUBLICATION,
        services.publication_publish,
        gettext_lazy("The publication is published."),
    ),
    "withdraw": (
        PUBLISH_PUBLICATION,
        services.publication_withdraw,
        gettext_lazy("The publication is withdrawn."),
    ),
}


@staff_permission_required(EDIT_PUBLICATION)
@require_POST
def publication_state(request, pk: int):
    """Submit, send back to draft, publish or withdraw (``action``), then back to its page."""
    publication = _publication_or_404(pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose what to do with the publication."))
        return redirect("backoffice:news_publication", pk=publication.pk)
    permission, service, done = action
    if not request.user.has_perm(permission):
        raise PermissionDenied
    try:
        with transaction.atomic(durable=True):
            service(publication=publication, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    return redirect("backoffice:news_publication", pk=publication.pk)
