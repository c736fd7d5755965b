"""A change to the profile, a postcode, a department or opening hours starts a new
content version, so no page or cached profile shows the old one
(:mod:`townhall.page_cache`)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from townhall import page_cache
from townhall.municipality.models import Department, Municipality, OpeningHours, Postcode

PROFILE_MODELS = (Municipality, Postcode, Department, OpeningHours)


def profile_changed(sender, **kwargs) -> None:
    # Now, for this transaction's own reads, and again after the commit: a page made
    # by another request in between read the old rows and kept them under the
    # version started now.
    page_cache.content_changed()
    transaction.on_commit(page_cache.content_changed)


def connect() -> None:
    for model in PROFILE_MODELS:
        post_save.connect(profile_changed, sender=model, dispatch_uid=f"profile-{model.__name__}")
        post_delete.connect(
            profile_changed, sender=model, dispatch_uid=f"profile-deleted-{model.__name__}"
        )
