from django.urls import path

from townhall.portal import (
    my_cases,
    my_data,
    my_drafts,
    my_messages,
    my_page,
    my_subscriptions,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("branding.css", views.branding_css, name="branding_css"),
    path("toegankelijkheid/", views.accessibility_statement, name="accessibility"),
    path("mijn/", my_page.my_page, name="my_page"),
    path("mijn/organisatie/", my_page.my_organisation, name="my_organisation"),
    path(
        "mijn/concepten/<uuid:draft_uuid>/verwijderen/",
        my_drafts.draft_remove,
        name="draft_remove",
    ),
    path("mijn/gegevens/", my_data.my_data, name="my_data"),
    path("mijn/gegevens/download/", my_data.my_data_download, name="my_data_download"),
    path(
        "mijn/gegevens/melden/<slug:item_key>/",
        my_data.correction_report,
        name="correction_report",
    ),
    path("mijn/contact/", my_data.contact_preferences, name="contact_preferences"),
    path("mijn/berichten/", my_messages.my_messages, name="my_messages"),
    path("mijn/nieuws/", my_subscriptions.my_subscriptions, name="my_subscriptions"),
    path(
        "mijn/nieuws/<uuid:subscription_uuid>/stoppen/",
        my_subscriptions.my_subscription_stop,
        name="my_subscription_stop",
    ),
    path("mijn/aanvragen/", my_cases.my_requests, name="my_requests"),
    path("mijn/zaken/", my_cases.my_cases, name="my_cases"),
    path("mijn/zaken/<uuid:case_uuid>/", my_cases.my_case, name="my_case"),
    path(
        "mijn/zaken/<uuid:case_uuid>/bestanden/<uuid:file_uuid>/",
        my_cases.my_case_file,
        name="my_case_file",
    ),
    path(
        "mijn/zaken/<uuid:case_uuid>/documenten/<uuid:document_uuid>/",
        my_cases.my_case_document,
        name="my_case_document",
    ),
    path("mijn/berichten/<uuid:uuid>/", my_messages.my_message, name="my_message"),
]
