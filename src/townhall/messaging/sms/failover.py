"""Sending one SMS through the configured gateways, with failover.

The order: gateways grouped by PRIORITY (lower first); within a group, a
weighted random draw by WEIGHT, so a gateway of weight 3 goes first three
times as often as one of weight 1. A TemporaryFailure moves on to the next
gateway; a PermanentFailure stops at once (another gateway will not make an
invalid number valid).

The circuit breaker: a gateway that failed temporarily is skipped for
COOL_DOWN_SECONDS: it moves to the end of the order, behind every gateway
that is not cooling down, so a gateway that is down for ten minutes does not
cost every message a time-out. It is still tried last, when all the others
failed too (or all are cooling down): then nothing else could deliver. The
cool-downs live in Django's cache (CACHE), which must be shared (database or
Redis) for all workers to see them; a success ends a cool-down at once.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from django.core.cache import caches
from django.utils.translation import gettext

from townhall.messaging.errors import PermanentFailure, TemporaryFailure
from townhall.messaging.sms.configuration import gateways_configured, sms_settings
from townhall.messaging.sms.gateways import SmsGateway
from townhall.messaging.sms.numbers import mobile_number_checked


@dataclass(frozen=True)
class SmsSent:
    """Which gateway took the message, and its id there."""

    gateway: str
    provider_reference: str


def sms_send(
    *,
    to: str,
    text: str,
    sender_id: str,
    reference: str,
    gateways: Iterable[SmsGateway] | None = None,
    rng: random.Random | None = None,
) -> SmsSent:
    """Send one SMS through the first gateway that takes it.

    ``to`` is checked first (PermanentFailure for a number that cannot receive
    an SMS). Raises TemporaryFailure naming each gateway's reason when none
    took it, PermanentFailure as soon as one refuses the message itself.
    """
    number = mobile_number_checked(to)
    if not text:
        raise PermanentFailure(gettext("The message is empty."))
    gateways = gateways_configured() if gateways is None else list(gateways)
    if not gateways:
        raise TemporaryFailure(gettext("No SMS gateway is configured."))
    breaker = CircuitBreaker()
    ordered = gateways_in_order(gateways, rng=rng or random.Random())
    reasons = []
    for gateway in breaker.cooling_last(ordered):
        try:
            provider_reference = gateway.send(
                to=number, text=text, sender_id=sender_id, reference=reference
            )
        except TemporaryFailure as failure:
            breaker.cool_down(gateway)
            reasons.append(str(failure))
            continue
        breaker.restore(gateway)
        return SmsSent(gateway=gateway.name, provider_reference=provider_reference)
    raise TemporaryFailure(
        gettext("No SMS gateway took the message: %(reasons)s") % {"reasons": "; ".join(reasons)}
    )


def gateways_in_order(gateways: Sequence[SmsGateway], *, rng: random.Random) -> list[SmsGateway]:
    """By priority; within a priority, a weighted draw without replacement."""
    ordered: list[SmsGateway] = []
    by_priority = sorted(gateways, key=lambda gateway: gateway.priority)
    for _priority, group in groupby(by_priority, key=lambda gateway: gateway.priority):
        remaining = list(group)
        while remaining:
            weights = [gateway.weight for gateway in remaining]
            chosen = rng.choices(remaining, weights=weights)[0]
            remaining.remove(chosen)
            ordered.append(chosen)
    return ordered


class CircuitBreaker:
    """Remembers, in the shared cache, which gateways are cooling down."""

    def __init__(self) -> None:
        options = sms_settings()
        self.cache = caches[options["CACHE"]]
        self.seconds = options["COOL_DOWN_SECONDS"]

    def cooling_last(self, gateways: list[SmsGateway]) -> list[SmsGateway]:
        """The same gateways, those cooling down moved to the end (each part keeps its order)."""
        cooling = self.cache.get_many([self._key(gateway) for gateway in gateways])
        return sorted(gateways, key=lambda gateway: self._key(gateway) in cooling)

    def cool_down(self, gateway: SmsGateway) -> None:
        if self.seconds > 0:
            self.cache.set(self._key(gateway), True, timeout=self.seconds)

    def restore(self, gateway: SmsGateway) -> None:
        self.cache.delete(self._key(gateway))

    @staticmethod
    def _key(gateway: SmsGateway) -> str:
        return f"townhall:sms:cooling:{gateway.name}"
