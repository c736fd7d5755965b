"""Demo-only URLs, included by townhall.urls in demo mode only."""

from django.urls import path

from townhall.demo import views

app_name = "demo"
urlpatterns = [
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<str:name>/", views.mailbox_detail, name="mailbox_detail"),
    path("sms/", views.sms, name="sms"),
    # The fake association register: an outside API, so its paths are the register's own.
    path("verenigingsregister/<path:path>", views.verenigingsregister, name="verenigingsregister"),
    # The fake Mastodon server: what was posted, and its API under Mastodon's own paths.
    path("mastodon/", views.mastodon, name="mastodon"),
    path("mastodon/api/v1/<path:path>", views.mastodon_api, name="mastodon_api"),
]
