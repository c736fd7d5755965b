"""Staff pages, under ``/backoffice/``: every one needs the second factor
(``townhall.accounts.second_factor.StaffSecondFactorMiddleware``)."""

from django.urls import path

from townhall.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("begeleide-sessie/", views.assisted_session_start, name="assisted_start"),
]
