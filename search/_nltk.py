"""The parts of NLTK medsearch uses (Snowball, Punkt), imported without SciPy.

Importing any NLTK module runs ``nltk/__init__``, which imports ``nltk.metrics`` and with it
``scipy.stats``, for a Fisher's exact test NLTK offers and medsearch never calls (NLTK falls
back to a stub when SciPy is missing). SciPy is installed here for the evaluation tools
(ir-measures), and in every web worker it would cost ~1 s of start-up and ~60 MB. So SciPy is
hidden for the moment NLTK is first imported, and nothing else changes: SciPy imports normally
afterwards for whoever needs it.
"""

from __future__ import annotations

import sys


def _import_nltk_without_scipy() -> None:
    if "nltk" in sys.modules or "scipy" in sys.modules:
        return
    sys.modules["scipy"] = None  # type: ignore[assignment]  # makes `import scipy` fail
    try:
        import nltk  # noqa: F401
    finally:
        del sys.modules["scipy"]


_import_nltk_without_scipy()

from nltk.stem.snowball import SnowballStemmer  # noqa: E402
from nltk.tokenize import punkt  # noqa: E402
from nltk.tokenize.punkt import (  # noqa: E402
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
    PunktTrainer,
)

__all__ = [
    "PunktParameters",
    "PunktSentenceTokenizer",
    "PunktToken",
    "PunktTrainer",
    "SnowballStemmer",
    "punkt",
]
