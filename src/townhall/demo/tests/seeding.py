"""What the demo tests share: a fingerprint of the seeded register, and wiping the seed again."""

import hashlib

from townhall.accounts.models import User
from townhall.cases.models import Case, Workflow, WorkflowVersion
from townhall.catalog.models import Product, ProductSnapshot
from townhall.courses.models import Course, Registration, Session
from townhall.documents.models import DocumentBatch, IssuedDocument
from townhall.eforms.models import FormDefinition, FormVersion, ReferenceCounter, Submission
from townhall.messaging.models import Message, MessageStateCount, MessageTemplate, TemplateText
from townhall.municipality.models import Municipality
from townhall.news.models import Publication, Subscriber
from townhall.registry.models import (
    AccessLogEntry,
    Address,
    Household,
    HouseholdMembership,
    Organisation,
    OrganisationAddress,
    Person,
    Representative,
    Street,
)


def register_digest() -> str:
    """A SHA-256 over everything the seed decides, leaving out ids, timestamps and ciphertext.

    Fernet ciphertext differs on every encryption; the keyed hash and the masked
    number stand for the number instead.
    """
    digest = hashlib.sha256()
    persons = Person.objects.order_by("national_number_hash", "family_name", "given_names")
    for row in persons.values_list(
        "given_names",
        "family_name",
        "birth_date",
        "sex",
        "nationality",
        "language",
        "national_number_masked",
        "national_number_hash",
        "email",
        "mobile",
        "domicile__street_name",
        "domicile__house_number",
        "domicile__box_number",
    ):
        digest.update(repr(row).encode())
    for row in Organisation.objects.order_by("name").values_list(
        "name", "kind", "legal_form", "enterprise_number", "vcode", "email"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def demo_erase() -> None:
    """Delete what the seed wrote, children first, so another seed can run on the same database."""
    for model in (
        Registration,  # the demo course registrations, then their sessions and courses
        Session,
        Course,
        Publication,  # the demo news; their state changes and deliveries go with them
        Subscriber,  # the demo subscribers; their subscriptions and consents go with them
        IssuedDocument,  # the demo cases' permits (their files are the test's media)
        DocumentBatch,  # the demo print batch
        Case,  # its timeline, questions and files go with it
        WorkflowVersion,
        Workflow,
        Submission,
        FormVersion,
        FormDefinition,
        ReferenceCounter,  # the cases' references, so a later test counts from 1 again
        Message,  # the demo cases' messages; their events go with them
        MessageStateCount,
        TemplateText,
        MessageTemplate,
        AccessLogEntry,
        Representative,
        OrganisationAddress,
        Organisation,
        HouseholdMembership,
        Household,
        Person,
        Address,
        Street,
        User,
        ProductSnapshot,
        Product,
        Municipality,  # its postcodes, departments and opening hours go with it
    ):
        model.objects.all().delete()
