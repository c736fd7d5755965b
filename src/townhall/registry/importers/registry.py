"""The importers, by name: one registry for the "authentic source importer" extension point.

An importer registers itself with ``@register("best")``; the app's ``ready()``
imports the modules that hold them. Tests build a fresh :class:`Registry`.
"""

from collections.abc import Callable, Iterator


class Registry:
    """Importer classes by their source name."""

    def __init__(self):
        self._importers: dict[str, type] = {}

    def register(self, name: str) -> Callable[[type], type]:
        def decorator(importer: type) -> type:
            if name in self._importers:
                raise ValueError(f"An importer named {name!r} is registered already.")
            importer.source = name
            self._importers[name] = importer
            return importer

        return decorator

    def __getitem__(self, name: str) -> type:
        return self._importers[name]

    def __contains__(self, name: str) -> bool:
        return name in self._importers

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._importers))


registry = Registry()
register = registry.register
