"""The demo identity provider, included at ``/demo-idp/`` in demo mode only.

django-oauth-toolkit's OpenID Connect endpoints live under ``o/`` in its own
top-level ``oauth2_provider`` namespace (its views reverse those names), with
the authorization endpoint replaced by the persona-aware one. The module has
no ``app_name`` of its own, so both namespaces stay top-level.
"""

from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from townhall.demo_idp import views

provider_urlpatterns = [
    path("authorize/", views.PersonaAuthorizationView.as_view(), name="authorize"),
    *[p for p in oauth2_urls.base_urlpatterns if p.name == "token"],
    *[p for p in oauth2_urls.oidc_urlpatterns if p.name != "rp-initiated-logout"],
]

picker_urlpatterns = [
    path("aanmelden/", views.sign_in, name="sign_in"),
]

urlpatterns = [
    path("", include((picker_urlpatterns, "demo_idp"))),
    path("o/", include((provider_urlpatterns, "oauth2_provider"))),
]
