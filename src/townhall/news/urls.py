from django.urls import path

from townhall.news import views

app_name = "news"
urlpatterns = [
    path("nieuws/", views.news_list, name="news_list"),
    path("nieuws/feed/<slug:flavour>/", views.feed, name="feed"),
    path("nieuws/<slug:slug>/", views.publication_detail, name="publication"),
    path("nieuws/<slug:slug>/agenda.ics", views.publication_ics, name="publication_ics"),
    path("evenementen/", views.events_list, name="events_list"),
    path("evenementen/kalender/", views.events_calendar, name="events_calendar"),
    path("evenementen/agenda.ics", views.events_ical, name="events_ical"),
]
