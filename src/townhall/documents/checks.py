"""The production rule of the seal as a Django system check.

In production every issued document is sealed, so a process that could not
seal refuses to start: no seal configured, a key file missing or unreadable, a
key that does not match its certificate, a certificate expired or not valid
yet, a PKCS#11 token or key that does not open (:func:`townhall.documents.seal.sealer_problem`
names which). In demo mode the same problems are reported by ``check --deploy``.
"""

from dataclasses import replace

from django.conf import settings
from django.core import checks


def _error(problem: str) -> checks.CheckMessage:
    return checks.Error(
        problem,
        hint='See docs/configuration.md ("Seal") and docs/operations.md ("Seal").',
        id="documents.E001",
    )


@checks.register(checks.Tags.security)
def seal_check_production(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """In production mode a seal that cannot be made is an error, whatever the command."""
    if getattr(settings, "MODE", None) != "production":
        return []
    from townhall.documents.seal import sealer_problem

    problem = sealer_problem()
    return [_error(problem)] if problem else []


@checks.register(checks.Tags.security, deploy=True)
def seal_check_deployable(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy`` in demo mode: what production mode would refuse (the demo
    chain does not count: production has none)."""
    if getattr(settings, "MODE", None) == "production":
        return []  # reported by seal_check_production already
    from townhall.documents.seal import config_problem
    from townhall.documents.sealer import SealConfig

    problem = config_problem(replace(SealConfig.from_settings(), demo=False))
    return [_error(problem)] if problem else []
