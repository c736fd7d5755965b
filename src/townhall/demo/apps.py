from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "townhall.demo"
    verbose_name = "Demo"
