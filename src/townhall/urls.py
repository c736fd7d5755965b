"""Top-level URLs. One URL per page in every language (the language is a cookie)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

admin.site.site_header = "Townhall"
admin.site.site_title = "Townhall"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("backoffice/", include("townhall.backoffice.urls")),
    path("medewerker/", include("townhall.accounts.staff_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("berichten/", include("townhall.messaging.urls")),
    path("anymail/", include("anymail.urls")),
    path("", include("townhall.accounts.urls")),
    path("", include("townhall.portal.urls")),
]

if settings.MODE == "demo" and settings.DEMO_FEATURES["identity_provider"]:
    urlpatterns += [path("demo-idp/", include("townhall.demo_idp.urls"))]

if settings.MODE == "demo":
    urlpatterns += [path("demo/", include("townhall.demo.urls"))]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
