"""The one HTML-to-PDF renderer (WeasyPrint) that letters, receipts and documents use.

It sits below every app, so messaging's letters and the documents app share it
without one importing the other. What it guarantees:

- **Nothing is fetched.** The URL fetcher allows ``data:`` URIs only (a logo
  inlined by :func:`townhall.municipality.branding.logo_data_uri`, a QR code):
  a template can never make the renderer read a file of the server or reach
  the network, whatever text a resident or an administrator put in it.
- **A stylesheet is parsed once per process** with its font configuration
  (WeasyPrint's parse of a stylesheet and its fonts costs more than a short
  page); the cache is keyed on the process id as well, so a forked print
  worker builds its own instead of sharing the parent's font handles.

:func:`pdf_layout` returns the laid-out document for callers that look at the
pages before writing (the letter batch counts each letter's pages);
:func:`pdf_render` is the usual call and returns the PDF's bytes.

:func:`pdf_pool` is the pool of worker processes that render a print batch (the
day's letters, a batch of documents) on every core: *fork* where the platform
has it, so the workers inherit the set-up Django (app registry, settings,
translation catalogues) and need no second ``django.setup()``. Start it from the
thread that calls it, which should be the only one (a task worker's, a
command's): forking a process that runs other threads can copy a held lock.
Where fork is missing (macOS, Windows) the workers are spawned and set Django up
themselves from ``DJANGO_SETTINGS_MODULE``. Workers never use the inherited
database connections, and leave without closing them.
"""

import multiprocessing
import os
from functools import cache
from pathlib import Path


def _fetch_nothing_but_data():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",))


@cache
def _resources(stylesheet: str, pid: int):
    """The parsed ``stylesheet`` and its font configuration, once per process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(filename=stylesheet, font_config=fonts, url_fetcher=_fetch_nothing_but_data()), fonts


def pdf_layout(html: str, *, stylesheet: Path | str):
    """``html`` laid out with ``stylesheet``: a WeasyPrint document (``.pages``, ``.write_pdf``)."""
    from weasyprint import HTML

    css, fonts = _resources(str(stylesheet), os.getpid())
    document = HTML(string=html, url_fetcher=_fetch_nothing_but_data(), base_url=str(stylesheet))
    return document.render(stylesheets=[css], font_config=fonts)


def pdf_render(html: str, *, stylesheet: Path | str) -> bytes:
    """``html`` with ``stylesheet`` as PDF bytes."""
    return pdf_layout(html, stylesheet=stylesheet).write_pdf()


def pdf_pool(processes: int):
    """A pool of ``processes`` rendering workers; a context manager (``with pdf_pool(2)``)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return context.Pool(processes, initializer=_worker_setup)


def _worker_setup() -> None:
    """Set Django up in a spawned worker; forked ones inherit it."""
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()
