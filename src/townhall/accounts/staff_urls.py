"""Staff sign-in and the end of an assisted session, under ``/medewerker/``."""

from django.urls import path

from townhall.accounts import staff_views

app_name = "staff"
urlpatterns = [
    path("aanmelden/", staff_views.sign_in, name="sign_in"),
    path("tweede-factor/", staff_views.second_factor_step, name="second_factor"),
    path("tweede-factor/instellen/", staff_views.setup, name="setup"),
    path("tweede-factor/reservecodes/", staff_views.backup_codes, name="backup_codes"),
    path("afmelden/", staff_views.sign_out, name="sign_out"),
    path("begeleide-sessie/beeindigen/", staff_views.assisted_end, name="assisted_end"),
]
