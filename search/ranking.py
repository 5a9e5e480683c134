"""Ranking: every weight in one place with its reason, and the second-stage scoring.

Search runs in two stages. BM25F (Whoosh) over the question's words finds the candidates; the
articles about the question's focus are always added to them. The candidates are then ranked by
a weighted sum of features that say whether an article answers *this* question: its BM25F
score, whether its focus is the question's focus, whether its type is the type of answer asked
for, how much of the question its title covers, whether it is written for the people asked
about, how much of the question the answers about its focus hold. The weights are tuned on the
*tune* halves of the development sets (``bench/tune.py``), never on single queries; the
held-out halves are only reported.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from search.analysis import terms


@dataclass(frozen=True)
class Weights:
    # -- first stage: BM25F field weights --
    # bench/tune.py --first-stage found the tune halves flat across title 2–5, focus 1–4 and
    # synonym 0.3–1.0 (MRR@10 within 0.006): the second stage decides the order.
    # A question's words in an article's question/title say far more about what the article
    # answers than the same words somewhere in a long answer.
    title: float = 3.0
    # The focus field holds the condition/drug name and its synonyms: a match names the subject.
    focus: float = 2.0
    body: float = 1.0
    # Curated lay ↔ medical synonyms count less than the reader's own words.
    synonym: float = 0.5
    # How many first-stage results are re-ranked; pages beyond them keep BM25F order.
    candidates: int = 100
    # The articles of the foci whose profiles match best are candidates, as a focus named is:
    # a condition described in other words than its articles' titles ("what is it when your
    # immune system attacks your own liver") is often not among BM25F's best. With
    # ``focus_profile`` at 1.5: fresh .797 → .808 (2, 3 or 5 foci alike; 10: .806), fresh3
    # .830 → .832, the others the same. Not foci whose answers hold little of the question
    # ("treated" in the answers about diabetes, for "how is asthma treated"): a profile
    # scoring 0.3 or less is not enough (any floor from 0 to 0.4 gives the same figures).
    profile_foci: int = 3
    profile_least: float = 0.3
    # Long messages keep their most informative terms (by idf); more cost time and add noise.
    max_terms: int = 16
    max_expansions: int = 8
    # One-word foci whose idf is below this (in more than ~5% of articles) are generic.
    generic_idf: float = 3.0
    # An eponym's short name ("Parkinson's" for Parkinson disease) names the focus only when one
    # of its words is in fewer than ~3% of articles: "kidney", "heart", "down" are everywhere.
    rare_idf: float = 3.5
    # A one-word name known only as an acronym ("HARDS" → "hard", "ChILD" → "child") names its
    # focus in lower case only when it is in fewer than ~0.7% of articles ("cadasil").
    acronym_idf: float = 5.0
    # ... and a one-word eponym ("stargardt") only when at least this share of the answers with
    # it write it as the illness's name ("Stargardt disease"): "sharp" (of "Sharp syndrome")
    # is in 93 answers, none of them so. (Of MedQuAD's one-word short names in 10 answers or
    # more, 71 are written so in under 20% of them: organ adjectives, "brown", "sweet",
    # "cook", "warfarin", "charcot" of Charcot-Marie-Tooth; eponyms readers write alone,
    # "stargardt", "hashimoto", "aicardi", are written so in half of them or more.)
    eponym_as_name: float = 0.2

    # A rare word of the question names a focus when it is in at most this many answers, at
    # least two of them about one focus, those being at least half of the word's answers and
    # half of the focus's: "CML", "SMA", "klatskin", "tetraamelia" are in the answers about
    # their condition though no focus name or synonym is written so. Tune and fresh sets
    # (MRR@10, 2026-11-26): LiveQA tune unchanged, paraphrase tune .785 → .787, fresh .671 →
    # .688, fresh2 .743 → .758; half of the word's answers rather than 30% kept LiveQA from
    # falling (.679 → .670 at 30%).
    naming_df: int = 50

    # -- second stage: feature weights (scores are sums of these) --
    # BM25F relative to the best candidate's, so it is on the same 0..1 scale as the others.
    bm25: float = 1.0
    # Values from bench/tune.py on the tune halves (2026-11-25, MedQuAD, 210 questions).
    # The article is about the focus the question names: alone, a small push, since many
    # articles share a focus ...
    focus_match: float = 0.2
    # ... and its type answers the kind of question asked: alone, worth most of a BM25F score,
    # because readers' words rarely say the type the way articles do ...
    type_match: float = 0.8
    # ... but both at once, the right condition *and* the right kind of answer, is what a reader
    # wants first: this outweighs any BM25F difference among candidates.
    both: float = 2.0
    # Share of the question's words found in the article's title (its own question).
    title_cover: float = 0.5
    # The article's whole focus name is in the question even if no focus was recognised.
    focus_named: float = 0.3
    # The article is written for the people the question asks about ("in kids", "in men",
    # "while pregnant"): MedQuAD has "Childhood Ependymoma", "Irritable Bowel Syndrome in
    # Children", "Male Breast Cancer" beside the general articles. (Written for others:
    # ``FOR_OTHERS``.)
    population: float = 0.5
    # The answers about the article's focus, together, hold the question's words: readers
    # describe a condition they cannot name ("very loose joints and stretchy skin") with words
    # spread over its articles, while a title match ("Joint Disorders") holds one or two.
    # Tune and validation MRR@10 (2026-11-26; LiveQA tune, paraphrase tune, fresh, fresh2):
    # 0 .685/.854/.763/.899; all words counted: 1.0 .688/.869/.755/.926, 1.5 .688/.869/.761/
    # .936 (3.0 fell to .664 on LiveQA); words of more than 5% of answers left out (as served,
    # half the time): 1.0 .689/.864/.772/.916, 1.5 .688/.859/.777/.919, 2.0 .685/.861/.778/.920.
    focus_cover: float = 1.5
    # BM25 of the article's focus's profile, all the answers about it as one text, as a share
    # of the best any profile could score: unlike the cover it counts how often the words come
    # and how long the profile is, so the condition *most* about the question's words wins
    # among those holding them all ("why do people get pouches in the colon, diverticulosis":
    # "Diverticular Disease", not "Diverticulosis and Diverticulitis"). Balog et al.'s profile
    # model of expert finding (SIGIR 2006) applied to conditions. Tune and validation MRR@10
    # (2026-11-26; LiveQA tune, paraphrase tune, fresh, fresh2, and fresh3, written after the
    # weight was chosen): 0 .688/.859/.777/.919/.824; 1.0 .678/.862/.792/.928; 1.5 .677/.866/
    # .797/.931/.830; 2.0 with the cover at 1.0 .678/.862/.792/.943. The LiveQA loss is two
    # questions: one annotated as "Cancer" overview, one school project asking ten things.
    focus_profile: float = 1.5
    # Taken off an article's score for each better-ranked one with the same focus and type:
    # MedQuAD often has one question answered by two or three sources, and when the first copy
    # is the wrong answer the second is wrong too, while another article may be right. A second
    # copy of a right answer adds little for a reader. Tune and fresh sets (2026-11-26, MRR@10,
    # mean of four, candidates without respelling): none .718, 0.3 .722, 0.5 .724, 1.0 .725,
    # 2.0 .727, all copies after every other group .728. nDCG@10 falls as the weight rises (it
    # counts each copy as relevant; LiveQA tune .675 → .651 at 0.5, .620 at 1.0): 0.5 keeps
    # nearly all of the MRR gain for less than half of the nDCG loss.
    duplicate: float = 0.5


WEIGHTS = Weights()
# Focus match values. Another source's name for the main focus is nearly as good as the very
# focus named: it is the same condition, and often the only source with the kind of answer
# asked for (MedlinePlus has only overviews, CDC has prevention) ...
VARIANT = 0.8
# ... a focus the question mentions besides its main one is often the story around it.
OTHER_FOCUS = 0.5
# The population value of an article written for people the question does not ask about
# ("Childhood Liver Cancer", "Male Breast Cancer" for a question naming nobody): readers who
# name no group ask about the general case. MRR@10 (2026-11-26) at 0 / -0.2 / -0.5 / -1.0:
# LiveQA tune .709/.709/.718/.718, fresh5 .872/.876/.876/.876, fresh3 .911/.911/.912/.912, the
# other tune and fresh sets the same.
FOR_OTHERS = -0.5
FEATURES = (
    "bm25",
    "focus_match",
    "type_match",
    "both",
    "title_cover",
    "focus_named",
    "population",
    "focus_cover",
    "focus_profile",
)

# Words that say whom an article (its focus name) or a question is about, as index terms.
_POPULATION_WORDS = {
    "children": "child children childhood kids pediatric infants babies newborns toddlers teens"
    " teenagers adolescents",
    "men": "men man male",
    "women": "women woman female",
    "pregnancy": "pregnancy pregnant",
    "older adults": "older elderly seniors",
}
_POPULATION = {term: group for group, said in _POPULATION_WORDS.items() for term in terms(said)}
# Words for a kind of illness: they name no particular condition ("syndrome" of "Down
# syndrome" and of "CHILD syndrome").
KINDS = frozenset(terms("disease diseases syndrome syndromes disorder disorders"))


def populations(words: Iterable[str]) -> frozenset[str]:
    """The groups of people these index terms name ("kid" → "children")."""
    return frozenset(_POPULATION[w] for w in words if w in _POPULATION)


@dataclass(frozen=True)
class Asked:
    """What the second stage needs to know about the question."""

    terms: frozenset[str]
    focus_keys: frozenset[str]  # the question's main focus
    types: frozenset[str]
    other_focus_keys: frozenset[str] = frozenset()  # other foci it mentions
    # Other sources' foci for the same condition as the main focus ("Kawasaki syndrome" for
    # "Kawasaki disease", CDC's "Parasites - Enterobiasis" for "pinworms").
    variant_keys: frozenset[str] = frozenset()
    focus_words: int = 0  # words in the name of the main focus as the question wrote it
    other_types: frozenset[str] = frozenset()  # article types of its less specific asks
    populations: frozenset[str] = frozenset()  # whom it asks about (``populations``)
    focus_phrase: frozenset[str] = frozenset()  # the words of the main focus's name as found


def features(
    asked: Asked,
    doc: Mapping[str, Any],
    bm25: float,
    best: float,
    cover: float = 0.0,
    profile: float = 0.0,
) -> dict[str, float]:
    """The features of one candidate article for the question, by name (``feature_values``)."""
    # The title's terms come precomputed with the candidate (``search.postings``) when it can.
    title = doc["title_terms"] if "title_terms" in doc else title_terms(doc.get("title", ""))
    values = feature_values(
        asked, doc.get("focus_key", ""), doc.get("qtype", ""), title, bm25, best, cover, profile
    )
    return dict(zip(FEATURES, values, strict=True))


def feature_values(
    asked: Asked,
    focus_key: str,
    qtype: str,
    title: Iterable[str],
    bm25: float,
    best: float,
    cover: float = 0.0,
    profile: float = 0.0,
    foci: dict[str, tuple[float, float, float]] | None = None,
) -> tuple[float, ...]:
    """The features (``FEATURES``, in order) of one candidate article for the question, each
    between 0 and 1 (but ``FOR_OTHERS``): an article with focus ``focus_key``, type ``qtype``
    and title terms ``title``, scored ``bm25`` by the first stage, whose best candidate scored
    ``best``.

    ``cover``, ``profile``: how well the answers about the article's focus, together, hold the
    question's words (``search.engine.FocusScores``); ``foci``: the features of each focus
    judged so far for this question (a question's ~100 candidates share ~40 foci)."""
    if foci is None:
        focus, named, for_them = focus_features(asked, focus_key)
    elif (known := foci.get(focus_key)) is not None:
        focus, named, for_them = known
    else:
        focus, named, for_them = foci[focus_key] = focus_features(asked, focus_key)
    kind = 1.0 if qtype in asked.types else 0.5 if qtype in asked.other_types else 0.0
    return (
        bm25 / best if best > 0 else 0.0,
        focus,
        kind,
        focus * kind,
        len(asked.terms.intersection(title)) / len(asked.terms) if asked.terms else 0.0,
        named,
        for_them,
        cover,
        profile,
    )


def focus_features(asked: Asked, focus_key: str) -> tuple[float, float, float]:
    """An article's focus features for the question: ``focus_match``, ``focus_named`` and
    ``population``."""
    if focus_key in asked.focus_keys:
        focus = 1.0
    elif focus_key in asked.variant_keys:
        focus = VARIANT
    elif focus_key in asked.other_focus_keys:
        focus = OTHER_FOCUS
    else:
        focus = 0.0
    focus_terms = focus_key.split()
    shared = [term for term in focus_terms if term in asked.terms]
    # (words for whom, "baby" of "Shaken baby syndrome", and for a kind of illness name no
    # condition: "passed down" and "CHILD syndrome" do not name "Down syndrome")
    naming = sum(1 for term in shared if term not in _POPULATION and term not in KINDS)
    if (
        focus < 1.0
        and asked.focus_phrase
        and naming > asked.focus_words
        and asked.focus_phrase.issubset(focus_terms)
    ):
        # A longer name holding the focus found and more of the question's words is a more
        # specific focus: "PDGFRB chronic eosinophilic leukemia" names "PDGFRB-associated
        # chronic eosinophilic leukemia", not only "Chronic eosinophilic leukemia".
        focus = 1.0
    elif focus < VARIANT and naming >= max(2, asked.focus_words) and 2 * naming > len(focus_terms):
        # Most of a longer focus name is in the question, though the name found was a shorter
        # one ("breast cancer in men": "Male breast cancer"; "low iron anemia": "Iron-deficiency
        # anemia"): as likely the subject as another source's name for the focus. Not when the
        # focus found is named by more words ("facioscapulohumeral muscular dystrophy" does not
        # make "Oculopharyngeal muscular dystrophy" likely), nor by half ("Alcohol Use and Older
        # Adults" for "older adults").
        focus = VARIANT
    # Another source's article about the condition written for the people asked about
    # ("Irritable Bowel Syndrome in Children" for "irritable bowel syndrome in kids") is as much
    # the subject as the article with the very focus named.
    written_for = populations(focus_terms)
    named = 1.0 if focus_terms and len(shared) == len(focus_terms) else 0.0
    if focus >= VARIANT and asked.populations & written_for:
        return 1.0, named, 1.0
    # (written for people the question does not ask about: "Urinary Tract Infections in
    # Children" for "how do they check for a uti")
    return focus, named, FOR_OTHERS if written_for - asked.populations else 0.0


@functools.lru_cache(maxsize=32768)
def title_terms(title: str) -> frozenset[str]:
    """A title's index terms. Analysing a title costs ~10 µs, most of a candidate's budget, and
    the same articles come back query after query: cached (MedQuAD has ~16,000 titles)."""
    return frozenset(terms(title))


def score(values: Mapping[str, float], weights: Weights = WEIGHTS) -> float:
    """The weighted sum of features given by name."""
    return weighed(tuple(values[name] for name in FEATURES), weights)


def weighed(values: Sequence[float], weights: Weights = WEIGHTS) -> float:
    """The weighted sum of features given in ``FEATURES`` order."""
    total = 0.0  # (a loop: half the time of sum() over a generator, once per candidate)
    for value, weight in zip(
        values, _DEFAULT if weights is WEIGHTS else _in_order(weights), strict=True
    ):
        total += weight * value
    return total


def _in_order(weights: Weights) -> tuple[float, ...]:
    return tuple(float(getattr(weights, name)) for name in FEATURES)


# The served weights in ``FEATURES`` order, looked up once rather than per candidate.
_DEFAULT = _in_order(WEIGHTS)


_Item = TypeVar("_Item")


def ranked(
    items: Sequence[_Item],
    score: Callable[[_Item], tuple[float, float]],
    group: Callable[[_Item], Hashable],
    weights: Weights = WEIGHTS,
    limit: int | None = None,
) -> list[tuple[float, _Item]]:
    """The best ``limit`` items (all by default) as (score, item), best first.

    An item's score is ``score(item)[0]`` less ``weights.duplicate`` for every better-scored
    item of its group (the same focus and type: another source's copy of the same answer);
    ``score(item)[1]`` breaks ties, then the order of ``items``. Copies wait in a heap until
    nothing better is left, so only the items up to the ``limit``-th are looked at further
    (a question's ~100 candidates cost ~10 µs more than sorting them, not ~60).
    """
    scores = [score(item) for item in items]
    order = sorted(range(len(items)), key=scores.__getitem__, reverse=True)
    wanted = len(items) if limit is None else min(limit, len(items))
    duplicate = weights.duplicate
    seen: dict[Hashable, int] = {}
    waiting: list[tuple[float, float, int, int]] = []  # copies: (-score, -tie, place, index)
    best: list[tuple[float, _Item]] = []
    for place, i in enumerate(order):
        value, tie = scores[i]
        # A waiting copy as good as this item was placed before it: it goes first.
        while waiting and len(best) < wanted and (-waiting[0][0], -waiting[0][1]) >= (value, tie):
            copy_score, _, _, j = heapq.heappop(waiting)
            best.append((-copy_score, items[j]))
        if len(best) >= wanted:
            return best
        key = group(items[i])
        copies = seen.get(key, 0)
        seen[key] = copies + 1
        if copies:
            heapq.heappush(waiting, (duplicate * copies - value, -tie, place, i))
        else:
            best.append((value, items[i]))
    while waiting and len(best) < wanted:
        copy_score, _, _, j = heapq.heappop(waiting)
        best.append((-copy_score, items[j]))
    return best


def same_answer(fields: Mapping[str, Any]) -> Hashable:
    """The group of articles that give the same kind of answer about the same focus (an
    article without a focus is a group of its own)."""
    return answer_group(fields.get("focus_key", ""), fields.get("qtype", ""), fields.get("id", ""))


def answer_group(focus_key: str, qtype: str, article: Hashable) -> Hashable:
    """``same_answer`` of the article ``article`` (its id, or anything unique to it)."""
    return (focus_key, qtype) if focus_key else ("id", article)


def weight_names() -> list[str]:
    return [f.name for f in fields(Weights)]
