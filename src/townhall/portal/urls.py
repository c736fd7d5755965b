from django.urls import path

from townhall.portal import my_page, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("branding.css", views.branding_css, name="branding_css"),
    path("toegankelijkheid/", views.accessibility_statement, name="accessibility"),
    path("mijn/", my_page.my_page, name="my_page"),
]
