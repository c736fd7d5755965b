"""How a person wants to be reached: the channels, topics and consents of the register.

The models and their choices are defined in :mod:`townhall.registry.models.preferences`
(with the other models of the app, so that Django finds them without the models
importing this module back); this name stays the one other apps import them by.
Writes go through :mod:`townhall.registry.contact`.
"""

from townhall.registry.models.preferences import (
    CONSENT_TOPICS,
    Channel,
    Consent,
    ContactPreference,
    Topic,
    TopicPreference,
)

__all__ = ["CONSENT_TOPICS", "Channel", "Consent", "ContactPreference", "Topic", "TopicPreference"]
