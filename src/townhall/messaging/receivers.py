"""What messaging does when the register changes (receivers of ``registry.events``).

Connected by :meth:`MessagingConfig.ready`; they run after the register's change
has committed, each in its own transaction.
"""

from django.dispatch import receiver

from townhall.events import Event
from townhall.messaging.services import messages_follow_register
from townhall.registry.events import person_contact_changed, person_moved
from townhall.registry.models import Person


@receiver(person_contact_changed, dispatch_uid="townhall.messaging.contact_changed")
@receiver(person_moved, dispatch_uid="townhall.messaging.person_moved")
def waiting_messages_follow_register(sender, event: Event, **kwargs) -> None:
    """Messages not yet out go to the person's new e-mail address, mobile number or
    domicile, not to the old one."""
    person = Person.objects.filter(pk=event.data["person"]).first()
    if person is not None:
        messages_follow_register(person=person)
