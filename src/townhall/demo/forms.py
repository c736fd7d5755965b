"""The demo's online forms: the shipped examples (resident parking card, illegal dumping)."""

from townhall.eforms.services import form_examples_load


def demo_forms_create() -> int:
    """Create and publish the example forms (those not made yet); how many there are."""
    return len(form_examples_load())
