"""A broadcast's stored selection names its street by the register's Street, not by
the street's name: re-sending or previewing it after a rename still reaches the
street's residents.

The name was matched case-insensitively (and within the postcode, when the
selection gave one), as the selection did. A name that matches no street gets a
retired street of that name without addresses, so the selection still reaches
nobody there (as before) and its label keeps the name.
"""

from django.db import migrations


def selections_by_street(apps, schema_editor):
    Broadcast = apps.get_model("messaging", "Broadcast")
    Street = apps.get_model("registry", "Street")
    for broadcast in Broadcast.objects.exclude(selection={}).only("pk", "selection").iterator():
        selection = dict(broadcast.selection)
        name = selection.get("street")
        if not isinstance(name, str):
            continue
        if not name:
            selection["street"] = None
        else:
            streets = Street.objects.filter(name__iexact=name)
            if selection.get("postcode"):
                streets = streets.filter(postcode=selection["postcode"])
            street = streets.order_by("pk").first()
            if street is None:
                street = Street.objects.create(
                    name=name,
                    postcode=selection.get("postcode", ""),
                    status="retired",
                    key=f"{selection.get('postcode', '')}|{name.casefold()}",
                )
            selection["street"] = street.pk
        Broadcast.objects.filter(pk=broadcast.pk).update(selection=selection)


def selections_by_name(apps, schema_editor):
    Broadcast = apps.get_model("messaging", "Broadcast")
    Street = apps.get_model("registry", "Street")
    names = dict(Street.objects.values_list("pk", "name"))
    for broadcast in Broadcast.objects.exclude(selection={}).only("pk", "selection").iterator():
        selection = dict(broadcast.selection)
        if "street" not in selection or isinstance(selection["street"], str):
            continue
        selection["street"] = names.get(selection["street"], "")
        Broadcast.objects.filter(pk=broadcast.pk).update(selection=selection)


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0008_field_labels"),
        ("registry", "0010_streets_from_addresses"),
    ]

    operations = [migrations.RunPython(selections_by_street, selections_by_name)]
