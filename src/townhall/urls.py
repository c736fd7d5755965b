"""Top-level URLs. Resident pages are translated by language prefix (nl has none)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

admin.site.site_header = "Townhall"
admin.site.site_title = "Townhall"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    *i18n_patterns(
        path("", include("townhall.portal.urls")),
        prefix_default_language=False,
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
