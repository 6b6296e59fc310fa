"""Definitions every step shares: how text is cut into words, numbers and sentences, and fixed phrases.

Each is written once here; question reading, re-ranking, composition and grounding all use these.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import Literal, get_args

# Retrieval modes a caller may ask for: the re-ranked hybrid (default), and its parts on their own.
Mode = Literal["hybrid+rerank", "hybrid", "dense", "bm25"]
MODES: tuple[str, ...] = get_args(Mode)
# What every abstention starts with (the extractive answerer, the model prompt and the UI say the same).
ABSTAIN_PHRASE = "The corpus does not say"

# A line that opens with a short label: "Current Consensus: ...", "Most Likely: ..." (bold on the page).
LABELLED_RE = re.compile(r"^(?P<label>[A-Z][^:.?]{1,45}):\s+(?P<text>\S.*)$", re.S)
# A word: letters and digits, hyphenated or with an apostrophe kept whole ("trade-off", "don't").
TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")
# A number as a fact states it: "34M", "≈10x", "1.5B", "70%", "16 million", "110 PB" stays "110".
NUMBER_RE = re.compile(
    r"(?<![\w#])[≈~]?\d+(?:[.,]\d+)*"
    r"(?:\s?(?:%|x\b|[KMBT]\b\+?|million|billion|trillion)|[KMBT]\+?)?"
)
# A number's digits only, not glued to letters before it (that would be a hex colour or an id): what
# cleaning checks survives, and what grounding compares between an answer and its passage.
DIGITS_RE = re.compile(r"(?<![\w#])\d+(?:[.,]\d+)*")
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"}
# An answer's citation marker: "[2]".
MARKER_RE = re.compile(r"\s*\[(\d+)\]")

# Words that say nothing of what is asked. The last two lines are a reader's filler ("actually", "so far",
# "by itself"): rare in the corpus's formal text, so idf would weigh them as its most telling words, and
# "actually" matched The Meta Question's "the actual circuits" (broad: "What capabilities has ... actually
# demonstrated so far?" found The Meta Question before Specific Capabilities Demonstrated), "how well" the
# Goal's "well enough to", "still" OpenAI's row "Many still difficult to interpret", "What happened to RLHF?" the
# introduction's "what's happening inside". "answer" is what the reader wants, never what a question is about
# ("What are the main open questions, and what's each side's answer?" weighed the corpus's absent "answer" most and
# got the survey's outline).
STOPWORDS = set(
    """
    a an the of in on at to for from by with about as into through over under and or but not no nor
    is are was were be been being am do does did doing have has had having can could will would
    shall should may might must what which who whom whose when where why how that this these those
    it its they them their there here i you he she we me my your our his her than then so such some
    any all each per if else also just very more most much many few other another only own same too
    s t don tell explain describe give list name say said according does did please me us one ones
    survey corpus text page mentioned mention main two three four five six seven eight nine ten
    actually really truly basically essentially exactly quite anyway far still already ever even anymore well overall
    itself themselves ourselves yourself yourselves myself himself herself whether
    happen happens happened happening
    differ differs differed diverge diverges diverged different various
    answer answers answered
    """.split()
)
# Contractions of those words: "What's ...?" is "what", "Isn't ...?" and "can't" are "is" and "can" ("can't"
# would match "Can't rule out deception").
STOPWORDS |= {w + end for w in STOPWORDS for end in ("'s", "'re", "'ve", "'ll", "'d", "'m", "n't")} | {
    "can't", "won't", "shan't", "ain't"}
# ... and as typed without the apostrophe ("whats the bottom line"), where that is no other word ("its", "wed").
STOPWORDS |= {"whats", "whos", "hows", "wheres", "whys", "thats", "theres", "isnt", "arent", "doesnt", "dont",
              "didnt", "cant", "wont", "wouldnt", "couldnt", "shouldnt", "wasnt", "werent", "hasnt", "havent"}


def tokens(text: str) -> list[str]:
    """Lower-cased words of ``text``."""
    return [t.lower() for t in TOKEN_RE.findall(text)]


# British spellings and their American forms, the corpus's: "behaviour" -> "behavior", "organised" ->
# "organized", "analyse" -> "analyze", "centre" -> "center", "modelling" -> "modeling".
BRITISH_SPELLINGS = [(re.compile(a), b) for a, b in (
    (r"our(s|ed|ing|al|ally)?$", r"or\1"), (r"is(e|es|ed|ing|ation|ations|er|ers)$", r"iz\1"),
    (r"ys(e|es|ed|ing)$", r"yz\1"), (r"tre(s)?$", r"ter\1"), (r"ll(ed|ing|er|ers)$", r"l\1"), (r"ogue(s)?$", r"og\1"),
    (r"^scept", "skept"))]


def american(word: str) -> list[str]:
    """The American spellings ``word`` may stand for, if it has a British one (a lower-case word)."""
    return [pattern.sub(repl, word) for pattern, repl in BRITISH_SPELLINGS if len(word) > 4 and pattern.search(word)]


ALNUM_RE = re.compile(r"[a-z0-9]+")


def phrase_words(text: str) -> tuple[str, ...]:
    """"Claude 3.5" -> ("claude", "3", "5"): how names with version numbers are compared."""
    return tuple(ALNUM_RE.findall(text.lower()))


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])|(?<=[.!?][\"”])\s+(?=[A-Z])", text.strip())
    return [p.strip() for p in parts if p.strip()]


def row_cells(text: str) -> list[tuple[str, str]]:
    """A table row passage's cells as (header, value), in column order: "Approach: AI Control" is the first."""
    return [(h, v) for h, _, v in (line.partition(": ") for line in text.split("\n") if ": " in line)]


def title_name(title: str) -> str:
    """A document title's name, before its subtitle: "Gemma Scope 2" of "Gemma Scope 2: Helping the AI Safety ..."."""
    return re.split(r":\s|\s—\s", title, maxsplit=1)[0]


def row_subject(text: str) -> str:
    """What a table row is about: its first cell's value ("AI Control"), or its first line."""
    cells = row_cells(text.split("\n", 1)[0])
    return cells[0][1] if cells else text.split("\n", 1)[0]


def ensure_period(text: str) -> str:
    text = text.rstrip().removesuffix(":")  # "... for AI safety:" said alone ends with a period
    return text if text.endswith((".", "!", "?", "”", '"', ")", "…")) else text + "."


_NLTK_LOCK = threading.Lock()


@functools.cache
def _lancaster_stemmer():
    """nltk's Lancaster stemmer, for words no saved table knows.

    ``import nltk`` runs nltk's package ``__init__``, which imports most of nltk (scipy and scikit-learn
    with it: 1.4 s and 140 MB here) for a class that needs two small modules. Unless nltk is already
    imported, the stemmer's three files (``redos.py``, ``stem/api.py``, ``stem/lancaster.py``) are
    loaded alone, and the names they were loaded under are removed again, so a later ``import nltk``
    is whole. tests/test_text.py checks its stems equal the package's on the corpus vocabulary.
    """
    import importlib
    import importlib.util
    import sys
    import types

    with _NLTK_LOCK:
        if "nltk" in sys.modules:
            from nltk.stem import LancasterStemmer

            return LancasterStemmer()
        spec = importlib.util.find_spec("nltk")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("nltk is not installed")
        root = list(spec.submodule_search_locations)[0]
        names = ["nltk", "nltk.stem", "nltk.redos", "nltk.stem.api", "nltk.stem.lancaster"]
        for name, path in [("nltk", root), ("nltk.stem", f"{root}/stem")]:
            package = types.ModuleType(name)
            package.__path__ = [path]
            sys.modules[name] = package
        try:
            return importlib.import_module("nltk.stem.lancaster").LancasterStemmer()
        finally:
            for name in names:
                sys.modules.pop(name, None)


# Tables of stems computed ahead (each generation saves its vocabulary's, see generation.py): importing
# nltk for its stemmer costs a second, so a process whose words are all in a table never does.
_KNOWN_STEMS: list[Callable[[str], str | None]] = []


def add_known_stems(lookup: Callable[[str], str | None]) -> None:
    """Consult ``lookup`` (word -> Lancaster stem, or None) before running the stemmer."""
    if lookup not in _KNOWN_STEMS:
        _KNOWN_STEMS.insert(0, lookup)
        del _KNOWN_STEMS[4:]  # the live generation's table and a few before it


@functools.lru_cache(maxsize=200_000)
def lancaster(word: str) -> str:
    """Lancaster stem: coarser than Snowball, so words of one family meet ("scale", "scalability")."""
    for lookup in _KNOWN_STEMS:
        stem = lookup(word)
        if stem is not None:
            return stem
    return _lancaster_stemmer().stem(word)


@functools.lru_cache(maxsize=100_000)
def lancaster_set(text: str) -> frozenset[str]:
    return frozenset(lancaster(w) for w in tokens(text) if w.isalpha() and len(w) > 3)


def long_form(short: str, text: str) -> tuple[str, str] | None:
    """Where ``text`` spells out the abbreviation ``short``: ("SAEs", "sparse autoencoders") for "... sparse
    autoencoders (SAEs) ...", ("MAIA", "Multimodal Automated Interpretability Agent") for "MAIA (Multimodal ...)".

    The long form is matched as Schwartz & Hearst (2003) do: the abbreviation's letters, last to first, found in
    order in the words before the parenthesis, the first letter at the start of a word.
    """
    want = short.lower().removesuffix("s")
    if len(want) < 2:
        return None
    for m in re.finditer(r"\(([^()]{1,80})\)", text):
        inside = m.group(1).strip()
        if inside.lower().removesuffix("s") == want:  # "sparse autoencoders (SAEs)": the words before it
            # (on its line: "- MAIA\norganization: MIT (MAIA)" spells nothing out)
            words = text[: m.start()].rsplit("\n", 1)[-1].split()[-min(len(want) + 5, 2 * len(want)):]
            found = _fit(want, " ".join(words))
            if found:
                return inside, found
        before = re.search(r"([\w-]+)\s*$", text[: m.start()])
        if before and before.group(1).lower().removesuffix("s") == want:  # "MAIA (Multimodal ...)"
            found = _fit(want, inside)
            if found == inside:
                return before.group(1), inside
    return None


# Where a text may spell out an abbreviation: "sparse autoencoders (SAEs)", "MAIA (Multimodal ...)".
SPELLED_OUT_RE = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,11})\)|\b([A-Z][A-Za-z0-9-]{1,11})(?=\s*\()")


def long_forms(text: str) -> dict[str, str]:
    """Every abbreviation ``text`` spells out, by its lower-case singular: {"sae": "sparse autoencoders"}."""
    out = {}
    for m in SPELLED_OUT_RE.finditer(text):
        short = m.group(1) or m.group(2)
        if sum(c.isupper() for c in short) >= 2 and (found := long_form(short, text)):
            out[short.lower().removesuffix("s")] = found[1].lower()
    return out


def _fit(short: str, long: str) -> str | None:
    """The shortest end of ``long`` that ``short``'s letters spell (Schwartz & Hearst's findBestLongForm)."""
    s, i = len(short) - 1, len(long) - 1
    while s >= 0:
        c = short[s]
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (long[i].lower() != c or (s == 0 and i > 0 and long[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = long.rfind(" ", 0, i + 1) + 1
    found = long[start:]
    return found if found and not re.search(r"[()\[\]]", found) else None  # not across another parenthesis
