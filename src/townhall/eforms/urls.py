from django.urls import path

from townhall.eforms import draft_views, submission_views, views

app_name = "eforms"
urlpatterns = [
    path("loket/formulier/<slug:slug>/stap/<int:number>/", views.form_step, name="step"),
    path("loket/aanvraag/<uuid:submission_uuid>/", views.confirmation, name="confirmation"),
    path("loket/bewaard/<uuid:draft_uuid>/", draft_views.kept, name="kept"),
    path("loket/concept/<uuid:draft_uuid>/", draft_views.draft_continue, name="draft_continue"),
    path("loket/verder/<str:token>/", draft_views.resume, name="resume"),
    path(
        "loket/aanvraag/<uuid:submission_uuid>/ontvangstbewijs/",
        submission_views.receipt,
        name="receipt",
    ),
    path("loket/volgen/", submission_views.track, name="track"),
]
