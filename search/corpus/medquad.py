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
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse

from search.corpus.records import Article, Problem

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([?.,;:!])")
_SPACES = re.compile(r"[ \t\r\f\v]+")

# Element names of the two layouts: (pairs, question, answer, focus).
_LAYOUTS = {
    "Document": ("QAPairs/QAPair", "Question", "Answer", "Focus"),
    "DiseaseFile": ("QAPairs/QAPair", "Question", "Answer", "Focus"),
    "doc": ("qaPairs/pair", "question", "answer", "doctitle-focus"),
}


def _clean(text: str | None) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def _question(text: str | None) -> str:
    # "What is (are) Acne ?" -> "What is (are) Acne?"
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _clean(text)).replace("\n", " ")


def _synonyms(root: Element) -> tuple[str, ...]:
    names = (_clean(s.text) for s in root.iterfind("FocusAnnotations/Synonyms/Synonym"))
    return tuple(dict.fromkeys(n for n in names if n))


def read(file: Path, root: Path) -> Iterator[Article | Problem]:
    try:
        doc = parse(file).getroot()
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

    for pair in doc.iterfind(pairs_path):
        question = pair.find(question_tag)
        pid = pair.get("pid", "")
        qid = question.get("qid", pid) if question is not None else pid
        title = _question(question.text if question is not None else "")
        body = _clean(pair.findtext(answer_tag))
        if not title:
            yield Problem(str(file), None, f"pair {qid}: no question text")
            continue
        if not body:
            yield Problem(str(file), None, "no answer text", malformed=False)
            continue
        yield Article(
            id=f"{source}_{file.stem}_{pid}",
            title=title,
            body=body,
            url=url,
            source=source,
            focus=focus,
            qtype=(question.get("qtype", "") if question is not None else "").strip().lower(),
            synonyms=synonyms,
        )
