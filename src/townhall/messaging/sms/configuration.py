"""The ``TOWNHALL_SMS`` setting, and the gateway instances it configures.

``GATEWAYS`` is a list of dicts, one per gateway::

    {"NAME": "primary", "ADAPTER": "generic-http", "PRIORITY": 1, "WEIGHT": 3,
     "URL": "https://sms.example/send", "AUTH": "bearer", "TOKEN": "..."}

``NAME`` (unique, it also names the receipt URL) and ``ADAPTER`` (a registered
adapter) are required. ``PRIORITY`` (default 1; lower goes first), ``WEIGHT``
(default 1; share of traffic within a priority) and ``TIMEOUT`` (connect, read
seconds; default the top-level ``TIMEOUT``) apply to all; every other key is an
option of the adapter, in upper case (``URL`` becomes ``url=``).
"""

import inspect
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from townhall.messaging.sms.gateways import (
    DEFAULT_TIMEOUT,
    Registry,
    SmsGateway,
    UnknownGateway,
    register,
)

DEFAULTS: dict[str, Any] = {
    "GATEWAYS": [],
    "TIMEOUT": DEFAULT_TIMEOUT,
    "COOL_DOWN_SECONDS": 60,  # a gateway that failed is skipped this long
    "CACHE": "default",  # where the cool-downs are kept; shared by all workers
    "QUIET_HOURS": ("21:00", "08:00"),  # Europe/Brussels; equal times: none
    "TIME_ZONE": "Europe/Brussels",
}
_BASE_OPTIONS = {"name", "priority", "weight", "timeout"}


def sms_settings() -> dict[str, Any]:
    """``TOWNHALL_SMS`` over the defaults."""
    return {**DEFAULTS, **getattr(settings, "TOWNHALL_SMS", {})}


def gateways_configured(
    *, config: list[Mapping[str, Any]] | None = None, registry: Registry | None = None
) -> list[SmsGateway]:
    """Build the configured gateways; ImproperlyConfigured names what is wrong."""
    options = sms_settings()
    config = options["GATEWAYS"] if config is None else config
    registry = register if registry is None else registry
    gateways: list[SmsGateway] = []
    for position, entry in enumerate(config, start=1):
        if not isinstance(entry, Mapping):
            raise ImproperlyConfigured(f"TOWNHALL_SMS GATEWAYS #{position} is not a dict.")
        name = entry.get("NAME")
        if not name or not isinstance(name, str):
            raise ImproperlyConfigured(f"TOWNHALL_SMS GATEWAYS #{position} needs a NAME.")
        if any(gateway.name == name for gateway in gateways):
            raise ImproperlyConfigured(f"Two SMS gateways are named {name!r}.")
        gateways.append(_gateway_built(name, entry, registry, default_timeout=options["TIMEOUT"]))
    return gateways


def _gateway_built(
    name: str, entry: Mapping[str, Any], registry: Registry, *, default_timeout: Any
) -> SmsGateway:
    prefix = f"SMS gateway {name!r}"
    try:
        cls = registry[entry.get("ADAPTER", "")]
    except UnknownGateway as error:
        raise ImproperlyConfigured(f"{prefix}: {error}") from None
    kwargs = {key.lower(): value for key, value in entry.items() if key != "ADAPTER"}
    kwargs["timeout"] = _timeout(kwargs.get("timeout", default_timeout), prefix=prefix)
    for key, least in (("priority", 0), ("weight", 1)):
        value = kwargs.setdefault(key, 1)
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ImproperlyConfigured(f"{prefix}: {key.upper()} must be an integer >= {least}.")
    signature = inspect.signature(cls.__init__)
    accepted = _BASE_OPTIONS | {
        parameter.name
        for parameter in signature.parameters.values()
        if parameter.kind == parameter.KEYWORD_ONLY
    }
    unknown = sorted(key.upper() for key in set(kwargs) - accepted)
    if unknown:
        raise ImproperlyConfigured(f"{prefix}: unknown options {', '.join(unknown)}.")
    try:
        signature.bind(None, **kwargs)
    except TypeError as error:
        raise ImproperlyConfigured(f"{prefix}: {error}.") from None
    return cls(**kwargs)


def _timeout(value: Any, *, prefix: str) -> tuple[float, float]:
    """One number for both, or a (connect, read) pair; all positive."""
    pair = (value, value) if isinstance(value, int | float) else tuple(value or ())
    if len(pair) != 2 or not all(
        isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0
        for seconds in pair
    ):
        raise ImproperlyConfigured(f"{prefix}: TIMEOUT must be seconds or (connect, read).")
    return (float(pair[0]), float(pair[1]))
