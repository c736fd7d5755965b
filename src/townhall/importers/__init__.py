"""Importers of the authentic sources into the base registers ("once-only").

An app of its own above ``registry``: the importers write the registers, the
registers never import them.

1. Each source has an importer class, registered by name (:mod:`.registry`;
   :class:`~townhall.importers.apps.ImportersConfig` imports them): ``best``
   (addresses, :mod:`.best`), ``kbo`` (organisations, :mod:`.kbo`) and
   ``population`` (persons and households, :mod:`.population`).
2. A management command per source (:mod:`.command`) runs it: ``import_addresses``,
   ``import_enterprises``, ``import_population``.
3. The shared machinery (:mod:`.base`) streams the file (:mod:`.reading`), applies
   it in batches, records each run and its rejected rows (:mod:`.models`), and
   resumes an interrupted run; :mod:`.writing` does the bulk database work.

``docs/imports.md`` describes the rules for operators and how to add an importer.
"""
