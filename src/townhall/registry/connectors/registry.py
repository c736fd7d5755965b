"""The registry of source connectors: ``@register("name")`` on a :class:`SourceConnector`.

A connector holds no state between calls, so the registry keeps one instance
of each (:mod:`townhall.plugins`). Tests build a fresh ``Registry()``.
"""

from typing import Any

from townhall import plugins
from townhall.registry.connectors.base import SourceConnector


class UnknownConnector(plugins.UnknownPlugin):
    """No connector is registered under this name."""


class Registry(plugins.Registry[SourceConnector]):
    """Source connectors by name. Tests build a fresh ``Registry()``."""

    kind = "source connector"
    base = SourceConnector
    unknown_error = UnknownConnector

    def entry_made(self, plugin: Any, identifier: str) -> SourceConnector:
        connector = plugin()
        connector.name = identifier
        return connector


# The project's connectors; RegistryConfig.ready() imports the modules that fill it.
register = Registry()
