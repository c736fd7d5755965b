from django.urls import path

from townhall.eforms import submission_views, views

app_name = "eforms"
urlpatterns = [
    path("loket/formulier/<slug:slug>/stap/<int:number>/", views.form_step, name="step"),
    path("loket/aanvraag/<uuid:submission_uuid>/", views.confirmation, name="confirmation"),
    path(
        "loket/aanvraag/<uuid:submission_uuid>/ontvangstbewijs/",
        submission_views.receipt,
        name="receipt",
    ),
    path("loket/volgen/", submission_views.track, name="track"),
]
