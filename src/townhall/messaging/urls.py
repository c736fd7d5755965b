from django.urls import path

from townhall.messaging import views

app_name = "messaging"
urlpatterns = [
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("sms-ontvangst/<slug:gateway>/", views.sms_receipt, name="sms_receipt"),
]
