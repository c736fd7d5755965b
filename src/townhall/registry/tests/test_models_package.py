"""The registry's models package: no import loop with the modules that use it, and the
same Django model identity as before the split (so no migration)."""

import grimp
import pytest
from django.apps import apps

PACKAGE = "townhall.registry.models"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("townhall", cache_dir=None)


def test_the_models_import_nothing_that_imports_them_back(graph):
    models = {PACKAGE, *graph.find_descendants(PACKAGE)}
    outside = {
        imported
        for module in models
        for imported in graph.find_modules_directly_imported_by(module)
        if imported not in models
    }
    loops = sorted(
        (module, target)
        for module in outside
        for target in models
        if graph.chain_exists(importer=module, imported=target)
    )
    assert loops == [], loops


def test_each_model_module_imports_its_siblings_not_the_package(graph):
    # A sibling importing the package would run __init__, which imports that sibling.
    for module in graph.find_descendants(PACKAGE):
        assert PACKAGE not in graph.find_modules_directly_imported_by(module), module


def test_corrections_do_not_import_the_my_data_read_model(graph):
    assert not graph.chain_exists(
        importer="townhall.registry.corrections", imported="townhall.registry.my_data"
    )


def test_the_models_keep_their_app_label_names_and_tables():
    names = {
        model.__name__: model._meta.db_table
        for model in apps.get_app_config("registry").get_models()
    }
    assert names == {
        "AccessLogEntry": "registry_accesslogentry",
        "Address": "registry_address",
        "AssociationActivity": "registry_associationactivity",
        "Consent": "registry_consent",
        "ContactPreference": "registry_contactpreference",
        "CorrectionRequest": "registry_correctionrequest",
        "Household": "registry_household",
        "HouseholdMembership": "registry_householdmembership",
        "Organisation": "registry_organisation",
        "OrganisationActivity": "registry_organisationactivity",
        "OrganisationAddress": "registry_organisationaddress",
        "Person": "registry_person",
        "Street": "registry_street",
        "RecordSource": "registry_recordsource",
        "RegisterFeedPosition": "registry_registerfeedposition",
        "Representative": "registry_representative",
        "TopicPreference": "registry_topicpreference",
        # The register's history (registry.models.history), one twin per model kept.
        "HistoricalAddress": "registry_historicaladdress",
        "HistoricalStreet": "registry_historicalstreet",
        "HistoricalHousehold": "registry_historicalhousehold",
        "HistoricalHouseholdMembership": "registry_historicalhouseholdmembership",
        "HistoricalOrganisation": "registry_historicalorganisation",
        "HistoricalOrganisationAddress": "registry_historicalorganisationaddress",
        "HistoricalPerson": "registry_historicalperson",
        "HistoricalRepresentative": "registry_historicalrepresentative",
    }


def test_the_old_import_paths_still_give_the_same_models():
    from townhall.registry import corrections, preferences, provenance
    from townhall.registry import models as registry_models

    assert corrections.CorrectionRequest is registry_models.CorrectionRequest
    assert preferences.ContactPreference is registry_models.ContactPreference
    assert provenance.RecordSource is registry_models.RecordSource
    for name in registry_models.__all__:
        assert getattr(registry_models, name) is not None
