"""The social part of the outbox: the municipality's posts on its own social media accounts.

Posts are not personal messages (no person, no consent, no preferred channel),
so they are not a :class:`~townhall.registry.preferences.Channel`: they have
their own row (:class:`~townhall.messaging.social.models.SocialPost`), their own
plugins (:mod:`~townhall.messaging.social.channels`: ``mastodon``, ``webhook``)
and the outbox's guarantees: written with the change that causes them,
delivered by a task after the commit, claimed before sending, retried with
backoff, and posted once (:mod:`~townhall.messaging.social.delivery`).

Modules: ``models``, ``channels`` (the extension point), ``mastodon`` and
``webhook`` (the plugins), ``configuration`` (the accounts from the settings),
``checks``, ``delivery``, ``services`` (request, cancel, retry, preview) and
``selectors`` (the back office's list, the counts for reach).
"""
