"""The public addresses of subscriptions, under /abonneren/ (the root URLconf includes them)."""

from django.urls import path

from townhall.news import subscription_views as views

app_name = "news_subscriptions"
urlpatterns = [
    path("", views.subscribe_email, name="subscribe_email"),
    path("sms/", views.subscribe_sms, name="subscribe_sms"),
    path("verstuurd/", views.sent, name="sent"),
    path("sms/code/", views.code, name="code"),
    path("bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
