"""The index schema, defined once for the indexer and the engine.

Field boosts are not set here: they are query-time weights (``search.ranking``), so they can be
tuned without a rebuild.
"""

from __future__ import annotations

from whoosh.fields import ID, STORED, TEXT, Schema

from search.analysis import text_analyzer

# Bumped when the schema or analysis changes in a way that needs a rebuild; the engine refuses
# to serve a build made with another version. 2: builds carry postings arrays (search.postings);
# 3: and their tokens' forms (search.analysis.SurfaceForms).
SCHEMA_VERSION = 3


def build_schema() -> Schema:
    text = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=text, stored=True),
        body=TEXT(analyzer=text, stored=True),
        # Indexed: the focus name and its synonyms; stored: the name alone (``_stored_focus``).
        focus=TEXT(analyzer=text, stored=True),
        # Normalised focus name: exact same-focus matching (boosts, related articles).
        focus_key=ID(stored=True),
        source=ID(stored=True, sortable=True),
        qtype=ID(stored=True, sortable=True),
        url=STORED,
        synonyms=STORED,
        related=STORED,
    )
