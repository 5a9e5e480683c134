"""MedQuAD as published: one XML document per focus, one or more question-answer pairs.

Three layouts occur in the release: ``<Document source=… ><Focus/><QAPairs><QAPair pid>…``
(almost all files), the same under ``<DiseaseFile>`` (one CDC file) and an older
``<doc corpus=…><doctitle-focus/><qaPairs><pair pid>…`` (four NINDS files).

Ids are ``<source>_<file stem>_<pid>`` (e.g. ``GARD_0004375_1``): readable, and stable across
builds because they come from names in the release, not from reading order. The file stem is
used rather than the document id because a few CancerGov files share a document id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, fromstring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from search.corpus.records import Article, Problem

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([?.,;:!])")
# Runs of blanks become one space. A lone space already is one: matching only longer runs and
# other blanks gives the same text as ``[ \t\r\f\v]+`` without rebuilding every line.
_SPACES = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")
# An XML declaration naming an encoding other than UTF-8 (or its ASCII subset).
_OTHER_ENCODING = re.compile(
    r"<\?xml[^>]*encoding\s*=\s*[\"'](?!(?:utf-?8|us-ascii|ascii)[\"'])", re.IGNORECASE
)

# Element names of the two layouts: (pairs, question, answer, focus).
_LAYOUTS = {
    "Document": ("QAPairs/QAPair", "Question", "Answer", "Focus"),
    "DiseaseFile": ("QAPairs/QAPair", "Question", "Answer", "Focus"),
    "doc": ("qaPairs/pair", "question", "answer", "doctitle-focus"),
}


def _clean(text: str | None) -> str:
    # ``splitlines`` ends lines at \r, \f and \v too, so within a line only a double space or a
    # tab can need rewriting; most lines need none, and ``in`` finds that out fastest.
    lines = (
        (_SPACES.sub(" ", line) if "  " in line or "\t" in line else line).strip()
        for line in (text or "").splitlines()
    )
    return "\n".join(line for line in lines if line)


def _question(text: str | None) -> str:
    # "What is (are) Acne ?" -> "What is (are) Acne?"
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _clean(text)).replace("\n", " ")


def _synonyms(root: Element) -> tuple[str, ...]:
    names = (_clean(s.text) for s in root.iterfind("FocusAnnotations/Synonyms/Synonym"))
    return tuple(dict.fromkeys(n for n in names if n))


def _parse(data: bytes) -> Element:
    """The document element of ``data``.

    Entities can only be declared in a DTD, so a UTF-8 document without ``<!DOCTYPE`` can
    expand no entity and reference nothing outside: the C parser reads it (3x faster than
    defusedxml's Python-level parser, the same tree). Anything else (a DTD, another encoding,
    bytes that are not UTF-8, where a byte search could miss a DTD) goes through defusedxml,
    which refuses entity declarations and external references.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "<!DOCTYPE" in text or _OTHER_ENCODING.match(text.lstrip("\ufeff")):
        return defused_fromstring(data)  # type: ignore[no-any-return]
    return fromstring(data)  # noqa: S314 (no DTD: see above)


def read(file: Path, root: Path) -> Iterator[Article | Problem]:
    try:
        doc = _parse(file.read_bytes())
    except ParseError as exc:
        line, column = exc.position
        yield Problem(str(file), line, f"malformed XML at column {column}: {exc.msg}")
        return
    except DefusedXmlException as exc:
        yield Problem(str(file), None, f"refused XML: {exc}")
        return

    layout = _LAYOUTS.get(doc.tag)
    if layout is None:
        yield Problem(str(file), 1, f"not a MedQuAD document (root element <{doc.tag}>)")
        return
    pairs_path, question_tag, answer_tag, focus_tag = layout
    # The folder name ("2_GARD_QA") stands in where a file does not name its source.
    source = doc.get("source") or doc.get("corpus") or file.parent.name
    focus = _clean(doc.findtext(focus_tag))
    synonyms = _synonyms(doc)
    url = doc.get("url", "")
    path = str(file)  # one string for the file's problems: pickled once in a brief

    for pair in doc.iterfind(pairs_path):
        question = pair.find(question_tag)
        pid = pair.get("pid", "")
        qid = question.get("qid", pid) if question is not None else pid
        asked = (question.text if question is not None else "") or ""
        body = _clean(pair.findtext(answer_tag))
        # (``_clean`` empties exactly the blank texts; two pairs in three have no answer, so
        # their question is not cleaned)
        if not asked.strip():
            yield Problem(path, None, f"pair {qid}: no question text")
            continue
        if not body:
            yield Problem(path, None, "no answer text", malformed=False)
            continue
        yield Article(
            id=f"{source}_{file.stem}_{pid}",
            title=_question(asked),
            body=body,
            url=url,
            source=source,
            focus=focus,
            qtype=(question.get("qtype", "") if question is not None else "").strip().lower(),
            synonyms=synonyms,
        )
