"""The public verification page, at the site's root: the QR code of every document opens
``<public url>/verifieren/<code>/``."""

from django.urls import path

from townhall.documents import views

app_name = "documents"
urlpatterns = [
    path("verifieren/", views.verify_start, name="verify_start"),
    # Before the code's pattern, which would take "bestand" as a (malformed) code.
    path("verifieren/bestand/", views.verify_file, name="verify_file"),
    path("verifieren/<str:code>/", views.verify, name="verify"),
]
