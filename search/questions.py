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
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

from whoosh import query

from search.analysis import stem, terms
from search.analysis import words as surface_words
from search.ranking import KINDS, WEIGHTS, Asked, Weights, populations
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
        r"|\bcome back\b(?<!ever come back)|\brecur"
        r"|\bwhat leads to\b|\bwhere does .* come from\b"
        r"|\bwhat (germ|virus|bacteri\w*|bug|infection|parasite)s? (gives?|causes?|is behind)\b"
        r"|\b(can|could|does|do|will|would|might) [^,.?]{0,60}?\bgive (you|me|him|her|them"
        r"|people|us)\b"
        r"|\bsets? (it |them |this |that )?off\b|\b(end|ends|ended) up with\b"
        r"|\bwhat('s| is| are) behind\b|\bhow (does|did|do|can) [^,.?]{0,40}\bhappen\b"
        r"|\bsomething (we|i|she|he) did\b|\bis (that|this|it) why\b"
        r"|\bhow is (that|this|it) (even )?possible\b|\bhow (does|do|did) [^,.?]{0,40}\bform\b"
        r"|\bcould [^,.?]{0,40}\bhave (damaged|caused|triggered|brought (it )?on)\b"
        r"|\bhow (do|does|did) (you|i|people|someone|somebody|anyone|one|a person|he|she|they)"
        r" (develop|come down with)\b",
        ("causes",),
    ),
    "symptoms": (
        r"\bsymptom(?<!\bno symptom)|\bsigns?\b|\bhow (do|would|can) (i|you) (know|tell)\b"
        r"|\bfeel like\b"
        r"|\bwhat does .* (feel|look) like\b|\bdoes (it|.*) hurt\b|\bnot notice\b|\bnotice\b"
        r"|\bwarning signs?\b|\bcould (it|this|that) be\b"
        r"|\b(is|are) (it|this|that|these) (a )?signs?\b"
        # What the illness does to a person, in lay words (written for general use, e.g.
        # "what problems do babies with X have", "how does X affect a person"):
        r"|\bwhat (problems|features|troubles|difficulties) do (people|persons?|patients|babies"
        r"|infants|kids|children|adults|those|someone|men|women|girls|boys)\b"
        r"|\bhow (does|do|would|will|can) .{0,60}?\b(affect|show)( (up|itself))?\b"
        r"|\bwhat (else )?(does|do|will|would|can|could|might) .{0,60}? do to\b|\bshows? up\b"
        r"|\bfeatures? of\b"
        # What it causes, not what causes it ("what other tumors does this syndrome cause"):
        r"|\bwhat\b[^,.?]{0,40}?\b(does|do|can|will|could|might|(is|are) \w+ going to)"
        r" [^,.?]{0,59}?[^,.?](?<!the )(?<!a )\bcause\b"
        r"|\bwhat (kinds? of |sorts? of |other |health |\w+ )?(problems|features|troubles|issues"
        r"|difficulties|symptoms|defects)\b[^,.?]{0,30}?\b(do|does|will|would|can|could|might)\b"
        r"[^,.?]{0,40}?\b(have|be born with)\b"
        r"|\b(when|what) should (i|we|you) worry\b|\bshould make (me|us|you) worry\b"
        r"|\bpart of (his|her|my|their|the|this|that) (condition|disease|syndrome|illness)\b"
        r"|\bwhat else (happens|does it do|can happen)\b|\b(typically |usually )?looks? like\b"
        r"|\bis (that|this|it) normal (with|for|in)\b"
        r"|\bwhat does (?![^,.?]{0,60}\bnormally\b)[^,.?]{0,60}? do\b(?! (for|about))"
        r"|\b(problems|features|troubles) (that )?(come|comes|go|goes) with\b"
        r"|\bwhat happens to (the|your|my|his|her|their|a) \w+ (in|with|during)\b"
        r"|\bwhat is it like\b|\blook (out )?for\b",
        ("symptoms",),
    ),
    "treatment": (
        r"\btreat|\bcure|\btherap|\bremed|\bget rid of\b|\bmanage|\bmedicines? for\b"
        r"|\bmedications? for\b|\bdrugs? for\b|\bpills? for\b|\bsurgery for\b|\bhelp (with|for)\b"
        r"|\bwhat (can|should) (i|we|you) do\b|\bhow to (stop|relieve|heal|fix)\b|\brelie"
        r"|\bantibiotics?\b|\bmedicine for\b|\btake medicine\b|\bdoes .* help\b|\bsplint\b"
        r"|\b(need|have|get) (an? )?(surgery|operation)\b|\bkeep .* under control\b|\bcontrol"
        # General lay ways of asking what can be done about it (not from any question set):
        r"|\bwhat (helps|can help|will help|works)\b|\banything (that |to )?(helps?|for)\b"
        r"|\bwhat (can|could) be done\b|\b(is|are) there (any(thing)?|a) (way|cure|fix|help"
        r"|medicines?|medications?|drugs?|options?)\b|\b(fix|fixed|heal)\b|\boptions\b"
        r"|\bwhat (do|should|can) (i|we) (take|use)\b|\bdeal with\b|\bchemo|\bradiation\b"
        r"|\bhow (can|do|could|should|would) (i|you|we|he|she|they|someone|people|a (wo)?man"
        r"|a person|one) (stop|ease|relieve|fix|cure|treat|heal)\b"
        r"|\bslow(s|ing)? (it |this |that |them |the \w+ )?down\b|\bslow (the|its) progress"
        # Surgery, removal and medicines asked about, not mentioned ("recur after surgery"):
        r"|\b(have|need|going|want|has|needs) to (operate|be operated|be removed|remove)\b"
        r"|\b(will|would|should|do|can) (they|you|doctors?|we) (operate|remove)\b"
        r"|\b(should|does|do|must|will) (it|this|that|they|these) (need to )?(be|get)"
        r" (removed|taken out|operated)\b"
        r"|\b(what|which|any|best) (medicines?|medications?|drugs?|surgery|operation)\b"
        r"|\b(medicines?|medications?|drugs?|surgery|operation) (that )?(helps?|works?|fix)",
        ("treatment",),
    ),
    # Medicines, even only mentioned, are mostly asked about as treatment (LiveQA tune: MRR
    # .627 without, .673 with; surgery mentioned is as often the story around a question, as
    # in "why does lung cancer recur after surgery") -- but after the kinds of answer the
    # question's own words ask for: "what conditions can cause dry mouth? I'm not on many
    # medications" asks for causes.
    "medicines": (r"\bmedicines?\b|\bmedications?\b|\bmeds\b", ("treatment",)),
    "diagnosis": (
        r"\btests?\b|\btesting\b|\bscreen|\bdetect|\bexam|\bscans?\b|\bcheck(ed)? for\b"
        r"|\bconfirm\b"
        r"|\bbiopsy\b|\bhow (do|does|can|would|will) (a |the )?(doctors?|they|physicians?)"
        r" (know|tell|confirm)\b"
        r"|\bhow (do|can|would) (doctors?|they|you|i) (find out|diagnose)\b"
        r"|\bhow (is|are) .* diagnosed\b|\bdiagnose\b|\bget .* checked\b|\bcheck-?ups?\b"
        r"|\bfind out (if|whether)\b|\bfigure out\b|\bhow (is|are) .* (found|detected|confirmed)"
        r"|\bx-?rays?\b|\bmri\b|\bultrasound\b|\bblood work\b|\bdiagnos(e|is|ing)\b"
        r"|\bwork out (if|whether|what|why)\b",
        ("exams and tests",),
    ),
    "prevention": (
        r"\bprevent|\bavoid|\bstop (.* )?(getting|catching)\b|\bstop .* from\b"
        r"|\b(lower|reduce|cut)s? .*(risk|chances?)\b"
        r"|\bprotect|\bmake sure .* (not|don'?t)\b"
        r"|\bvaccin|\bshots?\b|\bkeep .* from (getting|coming)\b|\bcome back\b(?<!ever come back)"
        r"|\bkeep [^,.?]{0,40}?\bfrom (starting|happening|flaring)\b"
        r"|\bkeep (from|away)\b|\bward off\b|\bsafe from\b|\bnot to (get|catch)\b"
        r"|\bso (that )?(i|we|they|he|she|it) (don'?t|do not|won'?t|will not) (get|catch)\b",
        ("prevention",),
    ),
    "outlook": (
        r"\boutlook\b|\bprognos|\blife ?(expectancy|span)\b|\bsurviv|\bdie (of|from)\b|\bfatal"
        r"|\bdeadly\b|\bcurable\b|\brecover|\bhow long (will|does|do|can) (it|they|i|you|.*) "
        r"(live|last)\b|\bgo away\b|\bback to normal\b|\bprogress(?!ive)|\bget worse\b"
        r"|\bnormal life\b|\b(gets|getting|got) worse\b"
        r"|\bhow well (he|she|they|i|you|we) (will|would) do\b"
        r"|\bever (come back|return|recover|improve|get better)\b"
        r"|\blifespan\b"
        r"|\bhow long (can|will|do|does) .* (live|last|take)\b|\bget better\b|\bbeat(ing)?\b"
        r"|\bwill (it|he|she|they|i|we) (get better|be ok(ay)?|be fine|heal|walk)\b"
        r"|\bregain|\bwill (he|she|they|i|we) (ever )?get [^,.?]{0,30}\bback\b"
        r"|\bpermanent|\bchances? (of|to) (surviv|beat|recover|liv)"
        r"|\bshorten[^,.?]{0,30}\b(life|lives|lifespan)\b"
        r"|\b(end|ends|ending) up (in|on) (a )?(wheelchair|dialysis|oxygen)\b"
        r"|\bgrow(s|n)? out of\b|\blife-?long\b",
        ("outlook",),
    ),
    "inheritance": (
        r"\bhereditar|\binherit|\bgenetic\b(?! test)|\brun(s)? in (the )?famil"
        r"|\bpass(ed|ing)? (it )?(on|down)\b(?! (its|it's) own)"
        r"|\bpass(ing)? .* to (my|our|his|her|their) (kids|children|baby|son|daughter)"
        r"|\bfrom (my|their|his|her) (parents?|mother|father|mom|dad)\b|\bcarrier"
        r"|\bneither parent\b|\bin (the|our|my|his|her|their|(either|both|any) of (our|their)"
        r"|either|both) famil(y|ies)\b"
        r"|\bpassed (down )?from\b"
        r"|\bwill (my|our|his|her|their) (kids|children|son|daughter|baby|babies) (get|have|be)\b"
        r"|\bfrom (a |the )?parents? to (a |the |their )?(child|children|kids|baby|babies)\b"
        r"|\b(passed|pass|passes|handed) (on )?(in|through|within|down) (the )?famil"
        r"|\bcarr(y|ies|ying) (the|a|this|that) (gene|mutation|trait)\b"
        r"|\b(my|our|his|her|their) (kids|children|son|daughter|baby|babies|grandchildren)"
        r" (will|would|could|might|can) (get|have|inherit|be born with)\b"
        r"|\b(gets?|got|have) (it|this|that) (from (one of )?(us|me|him|her|them|either)|too)\b"
        r"|\bpass(ed|ing)? (on )?to (my |our |his |her |their |the )?(kids|children|baby|babies"
        r"|son|daughter|offspring)\b"
        r"|\b(chances?|happen again) [^,.?]{0,20}?\b(next|other|another|future) (baby|child"
        r"|kid|pregnancy)"
        r"|\bboth parents\b|\bcarr(y|ies|ying) it\b|\bneither of us\b"
        r"|\b(recessive|dominant) or (recessive|dominant)\b"
        r"|\bis (it|this|that) (recessive|dominant)\b"
        r"|\bpass(ed|ing)? (it|this|that) (on )?to (him|her|them|our|my|his|their)\b",
        ("inheritance",),
    ),
    "genetic changes": (
        # Not a gene someone carries: "if we both carry the gene" asks about inheritance. (The
        # lookbehinds come after "gene", so that they are tried only where it is.)
        r"\bgene(?<!carry the gene)(?<!carries the gene)(?<!carrying the gene)(?<!carry a gene)s?\b"
        r"|\bmutation|\bchromosom|\bgenetic (change|cause|defect|basis|error)"
        r"|\bwrong genetically\b|\bgenetically (wrong|broken|faulty|different)\b"
        r"|\bdna (change|mutation|defect|error|problem|fault)s?\b|\b(what|which) dna\b",
        ("genetic changes",),
    ),
    "frequency": (
        r"\bhow (common|rare|often does)\b|\bhow many\b(?! times)|\bprevalen|\bincidence\b"
        r"|\bis it (rare|common)\b|\bwhat percent|\bhow likely is it\b",
        ("frequency",),
    ),
    "susceptibility": (
        r"\bat risk\b|\brisk\b|\bwho (gets|is likely|can get|tends to get)\b|\b(more|most) likely\b"
        r"|\bhow (do|does|did|can) (you|i|people|someone|one|a person) (get|catch)\b"
        r"|\bsusceptib|\bcontagious\b|\bcatching\b|\binfectious\b|\bspread|\braises? (my|your|the)"
        r"|\bchances? of (getting|having)\b|\bcan (i|you) (get|catch)\b"
        r"|\bwho (usually |typically |mostly |most often |can |could )?(catch|catches|gets)\b",
        ("susceptibility",),
    ),
    "complications": (
        r"\bcomplication|\blong[- ]term effects?\b|\bwhat happens if\b|\blead to\b|\bdamage\b"
        r"|\bif (it is|it's|left) untreated\b|\bturn into\b|\bstill (has|have) \b"
        r"|\bafter effects?\b"
        r"|\b(other|more|further|later) problems\b|\bproblems? .* (cause|lead to|bring)\b",
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
    # (the stages asked about, not "she has stage 4 kidney disease")
    "stages": (r"\bstages\b|\bstag(ing|ed)\b|\bwhat stage\b|\bstage (mean|means)\b", ("stages",)),
    # Eating and drinking with the condition: NIDDK's "What to do for X" answers (eating,
    # diet and nutrition), MedQuAD's "considerations".
    "diet": (
        r"\bwhat (should|can|to) (i|we|he|she|they|you|people) (\w+ )?(eat|drink)\b|\bwhat to eat\b"
        r"|\bdiets?\b|\beating\b|\bnutrition|\bfoods? (to|that|should|i|we)\b"
        r"|\bcut (back|down) on\b|\bwhat (i|you|we|he|she|they|people) eats?\b"
        r"|\b(can|should|could) (i|we|he|she|they|you) (still |ever )?(eat|drink)\b"
        r"|\bwhich (\w+ )?(foods?|drinks?)\b|\bcalories\b",
        ("considerations",),
    ),
    # What a reader newly told of a condition should know: NIDDK's "Points to remember"
    # summaries, MedQuAD's "considerations".
    "key points": (
        r"\b(what|things|facts)\b[^,.?]{0,20}\b(i|we|you|he|she) (need|should|ought) to know\b"
        r"|\b(main|key|basic|important) (facts|things|points)\b",
        ("considerations",),
    ),
    "information": (
        r"^\s*(what|who) (is|are)\b|\bwhat (is|are) (that|this|it|these|they)\b"
        r"|\btell me about\b|\binformation (on|about)\b|\bexplain\b"
        r"|\bwhat does [^.?!]{0,60}? mean\b|\bmeaning of\b|\bdefin"
        r"|\bwhat (kind|sort|type) of (a )?(condition|disease|illness|disorder|problem) is\b",
        ("information",),
    ),
}
_TYPE_CUES = {name: re.compile(cue) for name, (cue, _) in QUESTION_TYPES.items()}


# When several types are asked for, the most specific comes first: "which gene causes X" asks
# for genetic changes more than causes; "what can I do so they don't come back", prevention.
# Research first: it is asked about any other kind ("are scientists studying the genes").
PRIORITY = (
    "research",
    "genetic changes",
    "inheritance",
    "side effects",
    "interactions",
    "dosage",
    "usage",
    "stages",
    "frequency",
    "prevention",
    "diet",
    "susceptibility",
    "diagnosis",
    "outlook",
    "symptoms",
    "complications",
    "treatment",
    "causes",
    "medicines",
    "key points",
    "information",
)


def question_types(text: str) -> tuple[str, ...]:
    """Every canonical question type the phrasing asks for, the most specific first.

    "information" ("what is…", "tell me about…") is what is left when nothing more specific
    is asked: "what are the symptoms of X" asks for symptoms.
    """
    return asked_types(text) or ("information",)


def asked_types(text: str) -> tuple[str, ...]:
    """The question types the phrasing itself asks for, most specific first; () when no cue
    is found ("bullseye rash after a tick bite" names no kind of answer)."""
    lowered = text.lower()
    found = tuple(name for name in PRIORITY if _TYPE_CUES[name].search(lowered))
    specific = tuple(name for name in found if name != "information")
    if specific and (_WHAT_IS_IT.search(lowered) or _opens_with_what_is(lowered)):
        return ("information", *specific)
    return specific or found


# "…could that be hereditary geniospasm, what is it?", "PFAPA. What is it and does it go
# away?": a reader who asks "what is it" asks what it is first, whatever else the message
# asks by the way.
_WHAT_IS_IT = re.compile(
    r"\bwhat(?: exactly)?(?: is|'s|s)(?: exactly)? (?:that|it|this)"
    r"(?: (?:condition|disease|disorder|syndrome))?\s*(?:[?.!,]|$|and\b)"
    r"|\bwhat does (?:that|this|it) mean\b|\bexplain what\b"
)
# "what is asthma and why do the airways tighten up": what it is, then the rest.
_WHAT_IS_X = re.compile(
    r"(?:^|[,.?!])\s*what(?: exactly)?(?: is|'s| are)(?: exactly)? (?!it like|the )([^,.?]{1,60}?)"
    r"(?: and |, )"
)


def _opens_with_what_is(lowered: str) -> bool:
    """The question, or a clause of its first sentence, opens with "what is X and…", X asking
    for no kind of answer itself ("what is the treatment for X and…" asks for treatment)."""
    opening = _WHAT_IS_X.search(lowered)
    return opening is not None and not any(
        cue.search(opening.group(1)) for cue in _TYPE_CUES.values()
    )


_SURFACE_WORD = re.compile(r"\w+")


def without_name(text: str, name: Sequence[str]) -> tuple[str, str]:
    """``text`` with the words of a focus name (given as index terms) blanked out, and those
    words."""
    wanted = frozenset(name)
    named: list[str] = []

    def blank(match: re.Match[str]) -> str:
        # the word's term as the index has it (folded, stopped, stemmed; analysis' cache)
        if wanted.intersection(terms(match.group())):
            named.append(match.group())
            return "_"
        return match.group()

    return _SURFACE_WORD.sub(blank, text), " ".join(named)


def subject_line(text: str) -> str:
    """A message's subject line: a short first line with more below it ("" when none)."""
    lines = text.strip().split("\n", 1)
    if len(lines) == 2 and lines[1].strip() and len(lines[0].split()) <= 12:
        return lines[0]
    return ""


def ordered_types(text: str, asked: str) -> tuple[str, ...]:
    """The types ``asked`` (the part of ``text`` that asks) asks for, most specific first,
    except that those the message's subject line names come first: the subject is the
    writer's own summary ("Tests for haemophilia"), while the story below it brings in other
    cues ("genetic", "carrier"). LiveQA tune: MRR@10 .662 → .675, S@1 .575 → .600 (the
    paraphrase sets have no subject lines: unchanged)."""
    found = asked_types(asked)
    subject = subject_line(text)
    if len(found) < 2 or not subject:
        return found
    first = [t for t in asked_types(subject) if t in found]
    return (*first, *(t for t in found if t not in first))


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
# Words that ask for a kind of answer and name no condition, yet are rare enough in answers to
# count in the foci's profiles (``search.engine.FocusScores``): "what is the outlook for lung
# cancer" kept only "outlook" there ("lung" and "cancer" are in over 5% of MedQuAD's answers),
# and Kidney Dysplasia, whose answers say "outlook" most, came first. ("Survival", "chances",
# "expect" stay: left out, LiveQA tune fell .719 -> .710.)
KIND_OF_ANSWER = frozenset(
    terms(
        "outlook prognosis complications prevalence contagious dosage interactions susceptible "
        "incidence"
    )
)

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
# A long message's first sentence of at most this many words, on a line of its own or not, is
# its heading.
HEADING = 5


def normalise(text: str) -> str:
    """The question without greetings, sign-offs and politeness formulas."""
    text = _GREETING.sub("", text.strip())
    text = _SIGN_OFF.sub("", text)
    return _POLITENESS.sub(" ", text).strip()


def asked_part(text: str) -> str:
    """In a long message, the subject line (or a short first sentence: its heading) and the
    sentences that ask; else the whole text; normalised (``normalise``).

    Answering a short summary of a consumer message instead of the whole message lifted answer
    quality by more than half in NLM's study of these questions (Ben Abacha & Demner-Fushman,
    AMIA 2019): the story around a question mostly adds noise.
    """
    if len(text.split()) <= LONG_MESSAGE:
        return normalise(text)
    subject = subject_line(text)
    body = text.strip().split("\n", 1)[1] if subject else text
    sentences = [s for s in _SENTENCE_END.split(body) if s.strip()]
    if not subject and sentences and len(sentences[0].split()) <= HEADING:
        # "Duchenne Muscular Dystrophy. I am doing a research project…": a heading.
        subject, sentences = sentences[0], sentences[1:]
    # The sentences that ask are found before the politeness goes ("Please can you tell me
    # what the early symptoms are" asks, "Please what the early symptoms are" would not), and
    # count only if more than filler is in them ("Can you help me.").
    asking = [s for s in sentences if _ASKS.search(s) and any(t not in FILLER for t in terms(s))]
    if not asking:
        # No sentence asks: the whole message is the question (a subject line alone,
        # "ClinicalTrials.gov - Question - general information", would drop all of it).
        return normalise(text)
    kept = normalise(" ".join([subject, *asking]))
    return kept if len(kept.split()) >= 3 else normalise(text)


# -- foci -----------------------------------------------------------------------------------------


# MedQuAD's sources wrap one condition's name in their own title conventions: CDC's
# "Parasites - Enterobiasis (also known as Pinworm Infection)", NIDDK's "What I need to know
# about Crohn's Disease" and "Diabetic Neuropathies: The Nerve Damage of Diabetes", "Irritable
# Bowel Syndrome in Children", "Interstitial Cystitis/Painful Bladder Syndrome", "Duchenne and
# Becker muscular dystrophy". The names inside are derived from the titles (``derived_names``)
# so that a question naming the condition finds every source's article about it.
_WRAPPER = re.compile(
    r"^\s*(?:parasites\s*[-:]|what i need to know about|overview of|living with)\s+(.+)$", re.I
)
_ALSO_KNOWN = re.compile(r"^(.*?)\s*\(\s*(?:also\s+)?(?:known as|called)\s+([^)]+)\)(.*)$", re.I)
_BRACKETED = re.compile(r"^(.*?)\s*\(([^)]+)\)(.*)$")
_SUBTITLE = re.compile(r"^([^:]+):\s+(.+)$")
# "... in Children", "... and Pregnancy", "... and Older Adults": the condition for some readers.
_FOR_WHOM = re.compile(
    r"^(.+?)\s+(?:in|and)\s+(?:children|kids|teens|adolescents|adults|older adults|women|men"
    r"|infants|babies|newborns|pregnancy)$",
    re.I,
)
# "Childhood Ependymoma", "Adult Brain Tumors": the condition for some readers, named first.
_WHOSE = re.compile(r"^(?:childhood|adult|pediatric|infantile)\s+(.{4,})$", re.I)
# A bracketed single word is a name ("(Cholangiocarcinoma)") unless it qualifies the title.
_NOT_NAMES = frozenset(("formerly", "type", "recreational", "adult", "childhood", "pdq"))
# Every word of four letters or more capitalised: a health topic's title.
_TITLE_CASE = re.compile(r"^(?:(?:[A-Z0-9][\w'-]*|[\w'-]{1,3})(?:\s+|$))+$")
# Halves of "X Injuries and Disorders", "Exercise and Physical Fitness": aspects, not names.
_TOPIC_WORDS = frozenset(
    (
        "disorders",
        "diseases",
        "injuries",
        "problems",
        "conditions",
        "health",
        "care",
        "safety",
        "fitness",
        "development",
        "nutrition",
        "wellness",
    )
)
_ILLNESS_WORD = re.compile(r"(oma|itis|osis|iasis|emia|pathy|plasia|trophy|algia|ism)$", re.I)


# Roman numerals of types and factors, which readers write in digits: "glycogen storage disease
# type IV", "Factor V deficiency", "Stomatocytosis I" (not "What I need…", "triple X").
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
_ROMAN.update({"X": 10, "XI": 11, "XII": 12, "XIII": 13})
_NUMBERED = re.compile(
    r"(?:(?<=\btype )|(?<=\bfactor )|(?<=\bclass )|(?<=\bstage )|(?<=\bgrade )|(?<=\bgroup )"
    r"|(?<=\bform ))(X?(?:IX|IV|V?I{0,3}|X{1,2}I{0,3}))(?![\w-])|(?<= )(X?(?:IX|IV|V?I{1,3}|V))$",
    re.I,
)


# Where ``_NUMBERED`` can match at all: its lookbehinds, tried at every position, made it a
# fifth of opening a build (~20,000 focus names); most names have neither.
_MAY_BE_NUMBERED = re.compile(r"\b(?:type|factor|class|stage|grade|group|form) | [ivx]+$", re.I)


def _in_digits(name: str) -> str:
    def digits(match: re.Match[str]) -> str:
        numeral = match.group(0)
        return str(_ROMAN[numeral.upper()]) if numeral.upper() in _ROMAN else numeral

    return _NUMBERED.sub(digits, name) if _MAY_BE_NUMBERED.search(name) else name


# A gene, locus or subtype code: letters (at least one capital) and a number ("DFNA 23", "SPG31",
# "MEN 1", "CMT1A").
_CODE = re.compile(r"(?=[A-Za-z]*[A-Z])([A-Za-z]{2,8})[ -]?(\d{1,3}[A-Z]?)")


def derived_names(name: str) -> list[str]:
    """The names inside a MedQuAD title, not the title itself (see above)."""
    found: list[str] = []
    if (numbered := _in_digits(name)) != name:
        found.append(numbered)
    if match := _CODE.fullmatch(name.strip()):
        # A code and its number are written together or apart: "DFNA 23" / "DFNA23", "SPG31" /
        # "SPG 31".
        letters, number = match.group(1), match.group(2)
        joined = f"{letters}{number}"
        found.append(joined if match.group(0) != joined else f"{letters} {number}")

    def add(part: str) -> None:
        part = " ".join(part.replace("'s ", " ").split()).strip(" ,-")
        if part and part != name and part not in found and part.lower() not in _NOT_NAMES:
            found.append(part)
            found.extend(p for p in derived_names(part) if p not in found)

    if match := _WRAPPER.match(name):
        rest = match.group(1).replace('"', "")
        add(rest)
        if " - " in rest:  # "Parasites - Lice - Pubic "Crab" Lice"
            for part in rest.split(" - "):
                add(part)
    # (the checks for "(" and ":" spare most names the patterns' backtracking)
    elif "(" in name and (match := _ALSO_KNOWN.match(name)):
        add(f"{match.group(1)} {match.group(3)}")
        add(match.group(2))
    elif "(" in name and (match := _BRACKETED.match(name)):
        add(f"{match.group(1)} {match.group(3)}")
        inner = match.group(2).strip()
        # Not abbreviations: "(MODED)" or "(REAR)" would be read as the words "mode" and "rear".
        if len(inner.split()) > 1 or _ILLNESS_WORD.search(inner):
            add(inner)
    elif ":" in name and (match := _SUBTITLE.match(name)):  # "X: Y", not "Arginine:glycine …"
        add(match.group(1))
        add(match.group(2))
    elif (match := _FOR_WHOM.match(name)) or (match := _WHOSE.match(name)):
        add(match.group(1))
    elif " and other " in name.lower():  # "Wilms Tumor and Other Childhood Kidney Tumors"
        add(name[: name.lower().index(" and other ")])
    elif name.count("/") == 1 and "," not in name:
        left, right = name.split("/")
        if len(left.split()) > 1 and len(right.split()) > 1:  # "Interstitial Cystitis/Painful…"
            add(left)
            add(right)
        else:  # alternatives: "Duchenne/Becker muscular dystrophy", "HIV/AIDS"
            before, first = left.rsplit(" ", 1) if " " in left else ("", left)
            second, after = right.split(" ", 1) if " " in right else (right, "")
            add(f"{before} {first} {after}")
            add(f"{before} {second} {after}")
    elif name.count(" and ") == 1 and "," not in name and _TITLE_CASE.match(name):
        # Health topics in title case join two conditions: "Insulin Resistance and
        # Prediabetes", "Corns and Calluses". In sentence case "and" joins a syndrome's
        # features ("Cataract and cardiomyopathy"): not two names, not split.
        for part in name.split(" and "):
            if part.lower() not in _TOPIC_WORDS and part.split()[0].lower() not in ("your", "my"):
                add(part)
    return found


# Readers name an eponymous illness by its eponym, possessive: "parkinsons", "Tourette's",
# "crohns". Such a short name (the name without "disease"/"syndrome") counts only when it is
# written so *and* is rare in the index: "kidney" for "kidney disease", "down" for "Down
# syndrome", "picking" for "Pick disease" or "good" for "Good syndrome" would name it anywhere.
# (The words for a kind of illness are ``search.ranking.KINDS``.)


# A one-word name written in capitals ("HARDS", "ChILD", "CADASIL").
_ACRONYM = re.compile(r"^\w*[A-Z]\w*[A-Z]\w*$")


@dataclass(frozen=True)
class Asking:
    """How a question writes its words, for names that are ordinary words once analysed.

    ``idf``: the index's idf of a term (None: short names are never accepted);
    ``possessive``: terms written with a trailing "s" ("parkinsons", "Tourette's");
    ``capitals``: terms written with two capitals or more ("CLL", "HARDS");
    ``inflected``: terms written as a verb's "-ed" or "-ing" form ("picked", "cooking");
    ``as_name``: the share of the index's answers with a term that write it as the name of an
    illness, followed by "disease", "syndrome" or "disorder" (None: not known).
    """

    idf: Callable[[str], float] | None = None
    possessive: frozenset[str] = frozenset()
    capitals: frozenset[str] = frozenset()
    weights: Weights = WEIGHTS
    as_name: Callable[[str], float] | None = None
    inflected: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        text: str,
        idf: Callable[[str], float] | None,
        weights: Weights,
        as_name: Callable[[str], float] | None = None,
    ) -> Asking:
        written = re.findall(r"\w+(?:['’]\w+)*", text)
        capitals = [w for w in written if _ACRONYM.match(w)]
        if 2 * len(capitals) > len(written):  # a message in capitals: no word is an acronym
            capitals = []
        surface = surface_words(text)
        return cls(
            idf,
            # (through the analyser's cache of stems: Snowball costs ~20 µs a word)
            frozenset(t for w in surface if w.endswith("s") for t in terms(w)),
            frozenset(t for w in capitals for t in terms(w)),
            weights,
            as_name,
            frozenset(t for w in surface if w.endswith(("ed", "ing")) for t in terms(w)),
        )

    def names_eponym(self, phrase: Phrase) -> bool:
        """A name without its "disease"/"syndrome" names the focus: one of its words is rare
        in the index, and a one-word one is written possessive ("parkinsons")."""
        if self.idf is None:
            return False
        if len(phrase) == 1 and phrase[0] not in self.possessive:
            # or an eponym no ordinary word could be ("stargardt", "gaucher"): rare, and
            # mostly written as the name where the answers have it ("sharp" of "Sharp
            # syndrome" is in 93 answers, as "sharp pain"; "warfarin", "brown", "sweet" too)
            # -- and not written as a verb ("picked up VRE in the hospital": not Pick disease)
            word = phrase[0]
            return (
                word not in self.inflected
                and self.no_ordinary_word(word)
                and (self.as_name is None or self.as_name(word) >= self.weights.eponym_as_name)
            )
        return max(map(self.idf, phrase)) >= self.weights.rare_idf

    def names_acronym(self, term: str) -> bool:
        """An acronym-only name names the focus when written in capitals, or when it is no
        ordinary word (very rare in the index: "cadasil", not "hard" or "child")."""
        return term in self.capitals or self.no_ordinary_word(term)

    def no_ordinary_word(self, term: str) -> bool:
        """A term very rare in the index and longer than three letters: shorter ones are
        read as names only when written so ("rd" of "3rd", "ach" of "ache", "g" of "G
        syndrome")."""
        return len(term) > 3 and self.idf is not None and self.idf(term) >= self.weights.acronym_idf


@dataclass(frozen=True)
class Focus:
    """A focus found in a question: the words matched and the focus keys they name.

    ``variants``: the keys of other sources' articles about the same condition (a name or
    synonym in common, or a name derived from one's title), kept apart because an article with
    the very focus named is usually the better answer.
    """

    phrase: Phrase
    keys: tuple[str, ...]
    start: int
    variants: tuple[str, ...] = ()


class FocusIndex:
    """Focus names (and their synonyms) of an index, looked up by their analysed terms.

    Tolerant of plurals, possessives, case and hyphens because names and questions go through
    the same analyzer; the longest name found wins ("type 2 diabetes" over "diabetes").
    """

    # A name shared by more foci than this is a family name ("Ehlers-Danlos syndrome" is
    # given as a synonym of each of its types), not a sign that two foci are one condition.
    MAX_VARIANTS = 6

    def __init__(self, names: Mapping[str, Iterable[str]], synonyms: SynonymTable | None = None):
        """``names``: focus key → names it is known by (its name and synonyms)."""
        table: dict[Phrase, set[str]] = {}
        derived: dict[Phrase, set[str]] = {}
        short: dict[Phrase, set[str]] = {}
        short_acronyms: set[Phrase] = set()
        phrases: dict[str, set[Phrase]] = {}
        acronym: set[Phrase] = set()
        plain: set[Phrase] = set()
        for key, known_as in names.items():
            own = tuple(key.split())  # the focus's own name is always looked for ("ALS")
            mine = phrases.setdefault(key, set())
            for name in known_as:
                phrase = name_phrase(name) or (own if tuple(terms(name)) == own else None)
                if phrase is None and _ACRONYM.match(name.strip()):
                    # Short acronyms ("CML", "AML", "PKU") are what readers write; they are
                    # unsafe as ordinary words, so they count only as acronyms (see ``find``).
                    phrase = word if len(word := tuple(terms(name))) == 1 else None
                if phrase and not set(phrase) <= FILLER:
                    table.setdefault(phrase, set()).add(key)
                    mine.add(phrase)
                for part in derived_names(name):
                    found = name_phrase(part)
                    if found and not set(found) <= FILLER:
                        derived.setdefault(found, set()).add(key)
                        mine.add(found)
                if phrase and 2 <= len(phrase) <= 4 and phrase[-1] in KINDS:
                    short.setdefault(phrase[:-1], set()).add(key)
                    if len(phrase) == 2 and _ACRONYM.match(name.split()[0]):
                        short_acronyms.add(phrase[:-1])  # "KID syndrome": not "kids"
                if phrase and len(phrase) == 1:
                    (acronym if _ACRONYM.match(name.strip()) else plain).add(phrase)
        # A curated synonym of a focus name names that focus too ("heart attack" → the
        # "myocardial infarction" articles).
        for names_of in (table, derived):
            for phrase, keys in list(names_of.items()):
                for other in synonyms.alternatives(phrase) if synonyms else ():
                    names_of.setdefault(other, set()).update(keys)
        self._table = {phrase: tuple(sorted(keys)) for phrase, keys in table.items()}
        self._derived = {
            phrase: tuple(sorted(keys - table.get(phrase, set())))
            for phrase, keys in derived.items()
        }
        self._short = {phrase: tuple(sorted(keys)) for phrase, keys in short.items()}
        # The lengths of the names starting with each word: ``find`` looks up only those (a
        # long message's every phrase up to MAX_PHRASE words had cost ~0.3 ms).
        lengths: dict[str, set[int]] = {}
        for phrase in chain(self._table, self._derived, self._short):
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        self._lengths = {word: frozenset(found) for word, found in lengths.items()}
        self._short_acronyms = frozenset(short_acronyms)
        # One-word names known only as acronyms ("HARDS", "ChILD") read as ordinary words
        # once analysed ("hard", "child"): see ``find``.
        self._acronyms = frozenset(acronym - plain - {tuple(key.split()) for key in names})
        # Foci are variants of one another when a name of one (or one derived from its title)
        # is a name of the other.
        variants: dict[str, set[str]] = {}
        for key, mine in phrases.items():
            for phrase in mine:
                others = table.get(phrase, set()) | derived.get(phrase, set())
                if 1 < len(others) <= self.MAX_VARIANTS + 1:
                    variants.setdefault(key, set()).update(others - {key})
        self._variants = {
            key: tuple(sorted(others))
            for key, others in variants.items()
            if len(others) <= self.MAX_VARIANTS
        }

    def __len__(self) -> int:
        return len(self._table)

    def variants(self, keys: Iterable[str]) -> tuple[str, ...]:
        """Other foci that are the same condition as these (see ``Focus``)."""
        keys = tuple(keys)
        found = dict.fromkeys(v for key in keys for v in self._variants.get(key, ()))
        return tuple(v for v in found if v not in keys)

    def _lookup(self, phrase: Phrase, ask: Asking) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(keys, variants) named by a phrase, or two empty tuples."""
        keys = self._table.get(phrase, ())
        derived = self._derived.get(phrase, ())
        if keys and phrase in self._acronyms and not ask.names_acronym(phrase[0]):
            keys = ()
        if not keys:
            keys, derived = derived, ()
        if (
            not keys
            and phrase in self._short
            and (
                ask.names_acronym(phrase[0])
                if phrase in self._short_acronyms
                else ask.names_eponym(phrase)
            )
        ):
            keys = self._short[phrase]
        if not keys:
            return (), ()
        variants = dict.fromkeys((*derived, *self.variants(keys)))
        return keys, tuple(v for v in variants if v not in keys)

    def find(self, words: Sequence[str], limit: int = 3, ask: Asking | None = None) -> list[Focus]:
        """Focus names in ``words``: non-overlapping, longest first, then by position.

        ``ask``: how the question writes its words, for short names and acronyms (``Asking``).
        """
        ask = ask or Asking()
        found: list[Focus] = []
        covered: set[int] = set()
        starting = [self._lengths.get(word, ()) for word in words]
        for n in range(min(MAX_PHRASE, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                if n not in starting[i] or covered.intersection(range(i, i + n)):
                    continue
                phrase = tuple(words[i : i + n])
                keys, variants = self._lookup(phrase, ask)
                if keys:
                    found.append(Focus(phrase, keys, i, variants))
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
    # False when no phrase asked for a kind of answer and ``types`` is the default
    # ("information").
    typed: bool = True


def parse(
    text: str,
    foci: FocusIndex | None = None,
    idf: Callable[[str], float] | None = None,
    synonyms: SynonymTable | None = None,
    weights: Weights = WEIGHTS,
    as_name: Callable[[str], float] | None = None,
) -> Question:
    """Understand a question: its informative terms, question types, foci and synonyms.

    ``idf`` (from the index) ranks terms when a long message has more than the query can use.
    """
    cleaned = normalise(text)
    asked = asked_part(text)
    words = [t for t in terms(asked) if t not in FILLER]
    asking = Asking.of(cleaned, idf, weights, as_name)
    found = foci.find(terms(cleaned), ask=asking) if foci else []
    if idf is not None:
        # A one-word focus that is everywhere ("blood", "pain") is the subject only when
        # nothing more specific was named: it goes after the others. Among the rest the most
        # specific name (the highest idf summed over its words) comes first: "Liddle syndrome"
        # rather than the "high blood pressure" it causes, "thalassemia" rather than the
        # "genetic test" asked about it. Tune and fresh sets (MRR@10): longest name first
        # .734 (mean of four), most specific first .736; LiveQA tune and fresh unchanged.
        found.sort(
            key=lambda f: (
                len(f.phrase) == 1 and idf(f.phrase[0]) < weights.generic_idf,
                -sum(map(idf, f.phrase)),
            )
        )
    subject = set(terms(subject_line(cleaned)))
    if found and subject:
        # A focus the subject line names is what the message is about ("Asthma\nI have been
        # treated for breast cancer … What type of drugs impact asthma symptoms?").
        found.sort(key=lambda f: not subject.issuperset(f.phrase))
    if asked != cleaned:
        # The sentences that ask often say "it" for what the story named ("my nephew was born
        # with diastrophic dysplasia. … How could they have a baby with this?"): the focus's
        # name is part of what is asked, as it would be in a summary of the message; with no
        # focus found ("he was born without the vas deferens on both sides. What exactly is
        # this condition?"), the story's words are all there is to go on.
        if found:
            words = [*found[0].phrase, *words]
        else:
            words = [t for t in terms(cleaned) if t not in FILLER]
    unique = list(dict.fromkeys(words))
    if len(unique) > weights.max_terms and idf is not None:
        keep = set(sorted(unique, key=idf, reverse=True)[: weights.max_terms])
        unique = [t for t in unique if t in keep]
    types = ordered_types(cleaned, asked)
    if found and types:
        # A kind of answer named only by the focus's own name comes after those the rest of
        # the question asks for: "symptoms of Albright hereditary osteodystrophy" asks for
        # symptoms first, "what is Leber hereditary optic neuropathy" for an overview. (It
        # stays: a question about a hereditary illness often asks about inheritance, "I have
        # hereditary spherocytosis, will my kids get it".) Only when the name's own words ask
        # for a kind of answer, the cues being read again.
        blanked, named = without_name(cleaned, found[0].phrase)
        if asked_types(named):
            # (a short message is all asked: blanked once)
            asked_blanked = blanked if asked == cleaned else without_name(asked, found[0].phrase)[0]
            outside = ordered_types(blanked, asked_blanked)
            if outside or re.search(r"[^\W_]", blanked):
                types = (*outside, *(t for t in types if t not in outside))
            else:
                # The name and nothing else ("albrights hereditary osteodystrophy") asks for
                # nothing in particular: an overview first.
                types = ()
    table = curated() if synonyms is None else synonyms
    expansions = tuple(
        dict.fromkeys(alt for match in table.find(words) for alt in match.alternatives)
    )
    return Question(
        text=text,
        terms=tuple(unique[: weights.max_terms]),
        types=types or ("information",),
        typed=bool(types),
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
    """The focus keys of the question's foci and their variants (other sources' names for the
    same condition): their articles are always candidates, even when BM25F misses them."""
    return list(dict.fromkeys(k for focus in question.foci for k in (*focus.keys, *focus.variants)))


def asked(question: Question, inferred: Sequence[str] = ()) -> Asked:
    """The question as the second stage sees it. ``inferred``: foci its words name though it
    names no focus (``foci_named_by_words``): the first is its focus when none was found,
    otherwise they count as other names for the focus found."""
    words = set(question.terms).union(*question.expansions)
    if question.foci:
        primary = frozenset(question.foci[0].keys)
        variants = frozenset((*question.foci[0].variants, *inferred)) - primary
    else:
        primary = frozenset(inferred[:1])
        variants = frozenset(inferred[1:]) - primary
    wanted = frozenset(article_types(question.types[:1]))
    if not question.typed:
        # Nothing asked for a kind of answer: an overview is likelier than any other kind, but
        # not by as much as when asked for ("what is…"); the words decide among the rest.
        wanted, others = frozenset(), wanted
    else:
        others = frozenset(article_types(question.types[1:])) - wanted
    return Asked(
        terms=frozenset(words),
        focus_keys=primary,
        variant_keys=variants,
        focus_words=len(question.foci[0].phrase) if question.foci else 0,
        other_focus_keys=frozenset(k for f in question.foci[1:] for k in f.keys)
        - primary
        - variants,
        types=wanted,
        other_types=others,
        populations=_populations(question),
        focus_phrase=focus_phrase(question.foci[0]) if question.foci else frozenset(),
    )


# A reader's own past ("since I was a kid", "as a child") says nothing of whom the question is
# about: "I've had hepatitis B since I was a kid, does that raise my chances of getting liver
# cancer?" asks about an adult.
_WHEN_YOUNG = re.compile(
    r"\b(?:since|when|while|as) (?:i|he|she|we|they) (?:was|were) (?:a |an )?(?:little )?"
    r"(?:kid|child|baby|toddler|teen|teenager|boy|girl)s?\b|\bas an? (?:kid|child|teen|teenager)\b"
    r"|\bgrowing up\b",
    re.IGNORECASE,
)
# An age as written: "my 14 yo", "a 3-year-old", "our 8 month old", "I'm 70", "my mom is 78"
# (not "for 3 years", "my A1c is 7").
_AGE = re.compile(
    r"\b(\d{1,3})[- ]?(?:(yrs?|years?|months?|mos?|weeks?|wks?|days?)[- ]?old|y/?o)\b"
    r"|\b(?:i'?m|i am|(?:he|she|mom|mother|dad|father|son|daughter|husband|wife|grandma"
    r"|grandmother|grandpa|grandfather|child|kid|baby) (?:is|was)) (\d{1,3})\b"
    r"(?! ?(?:%|percent|mg|kg|lbs?|pounds|cm|inches|weeks|months|days|hours|times))"
)
# Ages of children and of older adults, as MedQuAD's articles for them draw the lines.
CHILD_YEARS = 18
OLDER_YEARS = 65


def _populations(question: Question) -> frozenset[str]:
    """Whom the question asks about (``search.ranking.populations``): its words for people
    but those of the reader's own past (``_WHEN_YOUNG``), and the ages it gives."""
    named = populations(question.terms)
    if named:  # (rarely: the whole message is analysed again only then)
        named &= populations(terms(_WHEN_YOUNG.sub(" ", question.text)))
    return named | age_groups(question.text)


def age_groups(text: str) -> frozenset[str]:
    """The groups of people (``search.ranking.populations``) the ages written in ``text`` fall
    in: "my 14 yo" asks about a child, "my mom is 78" about an older adult."""
    found = set()
    for match in _AGE.finditer(text.lower()):
        years = int(match.group(1) or match.group(3))
        unit = match.group(2) or "years"
        if not unit.startswith("y") or years < CHILD_YEARS:  # months, weeks, days: a baby
            found.add("children")
        elif years >= OLDER_YEARS:
            found.add("older adults")
    return frozenset(found)


def focus_phrase(focus: Focus) -> frozenset[str]:
    """The words of a focus's name as the question wrote it, or those of the name it stands
    for when written otherwise ("CAH" for "congenital adrenal hyperplasia": a longer name
    holding those words, "non-classic congenital adrenal hyperplasia", is more specific)."""
    written = frozenset(focus.phrase)
    named = frozenset(focus.keys[0].split())
    return written if written <= named else named


def foci_named_by_words(
    question: Question,
    answers: Callable[[str], Sequence[str]],
    sizes: Mapping[str, int],
    weights: Weights = WEIGHTS,
) -> tuple[str, ...]:
    """Foci named by a rare word of the question outside the focus names found in it.

    ``answers(word)``: the focus key of each article whose answer has the word ("" for one
    without a focus), or () when the word is in more than ``weights.naming_df`` answers;
    ``sizes``: each focus key's number of articles. A word names a focus when at least two of
    its answers are about the focus, and they are at least half of the word's answers and half
    of the focus's articles: "CML" is in the answers about chronic myelogenous leukemia and
    in few others, though no name of the focus is written so.
    """
    covered = {word for focus in question.foci for word in focus.phrase}
    found: dict[str, None] = {}
    for word in question.terms:
        if word in covered:
            continue
        keys = answers(word)
        if not keys or len(keys) > weights.naming_df:
            continue
        key, count = Counter(keys).most_common(1)[0]
        if key and count >= 2 and 2 * count >= len(keys) and 2 * count >= sizes.get(key, 0):
            found[key] = None
    return tuple(found)


def idf_from(doc_frequency: Callable[[str], int], documents: int) -> Callable[[str], float]:
    """An idf function over the body field's document frequencies."""

    def idf(term: str) -> float:
        return math.log(1 + documents / (1 + doc_frequency(term)))

    return idf
