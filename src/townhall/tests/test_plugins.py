"""The one plugin registry: register by id, refuse mistakes, say what is known, keep order."""

from abc import ABC, abstractmethod
from typing import Any

import pytest

from townhall import plugins
from townhall.importers.registry import UnknownImporter
from townhall.importers.registry import registry as importers
from townhall.messaging.channels import UnknownChannel
from townhall.messaging.channels import register as channels
from townhall.messaging.secret_values import UnknownSecretSource, secret_sources
from townhall.messaging.sms import UnknownGateway
from townhall.messaging.sms import register as sms_adapters
from townhall.registry.connectors import UnknownConnector
from townhall.registry.connectors import register as connectors


class Greeter(ABC):
    """A made-up extension point, so the registry is tested without any real plugin."""

    name = ""

    @abstractmethod
    def greet(self) -> str:
        """A greeting."""


class UnknownGreeter(plugins.UnknownPlugin):
    """No greeter goes by this id."""


class GreeterClasses(plugins.Registry[type[Greeter]]):
    kind = "greeter"
    base = Greeter
    unknown_error = UnknownGreeter


class GreeterInstances(GreeterClasses):
    def entry_made(self, plugin: Any, identifier: str) -> Any:
        greeter = plugin()
        greeter.name = identifier
        return greeter


def test_a_class_registers_by_id_and_comes_back_unchanged():
    registry = GreeterClasses()

    @registry("hello")
    class Hello(Greeter):
        def greet(self):
            return "hello"

    assert registry["hello"] is Hello
    assert "hello" in registry
    assert "goodbye" not in registry
    assert len(registry) == 1


def test_a_registry_may_keep_one_instance_named_by_its_id():
    registry = GreeterInstances()

    @registry("hello")
    class Hello(Greeter):
        def greet(self):
            return "hello"

    assert isinstance(registry["hello"], Hello)
    assert registry["hello"].name == "hello"
    assert registry["hello"] is registry["hello"]
    # The decorator hands the class back, so the module keeps its class.
    assert isinstance(Hello, type)


def test_a_second_plugin_with_the_same_id_is_refused():
    registry = GreeterClasses()

    @registry("hello")
    class Hello(Greeter):
        def greet(self):
            return "hello"

    class Other(Greeter):
        def greet(self):
            return "other"

    with pytest.raises(ValueError, match=r"A greeter named 'hello' is already registered\."):
        registry("hello")(Other)
    assert registry["hello"] is Hello


def test_only_subclasses_of_the_base_and_real_ids_are_accepted():
    registry = GreeterClasses()
    with pytest.raises(TypeError, match="is not a Greeter"):
        registry("thing")(object)
    with pytest.raises(TypeError, match="is not a Greeter"):
        registry("thing")(lambda: None)
    with pytest.raises(ValueError, match="needs an id"):
        registry("")
    assert len(registry) == 0


def test_an_unknown_id_names_the_kind_and_the_registered_ids():
    registry = GreeterClasses()
    with pytest.raises(UnknownGreeter) as raised:
        registry["x"]
    assert str(raised.value) == "No greeter is registered as 'x' (registered: none)."

    for identifier in ("zulu", "alpha"):

        @registry(identifier)
        class Some(Greeter):
            def greet(self):
                return "hi"

    with pytest.raises(plugins.UnknownPlugin) as raised:
        registry["bravo"]
    assert str(raised.value) == ("No greeter is registered as 'bravo' (registered: alpha, zulu).")
    # Callers that catch a LookupError keep working.
    assert isinstance(raised.value, LookupError)


def test_plugins_are_listed_in_the_order_they_registered():
    registry = GreeterClasses()
    registered = []
    for identifier in ("zulu", "alpha", "mike"):

        @registry(identifier)
        class Some(Greeter):
            def greet(self):
                return "hi"

        registered.append(Some)

    assert registry.identifiers() == ["zulu", "alpha", "mike"]
    assert list(registry) == registered
    assert list(registry.items()) == list(zip(["zulu", "alpha", "mike"], registered, strict=True))


def test_a_fresh_registry_shares_nothing_with_another():
    first, second = GreeterClasses(), GreeterClasses()

    @first("hello")
    class Hello(Greeter):
        def greet(self):
            return "hello"

    assert "hello" not in second
    assert len(second) == 0


@pytest.mark.parametrize(
    ("registry", "known", "error", "message"),
    [
        (importers, {"best", "kbo", "population"}, UnknownImporter, "No importer is registered"),
        (connectors, {"townhall-register"}, UnknownConnector, "No source connector is registered"),
        (channels, {"email", "sms", "letter"}, UnknownChannel, "No delivery channel is registered"),
        (
            sms_adapters,
            {"generic-http", "twilio", "demo-capture"},
            UnknownGateway,
            "No SMS gateway adapter is registered",
        ),
        (
            secret_sources,
            {"accounts.email-link"},
            UnknownSecretSource,
            "No secret source is registered",
        ),
    ],
)
def test_every_extension_point_uses_the_one_registry(registry, known, error, message):
    assert isinstance(registry, plugins.Registry)
    assert known <= set(registry.identifiers())
    with pytest.raises(error, match=message):
        registry["no-such-plugin"]
