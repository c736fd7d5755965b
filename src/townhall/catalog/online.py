"""Where a product is asked for online: the apps that hold online forms say so.

The catalogue sits below the forms (ARCHITECTURE.md), so it cannot look a form
up itself. Instead an app with online forms registers an
:class:`OnlineRequestProvider` here (the eforms app does, in its ``ready()``);
the product's "Ask online" page asks each provider in turn for the address of
the form of that product and sends the visitor there, or, when no provider has
one, says how to ask at the counter or by appointment.
"""

from abc import ABC, abstractmethod

from townhall.plugins import Registry, UnknownPlugin


class UnknownOnlineRequestProvider(UnknownPlugin):
    """No online request provider is registered under this id."""


class OnlineRequestProvider(ABC):
    """Knows the online form, if any, of a product."""

    @abstractmethod
    def url_for(self, *, product_slug: str) -> str | None:
        """The address of the first step of the published form of the product, or None."""


class OnlineRequestProviders(Registry[OnlineRequestProvider]):
    kind = "online request provider"
    base = OnlineRequestProvider
    unknown_error = UnknownOnlineRequestProvider

    def entry_made(self, plugin, identifier: str) -> OnlineRequestProvider:
        return plugin()


register = OnlineRequestProviders()


def online_request_url(
    *, product_slug: str, providers: OnlineRequestProviders = register
) -> str | None:
    """The first provider's form address for the product, or None when none has one."""
    for provider in providers:
        url = provider.url_for(product_slug=product_slug)
        if url:
            return url
    return None
