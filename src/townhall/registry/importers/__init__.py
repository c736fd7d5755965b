"""Importers of the authentic open-data sources into the base registers ("once-only").

1. Each source has an importer class, registered by name (:mod:`.registry`):
   ``best`` (addresses, :mod:`.best`) and ``kbo`` (organisations, :mod:`.kbo`).
2. A management command per source (:mod:`.command`) runs it: ``import_addresses``,
   ``import_enterprises``.
3. The shared machinery (:mod:`.base`) streams the file (:mod:`.reading`), applies
   it in batches, records each run and its rejected rows (:mod:`.models`), and
   resumes an interrupted run; :mod:`.writing` does the bulk database work.

``docs/imports.md`` describes the rules for operators and how to add an importer.
"""
