from django.urls import path

from townhall.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("zoeken/", views.search, name="search"),
    path("ldes/", views.ldes, name="ldes"),
    path("<slug:slug>/", views.product_detail, name="product"),
    path("<slug:slug>/aanvragen/", views.request_product, name="request"),
]
