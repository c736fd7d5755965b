"""Top-level URLs. One URL per page in every language (the language is a cookie)."""

import logging
from functools import wraps

from anymail import urls as anymail_urls
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponseBadRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import URLPattern, include, path
from django.views.i18n import set_language

logger = logging.getLogger(__name__)

admin.site.site_header = "Townhall"
admin.site.site_title = "Townhall"


def provider_configured_only(view):
    """An e-mail provider's webhook answers only once webhooks are set up.

    django-anymail lists a webhook for every provider it knows. Without the
    shared ``WEBHOOK_SECRET`` it accepts anyone's posts (with a warning), and
    without its provider's keys it refuses to start (``ImproperlyConfigured``, a
    server error): both answer 404 here. A body the provider's parser cannot
    read (``ValueError``, e.g. JSON that is not) answers 400.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
            raise Http404("E-mail provider webhooks are not set up.")
        try:
            return view(request, *args, **kwargs)
        except ImproperlyConfigured as error:
            logger.warning("E-mail provider webhook %s is not set up: %s", request.path, error)
            raise Http404("This e-mail provider is not set up.") from error
        except ValueError:
            return HttpResponseBadRequest("The body of this webhook call cannot be read.")

    return wrapped


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (a PDF, a download).
    The address is made per request: a hashed static storage knows it only then."""
    return HttpResponsePermanentRedirect(static_url("townhall/favicon.ico"))


anymail_patterns = [
    URLPattern(p.pattern, provider_configured_only(p.callback), p.default_args, p.name)
    for p in anymail_urls.urlpatterns
]

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("backoffice/", include("townhall.backoffice.urls")),
    path("medewerker/", include("townhall.accounts.staff_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("berichten/", include("townhall.messaging.urls")),
    path("catalogus/", include("townhall.catalog.urls")),
    path("abonneren/", include("townhall.news.subscription_urls")),
    path("", include("townhall.news.urls")),
    path("anymail/", include((anymail_patterns, "anymail"))),
    path("", include("townhall.accounts.urls")),
    path("", include("townhall.eforms.urls")),
    # The public verification of issued documents: /verifieren/<code>/ (the QR codes).
    path("", include("townhall.documents.urls")),
    path("", include("townhall.portal.urls")),
]

if settings.MODE == "demo" and settings.DEMO_FEATURES["identity_provider"]:
    urlpatterns += [path("demo-idp/", include("townhall.demo_idp.urls"))]

if settings.MODE == "demo":
    urlpatterns += [path("demo/", include("townhall.demo.urls"))]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
