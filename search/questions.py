"""From a reader's question to a Whoosh query — pure functions, testable without an index.

A question is understood in four steps: politeness, greetings and signatures go
(``normalise``); in a long message the sentences that ask are found (``asked_part``); the kind
of answer wanted is recognised (``question_types``); the condition, drug or test asked about is
found among the index's focus names and their synonyms (``FocusIndex``). ``build_query`` then
asks for the question's words in every field and rewards the articles whose focus and question
type match. User text is never handed to Whoosh's query parser: "?", "*", ":", quotes and
brackets are plain characters here, and a trailing "?" cannot become a wildcard.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from whoosh import query

from search.analysis import stem, terms
from search.ranking import WEIGHTS, Asked, Weights
from search.synonyms import MAX_PHRASE, Phrase, SynonymTable, curated, name_phrase

FIELDS = ("title", "focus", "body")

# -- question types -------------------------------------------------------------------------

# Canonical question types: the phrases that ask for them, and the article types (MedQuAD's
# ``qtype`` values, which the starter corpus uses too) that answer them. Order matters only for
# reading; every type whose cue appears is reported.
QUESTION_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "causes": (
        r"\bcaus|\bwhy (do|does|did|would|is|are|am|can|might)\b|\breasons?\b|\bwhat makes\b"
        r"|\btrigger|\bhow (do|does|did|can) (you|i|people|someone|one|a person) (get|catch)\b"
        r"|\bmakes? (you|me|him|her|them|people)\b|\bturn into\b"
        r"|\bcome back\b|\brecur",
        ("causes",),
    ),
    "symptoms": (
        r"\bsymptom|\bsigns?\b|\bhow (do|would|can) (i|you) (know|tell)\b|\bfeel like\b"
        r"|\bwhat does .* (feel|look) like\b|\bdoes (it|.*) hurt\b|\bnot notice\b|\bnotice\b"
        r"|\bwarning signs?\b|\bcould (it|this|that) be\b"
        r"|\b(is|are) (it|this|that|these) (a )?signs?\b",
        ("symptoms",),
    ),
    "treatment": (
        r"\btreat|\bcure|\btherap|\bremed|\bget rid of\b|\bmanage|\bmedicines? for\b"
        r"|\bmedications? for\b|\bdrugs? for\b|\bpills? for\b|\bsurgery for\b|\bhelp (with|for)\b"
        r"|\bwhat (can|should) (i|we|you) do\b|\bhow to (stop|relieve|heal|fix)\b|\brelie"
        r"|\bantibiotics?\b|\bmedicine for\b|\btake medicine\b|\bdoes .* help\b|\bsplint\b"
        r"|\b(need|have|get) (an? )?(surgery|operation)\b|\bkeep .* under control\b|\bcontrol",
        ("treatment",),
    ),
    "diagnosis": (
        r"\btests?\b|\btesting\b|\bscreen|\bdetect|\bexam|\bscan\b|\bcheck(ed)? for\b"
        r"|\bbiopsy\b|\bhow (do|can|would) (doctors?|they|you|i) (know|tell|find out|diagnose)\b"
        r"|\bhow (is|are) .* diagnosed\b|\bdiagnose\b|\bget .* checked\b|\bcheck-?ups?\b",
        ("exams and tests",),
    ),
    "prevention": (
        r"\bprevent|\bavoid|\bstop .* (getting|from)\b|\b(lower|reduce|cut)s? .*(risk|chances?)\b"
        r"|\bprotect|\bmake sure .* (not|don'?t)\b"
        r"|\bvaccin|\bshots?\b|\bkeep .* from (getting|coming)\b|\bcome back\b",
        ("prevention",),
    ),
    "outlook": (
        r"\boutlook\b|\bprognos|\blife ?(expectancy|span)\b|\bsurviv|\bdie (of|from)\b|\bfatal"
        r"|\bdeadly\b|\bcurable\b|\brecover|\bhow long (will|does|do|can) (it|they|i|you|.*) "
        r"(live|last)\b|\bgo away\b|\bback to normal\b|\bprogress|\bget worse\b|\bnormal life\b"
        r"|\blifespan\b",
        ("outlook",),
    ),
    "inheritance": (
        r"\bhereditar|\binherit|\bgenetic\b|\brun(s)? in (the )?famil"
        r"|\bpass(ed|ing)? (it )?(on|down)\b(?! (its|it's) own)"
        r"|\bpass(ing)? .* to (my|our|his|her|their) (kids|children|baby|son|daughter)"
        r"|\bfrom (my|their|his|her) (parents?|mother|father|mom|dad)\b|\bcarrier"
        r"|\bneither parent\b|\bget it too\b|\bin (the|our|my) family\b|\bpassed (down )?from\b"
        r"|\bwill (my|our|his|her|their) (kids|children|son|daughter|baby|babies) (get|have|be)\b",
        ("inheritance",),
    ),
    "genetic changes": (r"\bgenes?\b|\bmutation|\bchromosom", ("genetic changes",)),
    "frequency": (
        r"\bhow (common|rare|often does)\b|\bhow many\b(?! times)|\bprevalen|\bincidence\b"
        r"|\bis it (rare|common)\b|\bwhat percent",
        ("frequency",),
    ),
    "susceptibility": (
        r"\bat risk\b|\brisk\b|\bwho (gets|is likely|can get)\b|\b(more|most) likely\b"
        r"|\bhow (do|does|did|can) (you|i|people|someone|one|a person) (get|catch)\b"
        r"|\bsusceptib|\bcontagious\b|\bcatching\b|\binfectious\b|\bspread|\braises? (my|your|the)"
        r"|\bchances? of (getting|having)\b|\bcan (i|you) (get|catch)\b",
        ("susceptibility",),
    ),
    "complications": (
        r"\bcomplication|\blong[- ]term effects?\b|\bwhat happens if\b|\blead to\b|\bdamage\b"
        r"|\bif (it is|it's|left) untreated\b|\bturn into\b|\bstill (has|have) \b"
        r"|\bafter effects?\b",
        ("complications",),
    ),
    "side effects": (
        r"\bside[- ]effects?\b|\badverse\b|\breactions? to\b|\bsafe to take\b|\bis it safe\b",
        ("side effects", "precautions", "important warning"),
    ),
    "dosage": (
        r"\bdos(e|es|age|ing)\b|\bhow (much|many|often) (should|can|do) i take\b|\bmg\b"
        r"|\bmissed (a )?dose\b|\bforg[eo]t\b",
        ("dose", "usage", "forget a dose"),
    ),
    "usage": (
        r"\bhow (do|should) i (take|use)\b|\bwhat is .* used for\b|\bused (for|to treat)\b"
        r"|\bindicat|\bwhy (is|was) .* prescribed\b",
        ("usage", "indication"),
    ),
    "interactions": (
        r"\binteract|\btake .* with\b|\bmix(ing)? .* with\b|\btogether with\b|\bcombine",
        (
            "interactions with medications",
            "interactions with herbs and supplements",
            "interactions with foods",
        ),
    ),
    "research": (
        r"\bresearch|\bclinical trials?\b|\bstud(y|ies|ying)\b|\bnew treatments?\b|\bscientists\b",
        ("research",),
    ),
    "stages": (r"\bstages?\b|\bstaging\b", ("stages",)),
    "information": (
        r"^\s*(what|who) (is|are)\b|\btell me about\b|\binformation (on|about)\b|\bexplain\b"
        r"|\bwhat does .* mean\b|\bmeaning of\b|\bdefin",
        ("information",),
    ),
}
_TYPE_CUES = {name: re.compile(cue) for name, (cue, _) in QUESTION_TYPES.items()}


# When several types are asked for, the most specific comes first: "which gene causes X" asks
# for genetic changes more than causes; "what can I do so they don't come back", prevention.
PRIORITY = (
    "genetic changes",
    "inheritance",
    "side effects",
    "interactions",
    "dosage",
    "usage",
    "stages",
    "research",
    "frequency",
    "prevention",
    "susceptibility",
    "complications",
    "diagnosis",
    "outlook",
    "symptoms",
    "treatment",
    "causes",
    "information",
)


def question_types(text: str) -> tuple[str, ...]:
    """Every canonical question type the phrasing asks for, the most specific first.

    "information" ("what is…", "tell me about…") is what is left when nothing more specific
    is asked: "what are the symptoms of X" asks for symptoms.
    """
    lowered = text.lower()
    found = tuple(name for name in PRIORITY if _TYPE_CUES[name].search(lowered))
    specific = tuple(name for name in found if name != "information")
    return specific or ("information",)


def article_types(types: Iterable[str]) -> tuple[str, ...]:
    """The article ``qtype`` values that answer these question types."""
    found: dict[str, None] = {}
    for name in types:
        found.update(dict.fromkeys(QUESTION_TYPES[name][1]))
    return tuple(found)


# -- normalising and finding what is asked --------------------------------------------------------

_GREETING = re.compile(
    r"^\s*(hi|hello|hey|greetings|good (morning|afternoon|evening)|dear [^,\n]{0,40})\b[\s,.!:-]*",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"(?:[\s,.!]*\b(thanks?( you)?( so much| very much| in advance)?|many thanks|regards|"
    r"best( wishes)?|sincerely|cheers|god bless|respectfully)\b[\s,.!]*[\w .'-]{0,40})\s*$",
    re.IGNORECASE,
)
_POLITENESS = re.compile(
    r"\b(i was wondering (if|whether)|i am wondering (if|whether)|i'?m wondering (if|whether)"
    r"|i would like to know|i'?d like to know|i want(ed)? to know|i need to know"
    r"|(can|could|would) (you|someone|anyone) (please )?(tell|let) me( know)?|please let me know"
    r"|(you|someone|anyone) (can|could|would) (please )?(tell|let) me( know)?"
    r"|please advise|please help( me)?|any (help|information|advice|info)( would be| is)?"
    r"( greatly| much)? appreciated|thank you( in advance)?|thanks( in advance)?"
    r"|(can|could) you help( me)?|i have a question( about)?|my question is)\b",
    re.IGNORECASE,
)
# Words of asking, not of medicine: dropped from the query's terms (compared as stems).
_FILLER_WORDS = (
    "please thanks thank hi hello hey dear sir madam regards sincerely know tell wonder "
    "wondering like want wanted need help info information question questions ask asking "
    "anyone someone somebody anybody something anything thing things really also just "
    "advice advise appreciate appreciated let kind kindly possible maybe any many much "
    "lot lots would could should might must shall may can get got people person"
)
FILLER = frozenset(stem(w) for w in _FILLER_WORDS.split())

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_ASKS = re.compile(
    r"\?|^\s*(what|why|how|when|where|which|who|whom|is|are|am|can|could|does|do|did|should"
    r"|will|would|has|have|was|were)\b|\b(want|like|need|wish) to (know|find out|learn)\b"
    r"|\bwonder|\btell me\b|\blet me know\b|\bany (advice|suggestions?|ideas?|information)\b"
    r"|\blooking for\b|\binformation (on|about)\b",
    re.IGNORECASE,
)
# A message longer than this (in words) is a story with a question in it.
LONG_MESSAGE = 40


def normalise(text: str) -> str:
    """The question without greetings, sign-offs and politeness formulas."""
    text = _GREETING.sub("", text.strip())
    text = _SIGN_OFF.sub("", text)
    return _POLITENESS.sub(" ", text).strip()


def asked_part(text: str) -> str:
    """In a long message, the subject line and the sentences that ask; else the whole text.

    Answering a short summary of a consumer message instead of the whole message lifted answer
    quality by more than half in NLM's study of these questions (Ben Abacha & Demner-Fushman,
    AMIA 2019): the story around a question mostly adds noise.
    """
    if len(text.split()) <= LONG_MESSAGE:
        return text
    lines = text.strip().split("\n", 1)
    subject = lines[0] if len(lines) == 2 and len(lines[0].split()) <= 12 else ""
    body = lines[1] if subject else text
    asking = [s for s in _SENTENCE_END.split(body) if s.strip() and _ASKS.search(s)]
    kept = " ".join([subject, *asking]).strip()
    return kept if len(kept.split()) >= 3 else text


# -- foci -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Focus:
    """A focus found in a question: the words matched and the focus keys they name."""

    phrase: Phrase
    keys: tuple[str, ...]
    start: int


class FocusIndex:
    """Focus names (and their synonyms) of an index, looked up by their analysed terms.

    Tolerant of plurals, possessives, case and hyphens because names and questions go through
    the same analyzer; the longest name found wins ("type 2 diabetes" over "diabetes").
    """

    def __init__(self, names: Mapping[str, Iterable[str]], synonyms: SynonymTable | None = None):
        """``names``: focus key → names it is known by (its name and synonyms)."""
        table: dict[Phrase, set[str]] = {}
        for key, known_as in names.items():
            own = tuple(key.split())  # the focus's own name is always looked for ("ALS")
            for name in known_as:
                phrase = name_phrase(name) or (own if tuple(terms(name)) == own else None)
                if phrase and not set(phrase) <= FILLER:
                    table.setdefault(phrase, set()).add(key)
        # A curated synonym of a focus name names that focus too ("heart attack" → the
        # "myocardial infarction" articles).
        for phrase, keys in list(table.items()):
            for other in synonyms.alternatives(phrase) if synonyms else ():
                table.setdefault(other, set()).update(keys)
        self._table = {phrase: tuple(sorted(keys)) for phrase, keys in table.items()}

    def __len__(self) -> int:
        return len(self._table)

    def find(self, words: Sequence[str], limit: int = 3) -> list[Focus]:
        """Focus names in ``words``: non-overlapping, longest first, then by position."""
        found: list[Focus] = []
        covered: set[int] = set()
        for n in range(min(MAX_PHRASE, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                if covered.intersection(range(i, i + n)):
                    continue
                phrase = tuple(words[i : i + n])
                keys = self._table.get(phrase)
                if keys:
                    found.append(Focus(phrase, keys, i))
                    covered.update(range(i, i + n))
        return sorted(found, key=lambda f: (-len(f.phrase), f.start))[:limit]


# -- the parsed question and its query ---------------------------------------------------------


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]
    types: tuple[str, ...] = ()
    foci: tuple[Focus, ...] = ()
    expansions: tuple[Phrase, ...] = field(default=())


def parse(
    text: str,
    foci: FocusIndex | None = None,
    idf: Callable[[str], float] | None = None,
    synonyms: SynonymTable | None = None,
    weights: Weights = WEIGHTS,
) -> Question:
    """Understand a question: its informative terms, question types, foci and synonyms.

    ``idf`` (from the index) ranks terms when a long message has more than the query can use.
    """
    cleaned = normalise(text)
    asked = asked_part(cleaned)
    words = [t for t in terms(asked) if t not in FILLER]
    found = foci.find(terms(cleaned)) if foci else []
    if idf is not None:
        # A one-word focus that is everywhere ("blood", "pain") is the subject only when
        # nothing more specific was named: it goes after the others.
        found.sort(key=lambda f: len(f.phrase) == 1 and idf(f.phrase[0]) < weights.generic_idf)
    unique = list(dict.fromkeys(words))
    if len(unique) > weights.max_terms and idf is not None:
        keep = set(sorted(unique, key=idf, reverse=True)[: weights.max_terms])
        unique = [t for t in unique if t in keep]
    table = curated() if synonyms is None else synonyms
    expansions = tuple(
        dict.fromkeys(alt for match in table.find(words) for alt in match.alternatives)
    )
    return Question(
        text=text,
        terms=tuple(unique[: weights.max_terms]),
        types=question_types(asked),
        foci=tuple(found),
        expansions=expansions[: weights.max_expansions],
    )


def _in_fields(words: Phrase, boosts: Mapping[str, float], scale: float = 1.0) -> query.Query:
    """One word or phrase sought in every field, each with its weight."""
    if len(words) == 1:
        return query.Or([query.Term(f, words[0], boost=b * scale) for f, b in boosts.items()])
    return query.Or([query.Phrase(f, list(words), boost=b * scale) for f, b in boosts.items()])


def weighted_words(question: Question, weights: Weights = WEIGHTS) -> list[tuple[Phrase, float]]:
    """What the first stage seeks, with each one's weight: the question's terms, and its
    synonyms at ``weights.synonym`` (multi-word synonyms are phrases)."""
    return [((term,), 1.0) for term in question.terms] + [
        (phrase, weights.synonym) for phrase in question.expansions
    ]


def field_boosts(weights: Weights = WEIGHTS) -> dict[str, float]:
    return {"title": weights.title, "focus": weights.focus, "body": weights.body}


def build_query(question: Question, weights: Weights = WEIGHTS) -> query.Query:
    """The first stage as a Whoosh query: any of the question's terms (or their synonyms) in
    any field, scored by BM25F with per-field weights. The engine runs the same first stage on
    its postings arrays (``search.postings``); focus and type are judged in the second stage."""
    boosts = field_boosts(weights)
    clauses = [
        _in_fields(words, boosts, scale) for words, scale in weighted_words(question, weights)
    ]
    return query.Or(clauses) if clauses else query.NullQuery


def focus_keys(question: Question) -> list[str]:
    """The focus keys of the question's foci: their articles are always candidates, even when
    BM25F misses them."""
    return [key for focus in question.foci for key in focus.keys]


def asked(question: Question) -> Asked:
    """The question as the second stage sees it."""
    words = set(question.terms).union(*question.expansions)
    primary = frozenset(question.foci[0].keys) if question.foci else frozenset()
    wanted = frozenset(article_types(question.types[:1]))
    return Asked(
        terms=frozenset(words),
        focus_keys=primary,
        other_focus_keys=frozenset(k for f in question.foci[1:] for k in f.keys) - primary,
        types=wanted,
        other_types=frozenset(article_types(question.types[1:])) - wanted,
    )


def idf_from(doc_frequency: Callable[[str], int], documents: int) -> Callable[[str], float]:
    """An idf function over the body field's document frequencies."""

    def idf(term: str) -> float:
        return math.log(1 + documents / (1 + doc_frequency(term)))

    return idf
