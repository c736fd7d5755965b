"""Django system checks for the production rules of :mod:`townhall.conf`.

Settings already stop a production process whose settings are unsafe; these
checks report the same problems through Django's check framework, so that
``manage.py check --deploy`` names them before a deployment, and so that a
settings module that imports ``townhall.settings`` and overrides a key after
it still fails at start-up (``runserver``, ``migrate`` and every other command
that runs the checks).
"""

from django.conf import settings
from django.core import checks

from townhall.conf import production_problems


def _settings() -> dict:
    return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}


def _errors(problems: list[str]) -> list[checks.CheckMessage]:
    # One id for every unsafe setting: the message names which one, and an id
    # that counted positions would mean another problem from one run to the next.
    return [
        checks.Error(
            problem,
            hint="See docs/configuration.md and docs/operations.md (Keys).",
            id="townhall.E001",
        )
        for problem in problems
    ]


@checks.register(checks.Tags.security)
def production_settings_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """In production mode every unsafe setting is an error, whatever the command."""
    if getattr(settings, "MODE", None) != "production":
        return []
    return _errors(production_problems(_settings()))


@checks.register(checks.Tags.security, deploy=True)
def deployable_settings_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy`` in demo mode: what production mode would refuse."""
    if getattr(settings, "MODE", None) == "production":
        return []  # reported by production_settings_check already
    return _errors(production_problems(_settings()))
