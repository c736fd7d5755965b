"""The demo identity provider's pages: the persona picker and the authorization endpoint.

The provider lives in the same process and session as the site, so it must
never sign the browser in to the site. It does not call ``login()``: the
picked persona is kept under its own session key, and the authorization
endpoint uses that persona's account as ``request.user`` for one request only.
"""

from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView
from oauthlib.oauth2 import AccessDeniedError

from townhall.demo_idp import personas


def _authorization_request(request, candidate: str | None) -> str | None:
    """``candidate`` when it is this provider's authorization endpoint, else None."""
    if not candidate or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or parts.path != reverse("oauth2_provider:authorize"):
        return None
    return candidate


@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Pick the person to sign in as, or cancel (the site then hears ``access_denied``)."""
    source = request.POST if request.method == "POST" else request.GET
    next_url = _authorization_request(request, source.get("next"))
    choices = personas.persona_choices()
    context = {"choices": choices, "next": next_url, "error": None}
    if request.method == "POST" and next_url:
        if "cancel" in request.POST:
            personas.persona_cancel(request.session, authorization_request=next_url)
            return HttpResponseRedirect(next_url)
        choice = next(
            (c for c in choices if c.person and c.persona.slug == request.POST.get("persona")),
            None,
        )
        if choice is not None:
            user = personas.persona_identity_user(persona=choice.persona, person=choice.person)
            personas.persona_pick(request.session, user, authorization_request=next_url)
            return HttpResponseRedirect(next_url)
        context["error"] = "unknown_persona"
    status = 400 if request.method == "POST" else 200
    return render(request, "demo_idp/sign_in.html", context, status=status)


class PersonaAuthorizationView(AuthorizationView):
    """django-oauth-toolkit's authorization endpoint, for the persona picked just before.

    Whoever is signed in to the site is never the provider's user here: without
    a picked persona the request is anonymous and goes to the picker.
    """

    # Rendered only for a request that cannot be sent back to the client (unknown
    # client, unregistered redirect URI): the client's application never asks
    # for consent (``skip_authorization``).
    template_name = "demo_idp/authorize.html"

    def get_login_url(self):
        return reverse("demo_idp:sign_in")

    def dispatch(self, request, *args, **kwargs):
        self.site_user = request.user
        user, cancelled = personas.persona_take(
            request.session, authorization_request=request.get_full_path()
        )
        request.user = user or AnonymousUser()
        if cancelled:
            return self.cancelled(request)
        return super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        # A page shown here is the site's page again: its header shows who is signed
        # in to the site, never the persona.
        self.request.user = self.site_user
        return super().render_to_response(context, **response_kwargs)

    def cancelled(self, request):
        """Back to the client with ``error=access_denied`` and its ``state``, once the
        request is checked (client and redirect URI), as for any authorization error."""
        self.oauth2_data = {}
        try:
            _scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, None)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        denied = OAuthToolkitError(
            error=AccessDeniedError(state=credentials.get("state")),
            redirect_uri=credentials["redirect_uri"],
        )
        return self.error_response(denied, application)
