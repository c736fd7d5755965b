"""Search of the catalogue, for residents: "gezin" finds the household composition
certificate (attest gezinssamenstelling).

1. A query is cut to its first :data:`MAX_QUERY_LENGTH` characters and split into
   words of letters and digits (:func:`query_terms`); everything else (quotes,
   ``*``, ``NEAR(``, NUL bytes, operators) is a separator, so no input reaches the
   full-text engines' own syntax. At most :data:`MAX_TERMS` words count.
2. Every word is a prefix (Dutch glues words together): PostgreSQL matches
   ``to_tsvector('dutch', search_text) @@ to_tsquery('dutch', 'gezin:* & ...')``
   (a GIN index of migration ``0002_search``); SQLite, in the demo, matches
   ``"gezin"*`` in an FTS5 table kept by :func:`product_index`.
3. ``search_text`` holds every text of the product in every language and its
   keywords and synonyms, so a product is found by the words its residents use.
4. When nothing matches, a typo is forgiven: the words are compared with the
   titles and keywords by trigram similarity (``pg_trgm``'s ``word_similarity`` on
   PostgreSQL; on SQLite the same measure in Python over the published products'
   titles and keywords, a few hundred short rows).
"""

import re
import unicodedata

from django.db import connection
from django.utils.html import strip_tags

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_SIMILARITY = 0.45
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents, as FTS5's ``remove_diacritics`` reads it."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_terms(query: str) -> list[str]:
    """The words of a resident's query (at most MAX_TERMS, letters and digits only)."""
    text = (query or "")[:MAX_QUERY_LENGTH].replace("\x00", " ")
    return [fold(word) for word in WORD.findall(text)][:MAX_TERMS]


def search_fields(product) -> tuple[str, str]:
    """``search_text`` (every text, every language, keywords) and ``search_words``
    (titles and keywords), as the services store them."""
    from townhall.catalog.models import TEXT_FIELDS

    texts = []
    for name in TEXT_FIELDS:
        for field in (name, f"{name}_fr", f"{name}_en"):
            texts.append(strip_tags(getattr(product, field) or ""))
    keywords = " ".join(product.keyword_list())
    titles = " ".join([product.title, product.title_fr, product.title_en])
    return fold(" ".join([keywords, *texts])), fold(f"{titles} {keywords}")


def product_index(product) -> None:
    """Keep the SQLite FTS5 row of a product in step (PostgreSQL indexes the column)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_product_fts WHERE rowid = %s", [product.pk])
        cursor.execute(
            "INSERT INTO catalog_product_fts (rowid, body) VALUES (%s, %s)",
            [product.pk, product.search_text],
        )


def matching_ids(terms: list[str]) -> list[int]:
    """Ids of published products matching every term as a prefix, best first (one query)."""
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM catalog_product WHERE status = 'published' AND "
                "to_tsvector('dutch'::regconfig, search_text) @@ "
                "to_tsquery('dutch'::regconfig, %s) "
                "ORDER BY ts_rank(to_tsvector('dutch'::regconfig, search_text), "
                "to_tsquery('dutch'::regconfig, %s)) DESC, title",
                [" & ".join(f"{t}:*" for t in terms)] * 2,
            )
        else:
            match = " AND ".join(f'"{t}"*' for t in terms)
            cursor.execute(
                "SELECT p.id FROM catalog_product_fts f JOIN catalog_product p ON p.id = f.rowid "
                "WHERE catalog_product_fts MATCH %s AND p.status = 'published' "
                "ORDER BY f.rank, p.title",
                [match],
            )
        return [row[0] for row in cursor.fetchall()]


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def word_similarity(term: str, text: str) -> float:
    """pg_trgm's idea in small: the best similarity of ``term`` to one word of ``text``."""
    wanted = trigrams(term)
    best = 0.0
    for word in WORD.findall(text):
        found = trigrams(word)
        best = max(best, len(wanted & found) / len(wanted | found))
    return best


def similar_ids(terms: list[str]) -> list[int]:
    """Ids of published products whose titles or keywords are close to every term (a typo)."""
    terms = [t for t in terms if len(t) >= 3]
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            conditions = " AND ".join(["word_similarity(%s, search_words) >= %s"] * len(terms))
            params = [p for t in terms for p in (t, MIN_SIMILARITY)]
            # Only fixed text and placeholders are joined; the terms are parameters.
            cursor.execute(
                f"SELECT id FROM catalog_product WHERE status = 'published' AND {conditions} "  # noqa: S608
                "ORDER BY word_similarity(%s, search_words) DESC, title",
                [*params, terms[0]],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id, search_words FROM catalog_product WHERE status = 'published' ORDER BY title"
        )
        scored = []
        for pk, words in cursor.fetchall():
            scores = [word_similarity(t, words) for t in terms]
            if min(scores) >= MIN_SIMILARITY:
                scored.append((-sum(scores), pk))
        return [pk for _score, pk in sorted(scored)]
