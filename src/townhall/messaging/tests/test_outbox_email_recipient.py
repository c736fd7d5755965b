"""Messages to an account's own address, and secret values made only at hand-over."""

import uuid

import pytest

from townhall.messaging.errors import MessagingError
from townhall.messaging.models import Message, Suppression
from townhall.messaging.secret_values import Registry, SecretSource, marker, secret_text
from townhall.messaging.services import EmailRecipient, message_send
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DECISION = {"case_reference": "2026-00007", "product": "Parkeerkaart"}
VISITOR = EmailRecipient(
    address="visitor@example.org", given_names="Ana", family_name="Lopez", language="fr"
)


@pytest.fixture(autouse=True)
def _municipality(db):
    municipality_for_tests()


def test_a_visitor_without_a_person_gets_the_message_at_their_address(smtp, templates, committed):
    with committed():
        message = message_send(recipient=VISITOR, template="decision", context=DECISION)

    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.person is None
    assert message.recipient_name == "Ana Lopez"
    assert message.language == "fr"
    [received] = smtp.to("visitor@example.org")
    assert received["Subject"] == "Décision concernant votre demande 2026-00007"


def test_the_accounts_address_is_used_not_the_registers_channel(smtp, templates, committed):
    person = PersonFactory(mobile="+32470123456", email="")
    recipient = EmailRecipient(
        address="own@example.org",
        given_names="Bart",
        family_name="Wouters",
        language="nl",
        person=person,
    )
    with committed():
        message = message_send(recipient=recipient, template="decision", context=DECISION)
    message.refresh_from_db()
    assert message.person == person
    assert message.channel == "email"
    assert len(smtp.to("own@example.org")) == 1


def test_a_blocked_address_gives_a_failed_message_with_the_reason(templates, committed):
    Suppression.objects.create(
        channel="email", address="visitor@example.org", reason=Suppression.Reason.BOUNCED
    )
    with committed():
        message = message_send(recipient=VISITOR, template="decision", context=DECISION)
    assert message.state == Message.State.FAILED
    assert message.address == "visitor@example.org"
    assert message.reason == "Earlier messages to this e-mail address bounced; it is blocked."


def test_a_secret_goes_only_to_an_address_its_owner_gave(templates):
    person = PersonFactory(email="an@example.org")
    with pytest.raises(MessagingError, match="only to an address its owner gave us themselves"):
        message_send(
            recipient=person, template="decision", context=DECISION, secret_source="anything"
        )
    assert not Message.objects.filter(person=person).exists()


def test_secret_values_are_filled_in_the_copy_that_goes_out_not_in_the_row():
    registry = Registry()
    made = []

    @registry("test.counter")
    class Counter(SecretSource):
        placeholders = ("code",)

        def values(self, arguments):
            made.append(arguments)
            return {"code": f"secret-{len(made)}"}

    message = Message(uuid=uuid.uuid4(), subject="Your code", body="")
    message.body = f"Use {marker(message.uuid, 'code')} once."
    message.secret_source = {"source": "test.counter", "arguments": {"n": 1}}

    assert secret_text(message, registry=registry) == ("Your code", "Use secret-1 once.")
    # Every hand-over makes the value afresh; the stored text keeps only the marker.
    assert secret_text(message, registry=registry)[1] == "Use secret-2 once."
    assert "secret" not in message.body
    assert made == [{"n": 1}, {"n": 1}]


def test_a_source_name_is_registered_once():
    registry = Registry()

    class Source(SecretSource):
        def values(self, arguments):
            return {}

    registry("one")(Source)
    with pytest.raises(ValueError, match="already registered"):
        registry("one")(Source)
    with pytest.raises(TypeError):
        registry("two")(object)
