from django.urls import path

from townhall.accounts import mandate_views, views

app_name = "accounts"
urlpatterns = [
    path("aanmelden/", views.sign_in, name="sign_in"),
    path("aanmelden/eid/", views.oidc_start, name="oidc_start"),
    path("aanmelden/eid/terug/", views.oidc_callback, name="oidc_callback"),
    path("aanmelden/email/", views.email_sign_in, name="email_sign_in"),
    path("aanmelden/link/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("registreren/", views.register, name="register"),
    path("afmelden/", views.sign_out, name="sign_out"),
    path("mijn/namens/", mandate_views.acting_choose, name="acting_choose"),
    path("mijn/volmachten/", mandate_views.mandates, name="mandates"),
    path(
        "mijn/volmachten/<int:pk>/intrekken/", mandate_views.mandate_revoke, name="mandate_revoke"
    ),
]
