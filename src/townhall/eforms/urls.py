from django.urls import path

from townhall.eforms import views

app_name = "eforms"
urlpatterns = [
    path("loket/formulier/<slug:slug>/stap/<int:number>/", views.form_step, name="step"),
    path("loket/aanvraag/<uuid:submission_uuid>/", views.confirmation, name="confirmation"),
]
