"""The registry of source connectors: ``@register("name")`` on a :class:`SourceConnector`."""

from collections.abc import Callable, Iterator

from townhall.registry.connectors.base import SourceConnector


class UnknownConnector(LookupError):
    """No connector is registered under this name."""


class Registry:
    """Source connectors by name. Tests build a fresh ``Registry()``."""

    def __init__(self) -> None:
        self._connectors: dict[str, SourceConnector] = {}

    def __call__(self, name: str) -> Callable[[type[SourceConnector]], type[SourceConnector]]:
        """Class decorator: register one instance of the connector under ``name``."""

        def decorator(cls: type[SourceConnector]) -> type[SourceConnector]:
            if not (isinstance(cls, type) and issubclass(cls, SourceConnector)):
                raise TypeError(f"{cls!r} is not a SourceConnector.")
            if name in self._connectors:
                raise ValueError(f"A source connector named {name!r} is already registered.")
            connector = cls()
            connector.name = name
            self._connectors[name] = connector
            return cls

        return decorator

    def __getitem__(self, name: str) -> SourceConnector:
        try:
            return self._connectors[name]
        except KeyError:
            known = ", ".join(sorted(self._connectors)) or "none"
            raise UnknownConnector(
                f"No source connector is registered as {name!r} (registered: {known})."
            ) from None

    def __contains__(self, name: str) -> bool:
        return name in self._connectors

    def __iter__(self) -> Iterator[SourceConnector]:
        return iter(self._connectors.values())


# The project's connectors; RegistryConfig.ready() imports the modules that fill it.
register = Registry()
