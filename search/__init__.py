"""medsearch's search library: corpus loaders, indexing and the question-aware engine.

Free of any web framework; the web app and the CLI are thin layers over ``Engine``.
"""

from search.engine import ArticleView, Engine, Hit, IndexUnavailable, Results

__all__ = ["ArticleView", "Engine", "Hit", "IndexUnavailable", "Results"]
