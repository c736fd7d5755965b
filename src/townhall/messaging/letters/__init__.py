"""Paper letters (brieven): a day's letters rendered as one print-batch PDF.

See :mod:`townhall.messaging.letters.render` for the flow.
"""

from townhall.messaging.letters.layout import Letter, Letterhead
from townhall.messaging.letters.render import letters_render_pdf

__all__ = ["Letter", "Letterhead", "letters_render_pdf"]
