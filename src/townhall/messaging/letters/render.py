"""The day's print batch: many letters rendered as one PDF, on every core.

1. :func:`letters_render_pdf` checks the whole batch first (a letter without an
   address cannot be posted) and looks up one letterhead per language, so the
   workers get plain data and never touch the database.
2. The letters are cut into chunks of at most :data:`CHUNK_SIZE`, in order.
   One WeasyPrint document of 200 letters renders faster than 200 documents,
   and a chunk bounds a worker's memory.
3. Each chunk is rendered in a worker: Django's template engine writes the
   HTML, one letter at a time in its own language; WeasyPrint lays the chunk
   out as one document, where every letter starts on a new page and is its
   own page group (the page counter restarts per letter).
4. After the layout the worker counts each letter's pages. If a letter runs
   over one page, the chunk is laid out again with the counts, and the longer
   letters print their reference and "page x of y" at the foot of every page
   (one-page letters, the usual case, cost one layout and have no footer).
   The chunk is written to a temporary PDF.
5. The parent joins the chunk PDFs with pypdf in the batch's order as they
   arrive, writes the batch next to ``path`` and renames it into place.

Processes: ``processes=1`` renders in this process; otherwise the renderer's
pool (:func:`townhall.pdf.pdf_pool`), started from the thread that calls this
function, which should be the only thread (a task worker's, a command's).
"""

import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from pypdf import PdfWriter

from townhall.messaging.letters.layout import Letter, Letterhead, chunk_html, letter_problem
from townhall.pdf import pdf_layout, pdf_pool

CHUNK_SIZE = 200
STYLESHEET = Path(__file__).resolve().parent.parent / "templates/messaging/letters/letter.css"


def letters_render_pdf(
    *,
    letters: Sequence[Letter],
    letterhead_for: Callable[[str], Letterhead] | Mapping[str, Letterhead],
    path: Path,
    processes: int | None = None,
) -> int:
    """Render ``letters`` as one PDF at ``path``, in order; return its page count.

    Raises ValueError, before rendering anything, for an empty batch or a
    letter that cannot be posted (no address, too many address lines, an
    unknown language); the message names the letter's reference.
    """
    if not letters:
        raise ValueError("No letters to render: a print batch needs at least one letter.")
    problems = [problem for letter in letters if (problem := letter_problem(letter))]
    if problems:
        raise ValueError("; ".join(problems))
    letterheads = _letterheads(letters, letterhead_for)
    processes = max(1, processes or os.cpu_count() or 1)
    size = min(CHUNK_SIZE, math.ceil(len(letters) / processes))
    chunks = [letters[start : start + size] for start in range(0, len(letters), size)]
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix=".letters-", dir=path.parent) as workdir:
        jobs = [
            (list(chunk), letterheads, str(Path(workdir) / f"chunk-{index:05d}.pdf"))
            for index, chunk in enumerate(chunks)
        ]
        partial = Path(workdir) / "batch.pdf"
        pages = _join(_rendered(jobs, min(processes, len(jobs))), partial)
        os.replace(partial, path)
    return pages


def _letterheads(letters, letterhead_for) -> dict[str, Letterhead]:
    """One letterhead per language of the batch, resolved here (not in a worker)."""
    letterheads = {}
    for language in sorted({letter.language for letter in letters}):
        try:
            if isinstance(letterhead_for, Mapping):
                letterheads[language] = letterhead_for[language]
            else:
                letterheads[language] = letterhead_for(language)
        except KeyError:
            raise ValueError(f"No letterhead for the language {language!r}.") from None
    return letterheads


def _rendered(jobs: list, processes: int) -> Iterator[tuple[str, int]]:
    """(chunk PDF path, page count) for each job, in the jobs' order."""
    if processes == 1:
        yield from map(_render_chunk, jobs)
        return
    with pdf_pool(processes) as pool:
        yield from pool.imap(_render_chunk, jobs)
        pool.close()
        pool.join()


def _join(parts: Iterator[tuple[str, int]], path: Path) -> int:
    """Append the chunk PDFs to one document at ``path``; return its page count."""
    writer = PdfWriter()
    pages = 0
    for part, count in parts:
        writer.append(part)
        pages += count
    writer.write(path)
    return pages


def _render_chunk(job) -> tuple[str, int]:
    """Render one chunk of letters to a PDF file; return its path and page count."""
    letters, letterheads, out = job

    def layout(pages=None):
        return pdf_layout(chunk_html(letters, letterheads, pages), stylesheet=STYLESHEET)

    document = layout()
    counts = _pages_per_letter(document, len(letters))
    if any(count != 1 for count in counts):
        document = layout(counts)
    document.write_pdf(out)
    return out, len(document.pages)


def _pages_per_letter(document, letters: int) -> list[int]:
    """How many pages each letter of a laid-out chunk fills.

    Every page carries the anchor of the letter (``letter-<n>``) it belongs to.
    """
    counts = [0] * letters
    for page in document.pages:
        for anchor in page.anchors:
            if anchor.startswith("letter-"):
                counts[int(anchor.removeprefix("letter-"))] += 1
    return counts
