"""Plugins by id: the one registry every extension point of Townhall uses.

1. An extension point defines its typed abstract base (``SmsGateway``,
   ``DeliveryChannel``, ``SourceConnector``, ``Importer``) and a small subclass
   of :class:`Registry` saying what it keeps: the class itself (it is built
   later with settings or arguments) or one instance of it (a stateless
   plugin), and on which attribute the plugin learns its id.
2. The project's registry of that point is one instance of that subclass; a
   plugin class registers itself with ``@register("id")``.
3. The owning app's ``AppConfig.ready()`` imports the modules that hold its
   plugins, so the registry is full once Django has started.
4. Callers look a plugin up with ``register["id"]``; an unknown id raises the
   extension point's :class:`UnknownPlugin` subclass with a message that
   names the kind of plugin and the ids that are registered, because it ends
   up in a settings error or an admin page that a person reads.
5. Tests build a fresh ``Registry()`` of the extension point, register what
   they need on it and pass it in, instead of patching the project's one.

This module sits outside the apps so that the lowest app can use it; it
imports nothing of Townhall.
"""

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Generic, TypeVar

EntryT = TypeVar("EntryT")
PluginClassT = TypeVar("PluginClassT", bound=type)


class UnknownPlugin(LookupError):
    """No plugin is registered under this id."""


class Registry(Generic[EntryT]):
    """The plugins of one extension point by id, in the order they registered.

    Subclasses set :attr:`kind` (named in messages), :attr:`base` (the class
    every plugin inherits), :attr:`unknown_error`, and override
    :meth:`entry_made` when they keep something other than the class.
    """

    kind: ClassVar[str] = "plugin"
    base: ClassVar[type | None] = None
    unknown_error: ClassVar[type[UnknownPlugin]] = UnknownPlugin

    def __init__(self) -> None:
        self._entries: dict[str, EntryT] = {}

    def entry_made(self, plugin: Any, identifier: str) -> EntryT:
        """What the registry keeps for a plugin class; by default the class itself."""
        return plugin

    def __call__(self, identifier: str) -> Callable[[PluginClassT], PluginClassT]:
        """Class decorator: register the plugin class under ``identifier``."""
        if not identifier or not isinstance(identifier, str):
            raise ValueError(f"A {self.kind} needs an id (a non-empty string), not {identifier!r}.")

        def decorator(plugin: PluginClassT) -> PluginClassT:
            if self.base is not None and not (
                isinstance(plugin, type) and issubclass(plugin, self.base)
            ):
                raise TypeError(f"{plugin!r} is not a {self.base.__name__}.")
            if identifier in self._entries:
                raise ValueError(f"A {self.kind} named {identifier!r} is already registered.")
            self._entries[identifier] = self.entry_made(plugin, identifier)
            return plugin

        return decorator

    def __getitem__(self, identifier: str) -> EntryT:
        try:
            return self._entries[identifier]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none"
            raise self.unknown_error(
                f"No {self.kind} is registered as {identifier!r} (registered: {known})."
            ) from None

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._entries

    def __iter__(self) -> Iterator[EntryT]:
        """The entries in the order they registered."""
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def identifiers(self) -> list[str]:
        """The registered ids, in the order they registered."""
        return list(self._entries)

    def items(self) -> Iterator[tuple[str, EntryT]]:
        """``(id, entry)`` pairs, in the order they registered."""
        return iter(self._entries.items())
