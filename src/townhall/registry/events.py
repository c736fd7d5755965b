"""The registry's domain events: what other apps may react to (see :mod:`townhall.events`).

Each is sent after the commit of the service that made the change; the data
are register ids and codes, never the changed values themselves. Bulk imports
of the authentic sources send none (a file of 10,000 moves is one import run of
the ``importers`` app), nor does the demo seed.
"""

from townhall.events import DomainEvent

# A person's domicile changed (verhuisd): ``person_update``. The addresses are ids; None
# when the person had no domicile before or has none now.
person_moved = DomainEvent(
    "be.townhall.registry.person.moved",
    subject="person",
    data=["person", "from_address", "to_address"],
)

# A person's e-mail address or mobile number changed: ``person_update`` (staff) and
# ``contact.contact_details_update`` (My data, the counter). ``fields`` names what changed.
person_contact_changed = DomainEvent(
    "be.townhall.registry.person.contact_changed",
    subject="person",
    data=["person", "fields"],
)

# A household's composition changed (gezinssamenstelling). ``change`` is "created",
# "member_added", "member_left", "reference_person_changed" (the services of
# ``services`` and the household admin) or "membership_corrected" (the household
# admin: a relation or date corrected, a row removed, the same members);
# ``persons`` are the members whose membership changed (``household_edits``).
household_changed = DomainEvent(
    "be.townhall.registry.household.changed",
    subject="household",
    data=["household", "change", "persons"],
)

# A person reported an item of their data as wrong ("this is not right" on My data).
correction_requested = DomainEvent(
    "be.townhall.registry.correction.requested",
    subject="correction-request",
    data=["correction_request", "person", "item_key", "department"],
)

# An organisation's register data changed: a refresh from the association register
# (``associations.association_refresh``). ``fields`` names what changed
# ("name", "addresses", "activities", ...); ``source`` is the Source it came from.
organisation_changed = DomainEvent(
    "be.townhall.registry.organisation.changed",
    subject="organisation",
    data=["organisation", "fields", "source"],
)
