"""The importers, by name: the "authentic source importer" extension point.

An importer registers itself with ``@register("best")``; the app's ``ready()``
imports the modules that hold them. The registry keeps the class, which the
import command builds with the path and options of each run. Tests build a
fresh :class:`Registry` (:mod:`townhall.plugins`).
"""

from typing import Any

from townhall import plugins
from townhall.importers.base import Importer


class UnknownImporter(plugins.UnknownPlugin):
    """No importer is registered under this name."""


class Registry(plugins.Registry[type[Importer]]):
    """Importer classes by their source name."""

    kind = "importer"
    base = Importer
    unknown_error = UnknownImporter

    def entry_made(self, plugin: Any, identifier: str) -> type[Importer]:
        # The import run records the source by this name.
        plugin.source = identifier
        return plugin


registry = Registry()
register = registry
