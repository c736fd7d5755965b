"""The receipt of a submission (ontvangstbewijs) as a PDF, rendered with WeasyPrint.

1. :func:`receipt_context` gathers what the receipt says: the municipality
   (name, logo, address), the reference, the date and time it was handed in,
   the form and its version, every answer as the check step showed it
   (:func:`~townhall.eforms.summary.answers_summary`, so the two never
   differ), and for an anonymous visitor the tracking code, when their
   session still holds it, with where to follow the request.
2. :func:`receipt_pdf` writes it with the template ``eforms/receipt/receipt.html``
   and its stylesheet, in the page's language, through the one renderer
   (:mod:`townhall.pdf`). The logo comes from the storage as a ``data:`` URI,
   the only protocol the renderer fetches.
3. The receipt says it is a receipt, not a sealed document: sealed
   documents come with the documents app.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from townhall.eforms.rules import evaluate
from townhall.eforms.summary import answers_summary
from townhall.eforms.text import text_in
from townhall.messaging.letters.layout import Letterhead
from townhall.municipality.branding import logo_data_uri
from townhall.municipality.selectors import municipality_get_active
from townhall.pdf import pdf_render

TEMPLATE = "eforms/receipt/receipt.html"
STYLESHEET = Path(__file__).parent / "templates" / TEMPLATE.replace("receipt.html", "receipt.css")


def receipt_context(submission, *, tracking_code: str = "", language: str) -> dict:
    """What the receipt of ``submission`` shows (see the module's steps)."""
    definition = submission.version.parsed
    values = submission.answers["values"]
    municipality = municipality_get_active()
    submitted = timezone.localtime(submission.submitted_at)
    return {
        "language": language,
        "letterhead": Letterhead.from_municipality(municipality, language)
        if municipality
        else None,
        "logo": logo_data_uri(municipality),
        "submission": submission,
        "submitted": submitted,
        "form_title": text_in(definition.raw["title"], language),
        "version": submission.version.number,
        "summary": answers_summary(definition, evaluate(definition, values), values),
        "tracking_code": tracking_code if submission.user_id is None else "",
        "tracking_url": f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}{reverse('eforms:track')}",
    }


def receipt_pdf(submission, *, tracking_code: str = "", language: str) -> bytes:
    """The receipt of ``submission`` as PDF bytes (call with the page's language active)."""
    html = render_to_string(
        TEMPLATE, receipt_context(submission, tracking_code=tracking_code, language=language)
    )
    return pdf_render(html, stylesheet=STYLESHEET)
