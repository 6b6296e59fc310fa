"""Reading a question, once: the :class:`Question` every later step works from.

Clean-up (control characters, look-alike letters), the words and their weights, the question's
type (count, when, who, list), key terms the corpus must know, comparison sides, synonyms and a
follow-up's carried-over subject. Retrieval, re-ranking and composition all take this object.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .text import MONTHS, STOPWORDS, american, lancaster, phrase_words, tokens
from .types import Passage
from .weights import FOLLOW_UP_CARRIED, IDIOM_WORD_WEIGHT, NAMING_DF_SHARE, SYNONYM_WEIGHT


class CorpusStats(Protocol):
    """What reading and scoring need to know about the corpus (the loaded retriever provides it)."""

    doc_freq: Any  # stem -> passages holding it: ``in`` and ``.get(stem, 0)``
    vocab: Container[str]  # every word of the corpus
    numbered: Container[tuple[str, ...]]  # "word + numbers" phrases the corpus names: ("claude", "3")
    heads: Container[str]  # words that begin the corpus's hyphenated words: "gpt" of "gpt-4"
    long_forms: Callable[[str], str | None]  # an abbreviation the corpus spells out: "sae" -> "sparse autoencoders"
    size: int  # passages in the index

    def stem_all(self, words: list[str]) -> list[str]: ...

    def idf(self, stem: str) -> float: ...

    def misspells(self, word: str) -> str | None: ...  # the corpus word a word it lacks is likely a misspelling of


# Capitalised words that start questions or are generic; never "names" the corpus must know.
GENERIC_CAPS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was",
                "were", "do", "does", "did", "can", "could", "should", "would", "will", "according", "and",
                "in", "on", "for", "the", "a", "an", "of", "list", "name", "give", "tell", "explain",
                "describe", "compare", "i", "if", "besides", "apart", "among", "between", "say", "per"}
FOLLOW_UP_RE = re.compile(
    r"^(and|what about|how about|and what about|what of|same for|and for|also|then|ok|okay)\b|"
    r"\b(it|its|they|their|them|that one|this one|those|these|he|she|his|her)\b|"
    # "How does that compare with Anthropic?": "that" is what the turn before asked about
    r"\b(?:that|this)\s+(?:compares?|differs?|relates?|stacks? up|fits?|means?|matters?)\b|"
    # "Tell me more about the second one." ("the newer version" is not followed: its subject is not said)
    r"\bthe (?:other|first|second|third|last|same) (?:one|paper|approach|crux|side)\b|^\W*tell me more\b|"
    # "Which is the most serious?", "Which one matters most?": a superlative of something the turn before listed
    r"^\W*which (?:one |of them |of these |of those )?(?:is|are|was|were|seems?|looks?|matters?)\b(?: the)?"
    r"(?: (?:most|least|best|worst|biggest|largest|hardest|easiest|strongest|weakest|more|less)\b)",
    re.I,
)
# "Tell me more about the second one.", "And the last one?": an item of the answer before, by its place in it.
ORDINAL_RE = re.compile(r"\bthe (?P<place>first|second|third|fourth|fifth|sixth|last) (?:one|item|point|crux|question|"
                        r"approach|paper|work|challenge|milestone|step|option|camp|position|risk)\b", re.I)
PLACES = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "last": -1}
# "And the second version?", "What about version 2?", "And the original one?": the question before, asked of another
# version of the thing it named ("Gemma Scope" / "Gemma Scope 2").
VERSION_FOLLOW_RE = re.compile(r"^\W*(?:and|but|what about|how about|and what about)?\s*(?:of\s+|for\s+)?"
                               r"(?:the\s+|its\s+)?(?:(?P<ord>first|second|third|original|earlier|older|previous|newer|later|latest|newest|"
                               r"next|new)\s+(?:version|release|edition|one)|version\s+(?P<n>\d+))\W*$", re.I)
VERSION_PLACES = {"first": 1, "original": 1, "earlier": 1, "older": 1, "previous": 1, "second": 2, "third": 3}
COUNT_Q = re.compile(r"\bhow (many|much|large|big|small)\b|\bnumber of\b|\bwhat (share|percent|percentage|"
                     r"fraction|proportion|portion|rate)\b|\bwhat (?:sizes?|scales?)\b|\b(?:size|amount) of\b|"
                     r"'s (?:size|amount|scale)\b|\bsize\W*$|"  # "gemma scope 2 size", typed as into a search box
                     r"\b(?:parameter|feature|neuron|head|citation|people|staff) ?counts?\b|"
                     r"\bhow many\b|"
                     # "Which extracted more features, A or B?": settled by the two numbers
                     r"\b(?:which|who|did|does|do|was|were|is|are)\b.*\b(more|fewer|larger|bigger|smaller)\b.*\bor\b|"
                     r"\b(?:did|does|do|was|were|is|are)\b.*\b(more|fewer|larger|bigger|smaller)\b.*\bthan (?-i:[A-Z])|"
                     r"\bor\b.*\b(more|fewer|larger|bigger|smaller)\b", re.I)
# "What percentage of the features ...?" asks a share: "70%", "about a third", not "34 million features".
SHARE_Q = re.compile(r"\b(?:what|which) (?:share|percent|percentage|fraction|proportion|portion)\b|"
                     r"\bpercent(?:age)? of\b|"
                     r"\bhow (?:much|large|big) (?:a )?(?:share|fraction|proportion|portion|percentage)\b", re.I)
# "When was ...", not "what happens when its activations ...": "when" as a conjunction asks no date.
# "When would interpretability fall short?" asks for conditions, not a date (CONDITIONS_Q).
CONDITIONAL_MODALS = r"(?:would|could|might|should|can|must)\b"
WHEN_Q = re.compile(rf"^\W*(?:and |so |but |then )?when\b(?!\s+{CONDITIONAL_MODALS})|"
                    r"\bwhen (?:was|were|did|do|does|is|are|will|has|had)\b|"
                    r"\b(?:what|which) (?:year|date|month)\b", re.I)
WHO_Q = re.compile(r"^\s*(?:who|whose)\b|\bwhich (organi[sz]ation|lab|company|team|group|researchers?|authors?)\b|"
                   r"\bwho (wrote|published|released|built|developed|led)\b", re.I)
# "What did Bereska and Gavves find?", "What does the Gemma Scope paper argue?": what a work reports, all of it (not
# "What did Towards Monosemanticity show about polysemanticity?").
# What a work is about: "What does the Bereska and Gavves review cover?", "What does the survey focus on?"
TOPIC_VERBS = r"cover|discuss|address|examine|explore|investigate|describe|study"
TOPIC_PHRASES = r"focus on|look at|deal with|talk about"
REPORT_VERBS = (r"find|found|argue|say|show|conclude|claim|propose|report|suggest|discover|write|establish|demonstrate|"
                rf"reveal|introduce|{TOPIC_VERBS}|{TOPIC_PHRASES}")
REPORTS_Q = re.compile(rf"\bwhat (?:did|does|do|have|has) .{{2,60}}? (?:{REPORT_VERBS})\W*$|"
                       # "What is the hybrid-approach paper by Sengupta arguing for?", "What is the Gemma Scope paper
                       # about?": the same asked in the present
                       r"\bwhat (?:is|are|was|were) .{2,60}? (?:arguing|saying|claiming|proposing|suggesting|showing|"
                       r"reporting)(?: for| about)?\W*$|"
                       r"\bwhat(?:'s| is| was) (?:the|this|that) .{1,60}? (?:paper|article|review|study|report|work|"
                       r"critique|analysis|thread|series|release)(?: of .{1,40}?)? about\W*$", re.I)
# "Tell me about Anthropic.", "What has DeepMind contributed?", "What is OpenAI's work?": all of what one thing did.
ENTITY_Q = re.compile(r"^\W*(?:tell me (?:more )?about|describe)\b|"
                      # "Give me the rundown on OpenAI.", "Fill me in on DeepMind."
                      r"\b(?:the |a )?(?:rundown|run-down|lowdown|low-down) (?:on|of)\b|"
                      r"\b(?:fill|catch) me (?:in|up) on\b|"
                      # "... what OpenAI did with GPT-4 features": a name, then what it did
                      r"\bwhat (?-i:[A-Z][\w-]*)(?:\s+(?-i:[A-Z0-9][\w-]*))* (?:did|has done|have done)\b|"
                      r"\bwhat (?:has|have|did) .{1,60}? (?:done|do|achieved?|contributed?|accomplished|brought|"
                      r"bring)\b|"
                      # "What's Anthropic's biggest achievement?"
                      r"\bwhat(?:'s| is| are| was| were) .{1,60}?'s? (?:[a-z]+ )?"
                      r"(?:work|contributions?|role|achievements?)\b", re.I)
# "Why does deception matter so much?": the verb, not the corpus's only "matter" ("dark matter"), which answered it.
# ... nor is "such a big deal" ("big" and "deal" are no topic)
MATTER_VERB_RE = re.compile(r"(?<!dark )\bmatter(?:s|ed|ing)?\b|"
                            r"\b(?:such|so|that|a)\s+(?:a\s+)?(?:big|huge|large)\s+deal\b", re.I)
# Ways of saying "said", asked who: "Who pointed it out?", "Who first noted this?", "Who coined the term?"
SAYING_VERB_RE = re.compile(r"\b(?:point(?:ed|s)?\s+(?:\w+\s+)?out|not(?:ed|es)|observ(?:ed|es)|coin(?:ed|s)|"
                            r"rais(?:ed|es)|came up with|come up with|first)\b", re.I)
# "How does X work?": the verb asks how, it is no topic.
HOW_WORK_RE = re.compile(r"(?P<head>^\W*how\s+(?:do|does|did|would|could|can|will)\s+.+?)\s+(?:work|function|operate)"
                         r"(?=\W*$)", re.I)
# "What tools exist for open research?", "Is there any evidence ...?": asking whether there is something says nothing
# of what ("exist" matched "Rather than interpreting existing black boxes").
EXIST_VERB_RE = re.compile(r"\bexist(?:s|ed)?\b", re.I)
# "What does SAE stand for?", "What is RLHF short for?", "the full form of MAIA", "Expand RLHF."
EXPAND_Q = re.compile(r"\bwhat (?:does|do|did) (?:the (?:abbreviation|acronym) )?(?P<x>[\w-]{2,12}) "
                      r"(?:stand for|mean)\b|\b(?:what is|what's) (?P<y>[\w-]{2,12}) short for\b|"
                      r"\bfull (?:form|name) (?:of|for) (?P<z>[\w-]{2,12})\b|^\W*expand (?P<w>[\w-]{2,12})\W*$", re.I)
# An abbreviation as a reader types it: "SAE", "SAEs", "RLHF" (two capitals or more, no space).
ACRONYM_RE = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Z][A-Za-z0-9-]{1,10}")
# "What is Gemma Scope?", "Describe polysemanticity.": a question asking what a thing is.
DEFINE_Q = re.compile(r"^\W*(?:what(?:\s+(?:is|are)|'s)\s+(?:an?\s+|the\s+)?|describe\s+|define\s+|explain\s+)"
                      r"(?P<x>[\w\-' ]{2,40}?)\W*$", re.I)
# "What does this survey conclude?", "Summarize the survey", "the key cruxes in this debate" (or "in the
# interpretability debate": The Meta Question's "philosophical debate" answered it): the corpus's main
# document itself is referred to (it calls itself a "survey of the interpretability sufficiency debate"). Such
# a phrase says where to look, not what about: its words are not searched for.
ABOUT_DOCUMENT_Q = re.compile(r"\b(?:this|the)\s+(?:(?:whole|entire|overall|interpretability|sufficiency|safety)\s+)*"
                              r"(?:survey|article|page|debate|discussion)\b|\bsurvey'?s\b", re.I)
# "Is it true that 70% ... ?": the frame asks for a check, its words are no topic ("true" matched "true human
# preferences").
CHECK_FRAME = re.compile(r"^\W*(?:is it (?:true|correct|right|accurate|the case)|true or false)\b(?:\s+that)?:?", re.I)
# A reader's framing that says how to take the question, not what it is about: "So where does the survey land in the
# end?" was refused ("end" is no word of the corpus), "What is sycophancy in this context?" answered with induction
# heads' "in-context learning", "Ultimately, what does the survey recommend?" with the RLHF paper's "ultimately
# calling for", and "like I'm five" read "I'm" as a name.
FRAME_RE = re.compile(r"\b(?:in the end|at the end of the day|when all is said and done|all in all|on balance|"
                      r"all things considered|ultimately|in (?:this|that|the survey's|this survey's) context|"
                      r"in plain (?:english|words|language)|in lay(?:man|person)'?s terms|"
                      r"like (?:i'?m|i am) (?:five|5|a child)|eli5|"
                      # "Walk me through the main disagreements.": "walk" is no topic
                      r"(?:walk|take|talk|run) (?:me|us) through|(?:fill|clue) (?:me|us) in on|"
                      r"(?:bring|get) (?:me|us) up to speed on|catch (?:me|us) up on|"
                      # "I want to know what the survey says about X" (got the whole survey's digest: "want", "know")
                      r"(?:i|we) (?:want|would like|'d like|wanted) to (?:know|understand|learn|hear)(?: about)?|"
                      # "I'm trying to understand what makes it hard to scale." ("understand" got the requirements)
                      r"(?:i|we)(?:'m| am|'re| are) (?:trying|hoping|looking|struggling) to (?:understand|figure out|"
                      r"make sense of|get my head around|learn)(?: about)?|"
                      # "I wonder whether interpretability is enough." asks whether it is (The Goal's "well enough")
                      r"(?:i(?:'m| am| was) (?:curious|wondering)|i wonder)(?: about|(?= (?:whether|if)\b)))\b,?", re.I)


# ... and a chat's pleasantries around the question: "Hi! Quick question: what are the main cruxes?" was refused
# ("never mentions Quick"), "Thanks. Could you also tell me what the survey concludes?" ("never mentions thanks").
PLEASANTRIES_RE = re.compile(r"^(?:\W*(?:hi|hello|hey|thanks|thank you|thx|cheers|great|cool|perfect|nice|ok|okay|"
                             r"sorry|good (?:morning|afternoon|evening))\b(?:\s+(?:work|job|answer))?"
                             r"(?:,?\s*(?:so|again|a lot|very much|there))?"
                             r"[\s!.,;:]+|\W*(?:(?:a )?quick question|one more (?:thing|question)|another question|"
                             r"i have a question)\b[\s!.,;:]*)+|"
                             r"[\s,;]*\b(?:thanks|thank you)(?: (?:so|very) much)?\W*$", re.I)


def without_frame(question: str) -> str:
    """``question`` without a reader's framing ("in the end", "in this context") or a chat's pleasantries ("Hi!",
    "Thanks."); unchanged when that is all it is."""
    core = re.sub(r"\s{2,}", " ", FRAME_RE.sub(" ", PLEASANTRIES_RE.sub(" ", question))).strip(" ,")
    core = re.sub(r"\s+([?.!,])", r"\1", core)
    return core if any(c.isalnum() for c in core) else question


# ... and the phrase that says so is no topic: "in two sentences" ("sentences" was searched for).
# "in order", "in the order they came out", "in sequence": of date ("in order to", "in order of importance" are not).
IN_ORDER = (r"(?:(?:the )?order\b(?!\s+(?:to|for|that|of (?!(?:date|time|publication|release|appearance)\b)))|"
            r"sequence\b)")
ANSWER_FORM_RE = re.compile(r"\bin (?:a |one |two |three |four |five |a few |few |\d+ )?(?:short |brief |simple )?"
                            r"(?:sentences?|words?|bullets?|bullet points?|paragraphs?|lines?)\b|"
                            # "What has Anthropic published, in order?": "order" is the form asked, no topic
                            r"\bin " + IN_ORDER + "|"
                            # "Summarize the whole debate in a nutshell."
                            r"\bin (?:a nutshell|brief|short)\b", re.I)
# How an answer is asked to look: "in a few bullets", "in one sentence", "in simple terms".
FORMAT_WORDS = {"bullet", "bullets", "sentence", "sentences", "paragraph", "paragraphs", "words", "briefly", "simple",
                "terms", "short", "brief", "points", "list"}
# "Give me an overview.", "What are the key takeaways?", "TL;DR": asks for the whole of what is read when nothing
# else is asked ("overview" matched the survey's link to an "Epistemic Tools Overview").
# "What is the survey's verdict?", "... its conclusion?", "... its take?": what it comes to, asked of the whole (the
# corpus never says "verdict": such questions were refused as about something it never mentions). So is its mood:
# "Is the survey optimistic or pessimistic about interpretability?" was refused ("never mentions optimistic").
# Words that ask for a verdict and say nothing else: "the bottom line", "the upshot", "the gist".
VERDICT_WORDS = r"bottom line|big picture|upshot|gist|tl;? ?dr|verdict|takeaways?|(?:final|last) (?:word|say)"
OVERVIEW_Q = re.compile(r"\b(?:(?:main|key|quick|brief|short|final|overall) )?(?:overview|summary|summari[sz]e|"
                        rf"{VERDICT_WORDS}|"
                        r"(?:main|key|important) (?:messages?|points?|ideas?|numbers|figures|statistics|stats)|"
                        r"overall|on the whole|in general|conclusions?|stance|optimistic|pessimistic|"
                        r"hopeful)\b|"
                        r"(?:'s|\bits|\byour|\bthe survey's) take\b", re.I)
# A verdict asked for, in words that say so and nothing else: "the bottom line on", "the upshot of", "the gist of".
VERDICT_FORM = re.compile(rf"\b(?:{VERDICT_WORDS})"
                          r"(?:\s+(?:on|about|of|for|regarding))?\b", re.I)
# What a document concludes is asked for in these words too (a verdict's bonus for them moved "What do researchers
# conclude about interpretability being sufficient?" off the Current Consensus to a table row: only the document's
# digest reads them).
CONCLUDE_RE = re.compile(r"\bconclu(?:de|des|ded|sions?)\b|"
                         # "Where does the survey land on interpretability?", "... come down on ...?"
                         r"\bwhere\b[^?]*\b(?:lands?|landed|comes? down|came down|stands?|comes? out|came out)\s+on\b",
                         re.I)
# ... and an overview or summary asked of a topic: "an overview of", "a summary of".
OVERVIEW_OF = re.compile(r"\b(?:overview|summary|rundown|recap)\s+(?:of|on|about)\b", re.I)
# What a document does, asked of the document itself: "What does the survey argue?" asks for its argument, not for
# the word "argue" ("arguing" in a reference's summary).
# So does what it holds on a topic: "the survey's view on AI control" asks about AI control ("view" matched "Range of
# views", "position" the field's "50 full-time positions").
DOCUMENT_VERBS = re.compile(r"\b(?:argue|conclude|claim|say|recommend|suggest|propose|find|think|believe|"
                            rf"mention|report|mean|meant|land|stand|{TOPIC_VERBS})(?:s|d|ed)?\b|\bcomes? down\b|"
                            r"\b(?:focus(?:es|ed)? on|look(?:s|ed)? at|deal(?:s|t)? with|talk(?:s|ed)? about)\b|"
                            r"\b(?:views?|opinions?|positions?|stances?|take|verdict|perspective|assessment|thoughts?)"
                            r"(?=\s+(?:on|about|of|regarding|concerning)\b)|"
                            # "the survey's main argument" is what it argues (not "the argument from engineering")
                            r"(?:'s|\bits)\s+(?:(?:main|central|core|key)\s+)?(?:argument|thesis)(?:s|es)?\b"
                            r"(?!\s+(?:from|for|against)\b)|"
                            # ... and so is "the main argument of this survey"
                            # (its name is taken out before: "main argument of ")
                            r"\b(?:main|central|core|key|overall)\s+(?:argument|thesis|claim|message)s?"
                            r"(?=\s+(?:of|in|made by)\b(?:\W*$|\s+(?:this|the)\s+(?:survey|article|page)\b))|"
                            r"\b(?:about|here)\b", re.I)
# "What are the arguments for and against ...?", "pros and cons", "both sides": both sides are asked for.
TWO_SIDED_Q = re.compile(r"\bfor and against\b|\bagainst and for\b|\bpros and cons\b|\bboth sides\b|"
                         r"\bcase for\b.*\bcase against\b|\bupsides? and downsides?\b|\bgood and bad\b|"
                         r"\badvantages and disadvantages\b|\bstrengths and weaknesses\b", re.I)
# "Is interpretability sufficient for safety?", "Can it be enough?": a yes-or-no question has two sides as well, and
# a section weighing both ("might be sufficient if:" / "is likely insufficient if:") answers it with the verdict.
# A reader's opening word or phrase ("So, is interpretability sufficient?", "In one sentence, is it enough?")
# keeps the form.
YES_NO_Q = re.compile(r"^\W*(?:[^,?]{1,30},\s*)?(?:(?:so|ok|okay|well|now|then|alright|honestly)\W+)*"
                      # ... or one asked as "whether ...", a reader's "I wonder" taken away
                      r"(?:is|are|can|could|does|do|will|would|should|whether)\b", re.I)
# A question asking why: the reasons, not only the fact it names.
WHY_Q = re.compile(r"^\W*(?:why|how come)\b", re.I)
# The case for something, asked alone: "What's the best argument for interpretability?"
PRO_CASE_RE = re.compile(r"\b(?:case|arguments?|reasons?)\s+for\b(?!\s+and\b)", re.I)
CON_CASE_RE = re.compile(r"\b(?:case|arguments?|reasons?)\s+against\b|\bobjections?\s+to\b|\bcriticisms?\s+of\b",
                         re.I)
# Words of that form say nothing of the topic: "against" matched "Those systems aren't optimizing against us"; nor
# does the reader's "make" of "Make the case for interpretability" (Positions' "Making steady progress" answered).
TWO_SIDED_FORM = re.compile(r"\b(?:mak(?:e|es|ing)\s+(?:the|a|an)\s+(?=case\b))?"
                            r"(?:(?:case )?for and against|against and for|both sides|case (?:for|against))\b", re.I)
# "Under what conditions ...?", "In what circumstances ...?", "When would ...?": a list of conditions is asked for,
# as the survey gives them ("Interpretability might be sufficient if:", "If main risk is misuse:").
# How something falls short, asked: "In what ways does training on human ratings fall short as a safety guarantee?"
HOW_SHORT_RE = re.compile(r"\b(?:in what ways?|how|where)\b[^?]*?\b(?P<said>f(?:a|e)ll(?:s|ing)? short)\b", re.I)
# "Why can't we just use RLHF?", "Why not simply apply red-teaming?", "What's wrong with just using RLHF?": asks why
# that approach is not enough alone.
WHY_NOT_JUST = re.compile(r"^\W*(?:why\s+(?:can'?t|cannot|couldn'?t|shouldn'?t|don'?t|not)\s+"
                          r"(?:we\s+|you\s+|i\s+|they\s+)?(?:just|simply|only)\s+(?:use|apply|adopt|deploy|go with|"
                          r"stick with|do)|what(?:'s|\s+is)\s+(?:wrong|the\s+(?:problem|issue|catch))\s+with\s+"
                          r"(?:just|simply|only)\s+(?:using|applying|adopting|deploying|relying on|going with))\b",
                          re.I)
# Sufficiency denied: "isn't ... enough", "won't be enough", "not sufficient" (the words between are not the idiom's).
NEGATED_ENOUGH = re.compile(r"\b(?:not|never|\w+n't)\b(?=[^.?!,;]{0,40}?\b(?:enough|sufficient|suffice)\b)", re.I)
CONDITIONS_Q = re.compile(rf"\b(?:under|in) (?:what|which) (?:conditions|circumstances|cases|situations|scenarios)\b|"
                          # "What circumstances make interpretability critical?"
                          r"^\W*(?:what|which) (?:conditions|circumstances|situations|scenarios)\b|"
                          rf"^\W*when\s+{CONDITIONAL_MODALS}|"
                          # "What would have to be true for interpretability to be enough?"
                          r"\bwhat (?:would|will|must|has to|needs? to)\s+(?:have to\s+|need to\s+)?"
                          r"(?:be true|happen)\b|"
                          # "What would it take for interpretability to be enough?"
                          r"\bwhat (?:would|will|does) it take for\b[^?]{0,60}?\b(?:enough|sufficient|suffice)\b|"
                          # "What would convince a skeptic that it could be enough?": what would make it so
                          r"\bwhat (?:would|could|might|will) (?:it take to )?(?:convince|persuade)\b.{0,60}?"
                          r"\bthat\b|"
                          # "When is interpretability most useful?", "Where is it least needed?": no date, no place
                          r"^\W*(?:when|where)\b[^?]*\b(?:most|least)\b(?:\s+(?:and|or)\s+(?:most|least))?\s+"
                          r"(?:useful|valuable|important|needed|helpful|critical|relevant|effective|worthwhile)\b|"
                          # "When does it matter most that we can see inside a model?": the degree after the verb
                          r"^\W*(?:when|where)\b[^?]*\b(?:matters?|counts?|helps?)\s+(?:the\s+)?(?:most|least)\b",
                          re.I)
# "Give me a timeline of ...", "the history of ...": events in order of date are asked for.
# The order of two events asked: "Which came first, induction heads or the mathematical framework?", "Did Gemma Scope
# come out before MAIA?", "How long after the Circuits work did Scaling Monosemanticity come?"
ORDER_Q = re.compile(r"\bwhich (?:one )?(?:came|was|happened|appeared|was (?:published|released)) (?:first|earlier|"
                     r"later|last|sooner)\W+(?P<a>[^?]+?)\s+or\s+(?P<b>[^?]+)|"
                     r"^\W*(?:did|was|were)\s+(?P<a2>.+?)\s+(?:come out|come|appear|happen|published|released)\s+"
                     r"(?:before|after|earlier than|later than)\s+(?P<b2>[^?]+)|"
                     r"\bhow (?:long|many (?:years|months)) (?:after|before) (?P<a3>.+?) did (?P<b3>.+?)\s+"
                     r"(?:come out|come|appear|happen|follow|arrive)\b", re.I)
# "What is the most recent milestone?", "the earliest result": one event of a chronology, at either end of it.
CHRONOLOGY_END_RE = re.compile(r"\b(?P<end>first|earliest|oldest|last|latest|newest|most recent)\s+(?:\w+\s+)?"
                               r"(?:milestone|achievement|result|release|breakthrough|event|entry)\b", re.I)
CHRONOLOGY_Q = re.compile(r"\btimeline\b|\bhistory\b|\bchronolog|\bover the years\b|\byear by year\b|\bmilestones\b|"
                          # "How have DeepMind's releases progressed over time?", "the landmark results"
                          r"\bover time\b|\blandmarks?\b|"
                          # "What came before Towards Monosemanticity?", "What happened after Scaling Monosemanticity?"
                          r"\b(?:what|which(?: \w+)?) (?:happened|came|followed|preceded)\s+"
                          r"(?:(?:right|just|immediately|directly)\s+)?(?:before|after|next)\b|"
                          # "What happened between the one-layer result and the Claude 3 Sonnet study?"
                          r"\bwhat (?:happened|came|went on)\s+(?:in\s+)?between\b|"
                          # "What happened in 2024?": the events of that year
                          r"\bwhat (?:happened|went on)\b[^?]*\b(?:19|20)\d\d\b|"
                          # "What did 2024 bring for interpretability?", "What came out in 2024?"
                          r"\bwhat did (?:19|20)\d\d (?:bring|hold|see|deliver)\b|"
                          r"\bwhat (?:came out|was (?:released|published|achieved))\b[^?]*\b(?:19|20)\d\d\b|"
                          # "Lay out the sequence of breakthroughs", "How has it progressed since 2020?", "What's the
                          # story of interpretability research from 2020 to 2025?": the events between
                          r"\bsequence of\b|\bsince (?:19|20)\d\d\b|"
                          # "What has Anthropic published, in order?", "in the order they came out": in order of date
                          r"\bin (?:chronological |date |time )?" + IN_ORDER + "|"
                          r"\b(?:from|between) (?:19|20)\d\d (?:to|and|through|until|till) (?:19|20)\d\d\b", re.I)
# An event that bounds a span of time: "before sparse autoencoders came along", "after Scaling Monosemanticity".
# ... or only the event next to it: "right after", "just before" ("next", "previous")
EVENT_BOUND_RE = re.compile(r"\b(?:(?P<next>right|just|immediately|directly)\s+)?"
                            r"(?P<side>before|after|since|until|prior to|following)\s+(?!(?:19|20)\d\d\b)"
                            r"(?P<event>[^?.!,;]+)", re.I)
# Two events that bound a span of time: "between the one-layer autoencoder result and the Claude 3 Sonnet study".
BETWEEN_EVENTS_RE = re.compile(r"\bbetween\s+(?!(?:19|20)\d\d\b)(?P<first>[^?.!,;]+?)\s+and\s+"
                               r"(?P<second>[^?.!,;]+)", re.I)
# A year that bounds a span of time ("since 2020", "from 2020 to 2025", "before 2024"): it names no year's row.
YEAR_BOUND_RE = re.compile(r"\b(?:since|from|after|before|between|until|till|through)\s+(?:19|20)\d\d\b", re.I)
# "How does each approach rate on deception?", "Which are in production and which are still research?", "model by
# model": the same thing asked of every row of a table, its column.
# "each other", "one another": the things compared are all of one kind (the labs, the approaches), not two sides.
RECIPROCAL = r"\b(?:each other|one another)\b"
DISTRIBUTIVE_Q = re.compile(rf"\b(?:each|every|any single|any one)\s+(?!other\b|of\b)[a-z]|{RECIPROCAL}|"
                            # "the pros and cons of all the safety approaches", "How do all the labs compare?"
                            r"\ball (?:of )?the (?:[a-z-]+ )?[a-z]+s\b|"
                            r"\bwhich\b[^?]*,?\s+and which\b|"
                            r"\b([a-z]+) by \1\b|"
                            # "Which approaches are not in production?": the rows that do not say it, read off the
                            # whole column (the rows that say "production" answered)
                            r"^\W*which\b[^?]*\b(?:are|is|was|were|do|does|did|can|could)(?:n't| not)\b", re.I)
# "Which safety approaches have been shown to scale?": the kind of thing asked which of (a plural noun after "which",
# past at most two modifiers); when a table's rows are things of that kind, the question is asked of each row.
WHICH_KIND_RE = re.compile(r"^\W*which\s+(?:[a-z-]+\s+){0,2}?([a-z]+s)\b", re.I)
# "Which approach is most mature?", "Which model has the largest gap?": one of a kind, picked by a degree, is asked of
# every row too (a plural is not needed).
# A degree that picks one of several: "Which worry makes interpretability matter the most?", "... least useful?"
DEGREE_WORDS = (r"most|least|best|worst|largest|biggest|smallest|highest|lowest|fewest|strongest|weakest|furthest|"
                r"farthest|greatest")
DEGREE_RE = re.compile(rf"\b(?:{DEGREE_WORDS})\b", re.I)
WHICH_ONE_RE = re.compile(r"^\W*which\s+(?:[a-z-]+\s+){0,2}?([a-z]+)\s+(?:is|has|was|does|did|can|gets|gives|offers|"
                          rf"shows|scales|needs|extracted|found|reached)\b.*\b(?:{DEGREE_WORDS})\b", re.I)
# What "each", "every", "all the" distribute over: "each safety approach", "every crux", "all the labs".
EACH_RE = re.compile(r"\b(?:each|every|all (?:of )?the)\s+((?:[a-z-]+\s*){1,3})", re.I)
LIST_Q = re.compile(r"\b(which|what) (kinds?|types?|sorts?|categories|features|approaches|capabilities|"
                    r"limitations|vulnerabilities|challenges|conditions|requirements)\b|"
                    r"\blist\b|\bwhat are (the|some)\b|\bname (the|some)\b", re.I)


@dataclass
class Question:
    text: str
    terms: dict[str, float]  # stem -> weight (follow-ups: the earlier question's terms weigh less)
    key_terms: list[str]  # names/identifiers the corpus must mention for an answer to exist
    qtype: str  # count | when | who | list | other
    search_text: str
    context_terms: list[str] = field(default_factory=list)  # a follow-up's carried-over names
    expansion: str = ""  # corpus words for everyday ones the question uses ("weaknesses" for "drawbacks")
    words: dict[str, str] = field(default_factory=dict)  # stem -> a question word it stems from
    definition: re.Pattern | None = None  # "What is X?": matches a sentence saying "X is ..."
    abbreviation: str | None = None  # "What does SAE stand for?": "SAE"
    reports: bool = False  # "What did Bereska and Gavves find?": asks what a work reports
    place: int | None = None  # a follow-up's "the second one": that item of the answer before (1-based, -1 the last)
    # "And the second version?" after "What is Gemma Scope?": "What is Gemma Scope 2?"
    other_version: str | None = None
    # "And in 2025?" after "What happened in 2024?": "What happened in 2025?"
    other_subject: str | None = None
    # names as typed in lower case, with their number ("gemma scope 2") or as the first version ("gemma scope")
    versions: list[str] = field(default_factory=list)
    about_entity: bool = False  # "Tell me about Anthropic.": asks all of what one named thing did
    counted: str | None = None  # "How many people ...": "people" ("" for "how many times")
    yes_no: bool = False  # "Is AI control enough ...?": a yes-or-no question, not "the case for and against"
    asks_why: bool = False  # "Why might interpretability give us false confidence?": the reasons, not only the fact
    type_carried: bool = False  # a follow-up of no type of its own takes the turn before's ("Why?" after a list)
    year_bound: bool = False  # "since 2020", "from 2020 to 2025": years that bound a span, not a year asked about
    # "before sparse autoencoders came along": (side, event) of a chronology bounded by an event, not a year;
    # "between A and B": after A and before B; "right after A": ("next", A)
    event_bound: list[tuple[str, str]] = field(default_factory=list)
    share: bool = False  # "What percentage of ...?": a share is asked, not a count
    counted_as: list[str] = field(default_factory=list)  # the corpus's word for it: "papers" -> ["references"]
    key_stems: dict[str, set[str]] = field(default_factory=dict)  # key term -> its content stems
    sides: list[str] = field(default_factory=list)  # a comparison's two sides, each searched on its own
    best_similarity: float | None = None  # over all retrieval candidates, set by the assistant
    two_sided: bool = False  # "the arguments for and against ...", "Is it sufficient?": both sides are asked for
    conditions: bool = False  # "Under what conditions ...?": a list of conditions is asked for
    chronology: bool = False  # "Give me a timeline of ...": events in order of date are asked for
    # "Which came first, A or B?", "How long after A did B come?": the two events whose order is asked
    event_pair: list[str] = field(default_factory=list)
    chronology_end: str | None = None  # "What is the latest milestone?": "last" (or "first") of those events
    distributive: bool = False  # "How does each approach rate on ...?": one thing asked of every row of a table
    # "What are the strengths of each safety approach?": the stems of the words after "each" / "every" / "all the"
    distributed: set[str] = field(default_factory=set)
    superlative: bool = False  # "Which approach is most mature?": one of a kind picked by a degree
    conclusions: bool = False  # "What does the survey conclude?", "its verdict": what it concludes, not its outline
    verdict: bool = False  # "What's the bottom line on ...?": what the survey concludes on a topic is asked for
    degree: bool = False  # "... matter the most?", "... least useful?": a degree, of whatever the question asks
    which_kind: str | None = None  # "Which safety approaches ...?": the stem of the kind asked which of ("approach")
    about_document: bool = False  # "What does this survey argue?": the main document as a whole is asked about
    whole_document: bool = False  # ... and nothing else: "Give me an overview.", "What does the survey conclude?"
    overview: bool = False  # "Summarize ...", "an overview of ...", "the key points of ...": a whole is asked for
    absent: list[str] = field(default_factory=list)  # the reader's words the corpus never uses, nor a synonym of
    # Key terms rare enough to say what the question is about ("RLHF", "Gemma Scope"; "AI", in most passages, is
    # not) -> the words and stems a passage holds when it mentions the term.
    naming: dict[str, set[str]] = field(default_factory=dict)
    # A naming abbreviation -> the stems of its long form, which mention it all together ("SAEs": "sparse autoencoders")
    spelled: dict[str, set[str]] = field(default_factory=dict)
    # Re-ranked candidates past the top_k of the first search: where composition looks for a passage mentioning
    # what the question names when none of the top passages does.
    reserve: list[Passage] = field(default_factory=list)
    # The corpus stem a synonym adds -> the stem of the reader's word it stands for: "suffici" -> "enough".
    synonym_of: dict[str, str] = field(default_factory=dict)

    @property
    def asks_shape(self) -> bool:
        """Whether its form asks for a section of a shape: both sides, a list of conditions, a chronology."""
        return self.two_sided or self.conditions or self.chronology

    def said(self) -> dict[str, float]:
        """The terms the reader said: the question's own words and, for a follow-up, the ones it carries ("Who wrote
        it?" after "What is Gemma Scope?"); not the corpus words a synonym adds ("wrote" -> "authors")."""
        return {s: w for s, w in self.terms.items() if w >= 1.0 or w == FOLLOW_UP_CARRIED}

    def names_in(self, have: set[str]) -> list[str]:
        """The naming terms that ``have`` (a text's words and stems) mentions."""
        return [t for t, forms in self.naming.items()
                if forms & have or (t in self.spelled and self.spelled[t] <= have)]

    @property
    def standalone(self) -> str | None:
        """The question as searched, when a follow-up made it differ from the question asked."""
        return self.search_text if self.search_text != self.text else None

    @functools.cached_property
    def coarse(self) -> dict[str, str]:
        """Stem -> Lancaster stem ("scale" ~ "Scalability").

        Computed on first use, after the embedding model has loaded: NLTK then imports in 0.15 s,
        against 1.5 s cold alongside the model.
        """
        return {st: lancaster(w) for st, w in self.words.items()}



class QuestionReader:
    """Reads questions against the corpus's vocabulary.

    Args:
        stats: corpus statistics (stems, document frequencies), from the loaded index.
        synonyms: (corpus word, everyday words) groups, from :func:`load_synonyms`.
        labels: which of their corpus words are the survey's labels, from :func:`load_synonym_labels`.
    """

    def __init__(self, stats: CorpusStats, synonyms: list[tuple[str, list[str]]] | None = None,
                 labels: set[str] | None = None, subject: str | None = None) -> None:
        self.stats = stats
        self.subject = subject  # what the corpus is about: what "it" stands for with nothing said before
        self.labels = labels  # the corpus words of the synonyms that are the survey's labels (None: all are)
        # (corpus word, pattern of the everyday words a question may use for it)
        self.synonyms = [(word, re.compile(r"\b(?:" + "|".join(map(re.escape, alts)) + r")\b", re.I))
                         for word, alts in (synonyms or []) if alts]

    def expand(self, question: str) -> list[str]:
        """Corpus words for the everyday words of a question: "drawbacks" -> ["weaknesses"]."""
        return [word for word, _ in self.synonym_matches(question)]

    def synonym_matches(self, question: str) -> list[tuple[str, str]]:
        """(corpus word, the everyday words that stand for it) in a question: ("weaknesses", "drawbacks")."""
        low = question.lower()
        # (a corpus word the question says, as a word or the start of one: "planes" in "airplanes" is not said)
        found = [(word, m) for word, alts in self.synonyms
                 if (m := alts.search(question)) and not re.search(rf"\b{re.escape(word)}", low)]
        # A word inside a longer phrase of another group is that phrase's: "weak spot" is a weakness, its "spot"
        # no detection; "not enough" is still about what is "sufficient".
        out = [(word, m.group(0)) for word, m in found
               if not any(n is not m and n.start() <= m.start() and m.end() <= n.end() and n.end() - n.start() >
                          m.end() - m.start() and word not in other for other, n in found)]
        # "Why isn't interpretability enough?", "why peering inside won't be enough": the survey's "insufficient"
        if (m := NEGATED_ENOUGH.search(question)) and "insufficient" not in low:
            out.append(("insufficient", m.group(0)))
        # "Why can't we just use RLHF?", "Why not simply apply red-teaming?": why it is not enough alone ("just use"
        # matched its Current Maturity: "Production use")
        elif m := WHY_NOT_JUST.search(question):
            out += [("insufficient", m.group(0)), ("alone", m.group(0))]
        # "In what ways does RLHF fall short?", "How does it fall short?": its limitations ("Key Limitations of RLHF"),
        # not when it would ("When would interpretability fall short?" asks for conditions)
        if m := HOW_SHORT_RE.search(question):
            out.append(("limitations", m.group("said")))
        # "What's the best argument for interpretability?", "the case for X": X's strengths, one side only ("the case
        # for and against" asks both; The Argument from Engineering, against it, answered); the case against it, its
        # weaknesses ("against" matched "Those systems aren't optimizing against us")
        if not TWO_SIDED_Q.search(question):
            for word, form in (("strengths", PRO_CASE_RE), ("weaknesses", CON_CASE_RE)):
                if (m := form.search(question)) and word not in low:
                    out.append((word, m.group(0)))
                    break
        return out

    @functools.cached_property
    def label_stems(self) -> set[str]:
        """The stems of the survey's labels that the synonym file gives other words for ("strengths", "best for",
        "maturity"); not its phrases ("loss of control": "control" is no label)."""
        return {stems[0] for word, _ in self.synonyms if len(stems := self.content_stems(word)) == 1
                and (self.labels is None or word in self.labels)}

    def synonym_sources(self, matches: list[tuple[str, str]], terms: dict[str, float]) -> dict[str, str]:
        """For each corpus stem a synonym adds, the stem of the reader's word it stands for, the rarer when the
        reader's phrase has several: "Is interpretability enough?" -> {"suffici": "enough"}."""
        out: dict[str, str] = {}
        for word, said in matches:
            own = [x for x in self.content_stems(said) if x in terms]
            for x in self.content_stems(word):
                if own and x not in own:
                    out[x] = max(own, key=self.stats.idf)
        return out

    def other_version(self, question: str, before: str) -> str | None:
        """The question ``before``, asked of the version of what it names that ``question`` asks for ("And the second
        version?" after "What is Gemma Scope?": "What is Gemma Scope 2?"), when the corpus numbers that name so;
        None for any other question."""
        m = VERSION_FOLLOW_RE.match(question)
        if not m:
            return None
        word = (m.group("ord") or "").lower()
        for name in re.finditer(r"\b([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)(?:\s+(\d+))?\b", before):
            bare, number = name.group(1), int(name.group(2) or 1)
            # "version 2", "the second/first version", or the one after this ("the newer one")
            wanted = int(m.group("n")) if m.group("n") else VERSION_PLACES.get(word, number + 1)
            if wanted == number or (wanted > 1 and (phrase_words(bare)[-1], str(wanted)) not in self.stats.numbered):
                continue
            named = bare if wanted == 1 else f"{bare} {wanted}"
            return before[: name.start()] + named + before[name.end():]
        return None

    def other_subject(self, question: str, before: str) -> str | None:
        """The question ``before``, asked of the one name ``question`` gives instead of the one it gave ("And in
        2025?" after "What happened in 2024?": "What happened in 2025?"), when the follow-up says nothing else; None
        for any other question."""
        if not NEW_SUBJECT_RE.match(question):
            return None
        new, old = self.key_terms(question), self.key_terms(before)
        if len(new) != 1 or len(old) != 1 or new[0].lower() == old[0].lower() or old[0] not in before:
            return None
        said = set(self.content_stems(NEW_SUBJECT_LEAD.sub(" ", question))) - set(self.content_stems(new[0]))
        return before.replace(old[0], new[0], 1) if not said else None

    def read(self, question: str, history: list[str] | None = None) -> Question:
        """The question read once: its words and weights, type, key terms, comparison sides, follow-up context."""
        question = without_frame(question)
        turns = [without_frame(h) for h in (history or []) if h.strip()]
        prev = turns[-1:]  # the last user turn carries the subject ...
        if len(turns) > 1 and is_follow_up(turns[-1]):
            # ... or, when it was a follow-up itself ("What are its weaknesses?"), with the turn it followed
            prev = [f"{turns[-2]} {turns[-1]}"]
        follow = bool(prev) and is_follow_up(question)
        terms: dict[str, float] = {}
        if follow:
            for s in self.content_stems(prev[0]):
                terms[s] = FOLLOW_UP_CARRIED
        asked = ABOUT_DOCUMENT_Q.sub(" ", TWO_SIDED_FORM.sub(" ", CHECK_FRAME.sub(" ", question)))
        asked = ANSWER_FORM_RE.sub(" ", EXIST_VERB_RE.sub(" ", MATTER_VERB_RE.sub(" ", asked)))
        # "How do deception features work?" asks what they are and do, not for "work" (red-teaming "works on black
        # boxes" answered)
        asked = HOW_WORK_RE.sub(r"\g<head>", asked)
        if WHO_Q.search(question):  # "Who pointed it out?" asks who said it, as "Who said that?" does
            asked = SAYING_VERB_RE.sub(" ", asked)
        # "the bottom line on whether we can rely on it" asks for a verdict on a topic: "bottom" and "line" are no topic
        # (Key Cruxes' "Must rely on behavioral safety" answered)
        # ... as "an overview of the state of the field" asks for one of it ("overview" weighed as much as the heading)
        if self.content_stems(topic := OVERVIEW_OF.sub(" ", VERDICT_FORM.sub(" ", asked))):
            asked = topic
        about_document = bool(ABOUT_DOCUMENT_Q.search(question))
        # With no topic besides what a document does ("What does the survey argue?", "Give me an overview.") or words
        # in much of the corpus ("an overview of interpretability for AI safety"), it asks about the main document.
        # A question asking who ("Who's most optimistic about interpretability?") asks for someone, not for the survey.
        whole = (about_document or bool(OVERVIEW_Q.search(question))) and not follow and not WHO_Q.search(question)
        whole = whole and not any(self.stats.doc_freq.get(s, 0) <= NAMING_DF_SHARE * (self.stats.size or 1)
                                  for s in self.content_stems(DOCUMENT_VERBS.sub(" ", OVERVIEW_Q.sub(" ", asked))))
        # "What does the survey conclude about deception?": what the survey does is no topic ("conclude", in one
        # reference, outweighed "deception" and the answer was the whole survey's digest).
        for s in self.content_stems(DOCUMENT_VERBS.sub(" ", asked) if about_document else asked):
            terms[s] = 1.0
        matches = self.synonym_matches(question)
        expansion = [word for word, _ in matches]
        # The corpus's spelling of a British one ("behaviour"), for the BM25 search too.
        expansion += [a for w in tokens(question) if (spelled := american(w)) and w not in self.stats.vocab
                      for a in spelled if a in self.stats.vocab]
        for s in self.content_stems(" ".join(expansion)):
            terms.setdefault(s, SYNONYM_WEIGHT)
        synonym_of = self.synonym_sources(matches, terms)
        # An idiom's words say little on their own: "standing in the way" is a challenge, not a "way"; "trying to
        # achieve" is a goal. They weigh less, and the corpus word the idiom stands for carries the question.
        for word, said in matches:
            if len(tokens(said)) > 1:
                kept = set(self.content_stems(word))
                for x in self.content_stems(said):
                    if terms.get(x) == 1.0 and x not in kept:
                        terms[x] = IDIOM_WORD_WEIGHT
        # A follow-up asking for another of the survey's labels asks it of the same subject, not of the label asked
        # before: "And its strengths?" after "What are the weaknesses of interpretability?" got RLHF's weaknesses.
        new_label = follow and any(terms.get(x, 0.0) > FOLLOW_UP_CARRIED for x in self.label_stems)
        if new_label:
            terms = {x: w for x, w in terms.items() if x not in self.label_stems or w != FOLLOW_UP_CARRIED}
        # ... and one that names another subject the same way ("What about scalable oversight?", "And of AI control?")
        # asks the label asked before of that subject: "What are the strengths of formal verification?" then "What
        # about scalable oversight?" got the approaches' section, formal verification's words still weighing.
        new_subject = follow and not new_label and bool(NEW_SUBJECT_RE.match(question)) and len(
            comparison_sides(prev[0])) != 2 and any(w >= 1.0 for x, w in terms.items() if x not in self.label_stems)
        if new_subject:
            terms = {x: w for x, w in terms.items() if x in self.label_stems or w != FOLLOW_UP_CARRIED}
        # "What's in the State of the Field section?": a part of a document the corpus never names by that word is
        # where to look, no topic ("section" weighed as much as the heading it names). ("part" and "list" are kept:
        # "Which parts of the requirements ...?", "part ways".)
        for st in self.stats.stem_all(["section", "sections", "table", "tables", "chapter", "heading"]):
            if st in terms and st not in self.stats.doc_freq:
                del terms[st]
        qtype = question_type(question)
        type_carried = follow and qtype == "other"
        if type_carried:
            qtype = question_type(prev[0])
        search = f"{prev[0]} {question}" if follow else question
        if new_subject:  # searched with the label it carries, not the subject it replaces ("maturity And of AI ...")
            labels = [w for w in tokens(prev[0]) if self.stats.stem_all([w])[0] in self.label_stems]
            search = " ".join([*labels, question])
        carried = self.key_terms(prev[0]) if follow else []
        # An idiom's capitals name nothing: "RLHF's Achilles heel" names RLHF, not Achilles.
        idioms = [said for _, said in matches if len(tokens(said)) > 1]
        keyed = re.sub("|".join(map(re.escape, idioms)), " ", question, flags=re.I) if idioms else question
        q = Question(question, terms, self.key_terms(OVERVIEW_Q.sub(" ", keyed)), qtype, search, carried,
                     expansion=" ".join(expansion), sides=comparison_sides(question))
        if follow and len(q.sides) == 1:
            q.sides = follow_up_sides(question, comparison_sides(prev[0]))
        elif len(q.sides) == 2 and (follow or self.subject):
            # "How does it compare with Gemma Scope 2?" after "What is Gemma Scope?": "it" is what was asked about;
            # asked first, what the corpus is about ("How does it compare with red-teaming?": interpretability)
            subject = (" ".join(carried) or prev[0]) if follow else str(self.subject)
            named_sides = [s for s in q.sides if [w for w in tokens(s) if w not in STOPWORDS]]
            if len(named_sides) == 1 and not follow:
                for st in self.content_stems(subject):
                    q.terms.setdefault(st, 1.0)
            q.sides = [subject if not [w for w in tokens(s) if w not in STOPWORDS] else s for s in q.sides]
        q.key_stems = {t: set(self.content_stems(t)) for t in q.key_terms}
        q.synonym_of = synonym_of
        q.about_document = about_document
        q.whole_document = whole
        q.overview = bool(OVERVIEW_Q.search(question))
        q.reports = bool(REPORTS_Q.search(question))
        place = ORDINAL_RE.search(question) if follow else None
        q.place = PLACES[place.group("place").lower()] if place else None
        q.other_version = self.other_version(question, turns[-1]) if follow else None
        q.other_subject = self.other_subject(question, turns[-1]) if follow and not q.other_version else None
        q.about_entity = bool(ENTITY_Q.search(question))
        # "when was gemma scope 2 released": a name with its version, typed in lower case, as the corpus numbers it
        q.versions = [f"{m.group(1)} {m.group(2)}" for m in re.finditer(r"\b([a-z][\w-]*\s+[a-z][\w-]*)\s+(\d+)\b",
                                                                          search)
                      if (m.group(1).split()[-1], m.group(2)) in self.stats.numbered
                      and not set(m.group(1).split()) & STOPWORDS]
        # ... and "gemma scope release year": the name without its number, typed in lower case, is the first version
        q.versions += [m.group(1) for m in re.finditer(r"\b([a-z][\w-]*\s+([a-z][\w-]*))\b(?!\s+\d)", search)
                       if not set(m.group(1).split()) & STOPWORDS
                       and any((m.group(2), str(n)) in self.stats.numbered for n in range(2, 10))]
        q.yes_no = bool(YES_NO_Q.match(question)) and not TWO_SIDED_Q.search(question)
        q.asks_why = bool(WHY_Q.match(question))
        # "the bottom line on whether it is enough" asks the yes or no of a verdict: both sides, weighed
        q.verdict = bool(VERDICT_FORM.search(question))
        q.conclusions = q.verdict or bool(CONCLUDE_RE.search(question))
        q.two_sided = bool(TWO_SIDED_Q.search(question)) or q.yes_no or (
            q.verdict and bool(re.search(r"\bwhether\b", question, re.I)))
        q.conditions = bool(CONDITIONS_Q.search(question))
        if m := ORDER_Q.search(question):
            q.event_pair = [next(g for g in m.group(*names) if g) for names in (("a", "a2", "a3"), ("b", "b2", "b3"))]
        end = CHRONOLOGY_END_RE.search(question)
        q.chronology = bool(CHRONOLOGY_Q.search(question)) or end is not None
        q.chronology_end = ("first" if end.group("end").lower() in ("first", "earliest", "oldest") else "last") \
            if end else None
        q.year_bound = bool(YEAR_BOUND_RE.search(question))
        if q.chronology and (m := BETWEEN_EVENTS_RE.search(question)):
            q.event_bound = [("after", m.group("first")), ("before", m.group("second"))]
        elif q.chronology and (m := EVENT_BOUND_RE.search(question)):
            side = m.group("side").lower()
            if m.group("next") and side in ("after", "following", "before", "prior to"):
                side = "previous" if side in ("before", "prior to") else "next"
            q.event_bound = [(side, m.group("event"))]
        q.type_carried = type_carried and qtype != "other"
        q.distributive = bool(DISTRIBUTIVE_Q.search(question))
        q.distributed = {st for m in EACH_RE.finditer(question)
                         for st in self.stats.stem_all(m.group(1).lower().split())}
        one = WHICH_ONE_RE.match(question)
        q.superlative = one is not None
        q.degree = bool(DEGREE_RE.search(question))
        if m := one or WHICH_KIND_RE.match(question):
            q.which_kind = self.stats.stem_all([m.group(1).lower()])[0]
        q.naming = self.naming(q.key_terms)
        # "training on human ratings" names RLHF as "RLHF" does: an abbreviation the corpus spells out, said in everyday
        # words (the cruxes' "RLHF, adversarial training, oversight" answered as if any "training" were asked about)
        for word, _ in matches:
            if word.upper() not in q.naming and ACRONYM_RE.fullmatch(word.upper()) and self.stats.long_forms(word):
                q.naming[word.upper()] = {word, *self.stats.stem_all([word])}
        q.spelled = self.spelled(q.naming)
        # Computed once here: the re-ranker scores every candidate unit with them, for each search.
        words = [w for w in tokens(question) if w not in STOPWORDS and len(w) > 3 and w.isalpha()]
        q.words = {st: w for w, st in zip(words, self.stats.stem_all(words), strict=True) if st in terms}
        # Words of the question's form ("takeaways", "in a few bullets") say how to answer, not what about.
        form = {w.lower() for w in tokens(" ".join(OVERVIEW_Q.findall(question) + DOCUMENT_VERBS.findall(question)))}
        q.absent = [w for st, w in q.words.items() if terms[st] >= 1.0 and st not in self.stats.doc_freq
                    and w not in form and w not in FORMAT_WORDS
                    and not any(alts.search(w) for _, alts in self.synonyms)
                    and not any(w.lower() in tokens(said.lower()) for said in idioms)]
        m = EXPAND_Q.search(question)
        if m:
            q.abbreviation = m.group("x") or m.group("y") or m.group("z") or m.group("w")
        m = DEFINE_Q.match(question)
        if m and q.abbreviation is None and ACRONYM_RE.fullmatch(m.group("x")):
            q.abbreviation = m.group("x")  # "What is an SAE?": what it is short for, then what it is
        if m:
            name = re.escape(m.group("x")).replace(r"\ ", r"\s+")
            # "Gemma Scope is ...", or an item or row labelled with the name: "Reward hacking: Models optimize ..."
            q.definition = re.compile(
                rf"(?:the |an? )?{name}s?(?:\b[^.]{{0,40}}?\b(?:is|are|was|were|refers? to|aims? to|seeks? to|"
                rf"means?)\b|:\s)", re.I)
        q.share = bool(SHARE_Q.search(question))
        noun = counted_noun(question)
        if noun is not None:
            if noun in STOPWORDS:
                # "How many are needed?" counts no "are": what the turn before counted ("How many features ...?"),
                # or nothing said.
                noun = (counted_noun(prev[0]) or "") if follow else ""
                noun = "" if noun in STOPWORDS else noun
            q.counted = "" if noun in MEASURE_WORDS else noun
            q.counted_as = self.expand(q.counted) if q.counted else []
        return q

    def naming(self, key_terms: list[str]) -> dict[str, set[str]]:
        """Key terms that name what a question is about, each with the words and stems that mention it."""
        n = self.stats.size or 1
        out = {}
        for term in key_terms:
            words = key_words(term)
            stems = self.stats.stem_all(words)
            if stems and any(self.stats.doc_freq.get(s, 0) <= NAMING_DF_SHARE * n for s in stems):
                out[term] = set(words) | set(stems)
        return out

    def spelled(self, naming: dict[str, set[str]]) -> dict[str, set[str]]:
        """The naming abbreviations the corpus spells out, each with its long form's stems: a passage that says
        "sparse autoencoder methods" mentions the "SAEs" a question names."""
        out = {}
        for term in naming:
            long = self.stats.long_forms(term.lower().removesuffix("s")) if ACRONYM_RE.fullmatch(term) else None
            if long:
                out[term] = set(self.stats.stem_all([w for w in tokens(long) if w not in STOPWORDS]))
        return out

    def content_stems(self, text: str) -> list[str]:
        words = [w for w in tokens(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
        stems = []
        for w, stem in zip(words, self.stats.stem_all(words), strict=True):
            parts = w.split("-")
            if len(parts) < 2 or not all(x.isalpha() for x in parts):
                if stem not in self.stats.doc_freq:
                    # "strongest" where the corpus says "Strong (if specified)": the degree the stemmer keeps;
                    # "behaviour" where it says "behavior"
                    # (not a word that says nothing: "offer" is no degree of "of")
                    bases = [b for b in degree_bases(w) if b not in STOPWORDS] + american(w)
                    known = (b for b in self.stats.stem_all(bases) if b in self.stats.doc_freq)
                    stem = next(known, stem)
                stems.append(stem)
                continue
            joined = self.stats.stem_all(["".join(parts)])[0]  # "trade-off" is also written "tradeoff"
            found = [x for x in (stem, joined) if x in self.stats.doc_freq]
            # "safety-related" is not a corpus word; "features related to safety" has both halves.
            stems += found or self.stats.stem_all([x for x in parts if x not in STOPWORDS and len(x) > 1])
        return stems

    def key_terms(self, text: str) -> list[str]:
        """Names, model versions, numbers: things the corpus must mention to answer."""
        out = []
        if not any(c.islower() for c in text):
            text = text.lower()  # "WHAT WAS FOUND IN CLAUDE?": capitals that shout name nothing ("WERE")
        # A possessive ends a name and a year is no version: "Anthropic's 2023 paper" names Anthropic and 2023 (as
        # "Anthropic 2023", which the corpus never says, it was refused), "Claude 3" is one name.
        for m in re.finditer(r"[A-Za-z0-9][\w.\-]*(?:'(?!s\b)[\w.\-]*)*(?:\s+(?!(?:19|20)\d\d\b)\d[\w.]*)?", text):
            word = m.group(0).rstrip(".'")
            first = word.split()[0]
            # "the 2020", "January 2024", "Are 70% ...": the number on its own
            if " " in word and (first.lower() in MONTHS or first.lower() in GENERIC_CAPS
                                or not (first[:1].isupper() or first[:1].isdigit())):
                if first.lower() in MONTHS:
                    out.append(first)
                word = first = word.split()[-1]
            has_digit = any(c.isdigit() for c in word)
            # "I'm", "I've": the reader, not a name
            is_cap = first[:1].isupper() and first.lower().split("'")[0] not in GENERIC_CAPS
            is_acronym = sum(c.isupper() for c in first) >= 2
            if m.start() == 0 and not (has_digit or is_acronym):
                continue  # the first word of a question is capitalised anyway
            if has_digit or is_cap or is_acronym:
                out.append(word)
        return out


def degree_bases(word: str) -> list[str]:
    """The plain adjective a comparative or superlative may come from, most likely first: "strongest" -> strong,
    "biggest" -> big, "safest" -> safe, "easiest" -> easy (the Snowball stemmer keeps the degree: "strongest")."""
    for end in ("est", "er"):
        stem = word[: -len(end)]
        if word.endswith(end) and len(stem) >= 3:
            out = [stem, stem + "e"]
            if stem[-1] == stem[-2]:
                out.insert(0, stem[:-1])  # "biggest"
            if stem[-1] == "i":
                out.insert(0, stem[:-1] + "y")  # "easiest"
            return out
    return []


def key_words(term: str) -> list[str]:
    """The words of a key term that name something ("RLHF-tuned" -> "rlhf"; not "2024" or "the")."""
    words = [w.split("-")[0] if "-" in w and not w.split("-")[-1].isdigit() else w for w in tokens(term)]
    return [w for w in words if w not in STOPWORDS and not w.isdigit() and w not in MONTHS]


# "How much does interpretability matter if ...?", "Does how much it helps change ...?": a degree, not an amount.
DEGREE_Q = re.compile(r"\bhow much\b(?:\s+[\w'-]+){0,4}?\s+(?:matters?|mattered|helps?|helped|depends?|depended|"
                      r"changes?|cares?|differs?|improves?)\b", re.I)


def question_type(q: str) -> str:
    if COUNT_Q.search(q) and (COUNTED_RE.search(q) or not DEGREE_Q.search(q)):
        return "count"
    if WHEN_Q.search(q) and not CONDITIONS_Q.search(q):
        return "when"
    if WHO_Q.search(q):
        return "who"
    if LIST_Q.search(q):
        return "list"
    return "other"


# "And with red-teaming?", "What about AI control?": what a follow-up puts in place of a comparison's second side.
SIDE_FOLLOW_UP_RE = re.compile(r"^\W*(?:and|but|what about|how about|and what about|same for|and for|versus|vs\.?)?"
                               r"\s*(?:with|to|against|versus|vs\.?|compared (?:to|with))?\s+(?P<x>.+?)\W*$", re.I)


# The words that open a follow-up putting a new subject in place of the old ("What about", "And"), and with those
# before its subject ("And in", "What about the"): they are not its subject.
NEW_SUBJECT_OPENING = r"^\W*(?:and|what about|how about|and what about|same for|and for)\s+"
NEW_SUBJECT_LEAD = re.compile(NEW_SUBJECT_OPENING + r"(?:(?:of|for|with|in|on|at|by)\s+)?(?:the\s+)?", re.I)
# "What about X?", "And of X?", "How about X?": a follow-up that puts X in place of what the turn before was about
# (no pronoun: "And its strengths?" keeps the subject).
NEW_SUBJECT_RE = re.compile(NEW_SUBJECT_OPENING + r"(?:of|for|with)?\s*"
                            r"(?!(?:who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|"
                            r"will|would|should)\b)(?![^?]*\b(?:it|its|they|them|their|this|that|these|those|the other|"
                            r"the same)\b)\w", re.I)


def follow_up_sides(question: str, earlier: list[str]) -> list[str]:
    """A follow-up to a comparison ("How does interpretability compare with RLHF?" then "And with red-teaming?")
    compares the earlier first side with the new thing; anything else keeps ``[question]``."""
    m = SIDE_FOLLOW_UP_RE.match(question)
    if len(earlier) != 2 or m is None or len(tokens(m.group("x"))) > 4:
        return [question]
    return [earlier[0], m.group("x")]


def is_follow_up(q: str) -> bool:
    return bool(FOLLOW_UP_RE.search(q) or ORDINAL_RE.search(q)) or len(tokens(q)) <= 4


MEASURE_WORDS = {"times", "ways", "kinds", "types", "sorts", "more", "other", "different", "total", "of", "in",
                 "the", "such", "distinct", "separate", "individual", "new"}
# "How many X", "number of X": asks for a count of X ("how much work" may not want a number at all).
COUNTED_RE = re.compile(r"\bhow many ([a-z][\w-]*)(?:\s+([a-z][\w-]*s)\b)?|"
                        r"\bnumber of ([a-z][\w-]*)(?:\s+([a-z][\w-]*s)\b)?|"
                        # "the parameter count" counts parameters (not "staff count": the corpus counts "people")
                        r"\b(parameter|feature|neuron|citation) counts?\b", re.I)


def counted_noun(text: str) -> str | None:
    """What "how many" / "number of" counts in ``text`` (None when it asks no count): the word after it, or the plural
    after that ("how many safety approaches": approaches)."""
    m = COUNTED_RE.search(text)
    if m is None:
        return None
    noun, then = (m.group(1) or m.group(3) or m.group(5)).lower(), (m.group(2) or m.group(4) or "").lower()
    return then if then and then not in STOPWORDS else noun


def load_synonyms(path: Path | None = None) -> list[tuple[str, list[str]]]:
    """Synonym groups, one per line: ``corpus word: everyday word, other words``; # starts a comment, and a
    ``[labels]`` or ``[words]`` line starts a section (see :func:`load_synonym_labels`)."""
    return [(word, others) for word, others, _ in _synonym_groups(path)]


def load_synonym_labels(path: Path | None = None) -> set[str] | None:
    """The corpus words of the synonym file's ``[labels]`` groups (None for a file without sections: all are)."""
    groups = _synonym_groups(path)
    if all(kind is None for _, _, kind in groups):
        return None
    return {word for word, _, kind in groups if kind == "labels"}


def _synonym_groups(path: Path | None) -> list[tuple[str, list[str], str | None]]:
    from importlib import resources

    text = path.read_text(encoding="utf-8") if path else (
        resources.files("interp_qa").joinpath("synonyms.txt").read_text(encoding="utf-8"))
    groups = []
    kind = None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line in ("[labels]", "[words]"):
            kind = line.strip("[]")
            continue
        word, sep, alts = line.partition(":")
        others = [a.strip().lower() for a in alts.split(",") if a.strip()]
        if not sep or not word.strip() or not others:
            raise ValueError(f"{path or 'synonyms.txt'}:{n}: expected 'corpus word: other word, other word', "
                             f"got {line!r}")
        groups.append((word.strip().lower(), others, kind))
    return groups


def check_question(question: object, limit: int) -> str:
    """The question as read: cleaned, look-alike letters read as Latin; a clear ValueError when unusable."""
    if not isinstance(question, str):
        raise ValueError(f"The question must be a string, not {type(question).__name__}.")
    # Far over the limit: say so before spending time normalising it.
    cleaned = clean_question(question) if len(question) <= 4 * limit else question
    if not cleaned:
        raise ValueError("The question is empty. Ask something about the survey, e.g. "
                         "'How many features did Anthropic extract from Claude 3 Sonnet?'")
    if len(cleaned) > limit:
        raise ValueError(f"The question is {len(cleaned)} characters long; the limit is {limit}. "
                         "Shorten it to the question itself.")
    return read_lookalikes_as_latin(cleaned)


UNICODE_WORD_RE = re.compile(r"\w+")
# Markup pasted with a question: what a browser would not show ("<b>GPT-4</b>" reads "GPT-4").
HTML_CODE_RE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.I | re.S)
HTML_TAG_RE = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
# Terminal colour and cursor codes (ESC [ ... m) pasted along with a question.
ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
SIDES_RE = re.compile(r",?\s+(?:or|vs\.?|versus|compared? (?:to|with|against)|compares (?:to|with|against)|"
                      r"(?:stacks?|measures?|match(?:es)?) up against|measures? against|"
                      r"differs? from|different (?:from|than|to)|as opposed to|measures? up to|"
                      r"(?:better|worse|safer|stronger|weaker|more useful|less useful) than|"
                      # "Did OpenAI extract more features than Anthropic?": a name after "than" is the other side
                      r"(?<!rather\s)than(?=\s+(?-i:[A-Z])))\s+", re.I)
# "Compare A and B on C", "the difference between A and B in C", "How do A and B compare on C?"
COMPARING = r"(?:compare|differ|diverge|contrast|stack up|measure up)"  # what two things do when compared
ALIKE = r"(?:different|similar|alike)"  # what two compared things are
ON = r"(?:on|in|for|regarding|in terms of|when it comes to)"  # what they are compared on follows
COMPARE_RE = re.compile(r"^(?:compare|contrast)\s+(?:what|how)\s+(?P<a9>.+?)\s+and\s+(?P<b9>.+?)\s+(?:each|both)\s+"
                        r"(?P<c9>.+)$|"  # "Compare what RLHF and interpretability each verify."
                        rf"^(?:compare|contrast)\s+(?P<a>.+?)\s+(?:and|with|to|vs\.?|versus)\s+(?P<b>.+?)"
                        rf"(?:\s+{ON}\s+(?P<c>.+))?$|"
                        r"^.*?\b(?:differences?|similarit(?:y|ies)|common ground) between\s+"
                        rf"(?P<a2>.+?)\s+and\s+(?P<b2>.+?)(?:\s+{ON}\s+(?P<c2>.+))?$|"
                        # "How do A and B differ as safety strategies?": "as ..." says what both are, no dimension
                        r"^(?:how|in what ways?|where)\s+(?:do|does|did|would|might)\s+(?P<a3>.+?)\s+and\s+"
                        rf"(?P<b3>.+?)\s+{COMPARING}(?:\s+as\s+.+|\s+{ON}\s+(?P<c3>.+))?$|"
                        # "How are A and B different?", "How similar are A and B?", "Are A and B alike?"
                        r"^(?:(?:how|in what ways?)\s+(?:are|were|is)|are|is)\s+(?P<a6>.+?)\s+and\s+(?P<b6>.+?)\s+"
                        rf"{ALIKE}(?:\s+{ON}\s+(?P<c6>.+))?$|"
                        rf"^how\s+{ALIKE}\s+(?:are|is)\s+(?P<a7>.+?)\s+and\s+(?P<b7>.+?)(?:\s+{ON}\s+(?P<c7>.+))?$|"
                        # "A and B: how do they differ?"
                        r"^(?P<a8>[^:,;]+?)\s+and\s+(?P<b8>[^:,;]+?)\s*[:,;]\s*(?:how|in what ways?|where)\s+"
                        rf"(?:do|are)\s+(?:they|the two|these)\s+(?:{COMPARING}|{ALIKE})$|"
                        r"^(?:what|how)\s+(?:distinguishes|separates|sets apart)\s+(?P<a4>.+?)\s+from\s+(?P<b4>.+?)$|"
                        # "What do RLHF and red-teaming have in common?" ("common" matched "common alignment goals")
                        r"^what\s+(?:do|does|did)\s+(?P<a5>.+?)\s+and\s+(?P<b5>.+?)\s+(?:have|share) in common$",
                        re.I)
# The other side named first: "Versus formal verification, how does interpretability fare?", "Compared with RLHF, ..."
LEADING_SIDE_RE = re.compile(r"^\W*(?:versus|vs\.?|compared (?:to|with)|as against|next to|relative to)\s+"
                             r"(?P<side>[^,;:]+?)\s*[,;:]\s*(?P<rest>.+)$", re.I)
# A question asked of both sides after the second: "A versus B: which one is better at ...?"
SIDE_TAIL_RE = re.compile(r"\s*(?::|,|;|\s[—–])\s*(?P<rest>(?:which|what|who|how|where|when|why|is|are|does|do|can)\b"
                          r".+)$", re.I)
# A name: capitalised or numbered words ("Claude 3 Sonnet", "GPT-4", "OpenAI").
NAME = r"[A-Z0-9][\w.\-']*(?:\s+[A-Z0-9][\w.\-']*)*"
INLINE_OR_RE = re.compile(rf"\b(?P<a>{NAME})\s+(?:or|vs\.?|versus)\s+(?P<b>{NAME})")
NOT_NAMES = {"Did", "Does", "Do", "Is", "Are", "Was", "Were", "Which", "Who", "What", "Has", "Have", "Can", "Could",
             "Should", "Would", "Will", "How", "When", "Where", "Why", "And", "Or", "The", "A", "An", "In", "On"}


RECIPROCAL_RE = re.compile(RECIPROCAL, re.I)
# What follows an "or" that starts a question of its own (a verb, then who or what it is about): "Will we ever
# understand neural networks, or are they just too complicated?" offers two answers, not two things to compare.
CLAUSE_OR_RE = re.compile(r"(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|must|might)\s+"
                          r"(?:it|they|we|you|he|she|this|that|these|those|there|its|their|our)\b", re.I)


def elided_possessive(sides: list[str]) -> list[str]:
    """Two sides where the second says only whose ("RLHF's weaknesses" and "red-teaming's"): the second's thing is the
    first's ("red-teaming's weaknesses"), so that what both are asked about is no side's own word. (Each side is
    searched as asked: "OpenAI's" finds OpenAI's row, "OpenAI's work" every work.)"""
    if len(sides) == 2 and re.search(r"['’]s?$", sides[1].strip()) and (
            m := re.search(r"['’]s?\s+(?P<thing>.+)$", sides[0])):
        return [sides[0], f"{sides[1].strip()} {m.group('thing')}"]
    return sides


def comparison_sides(question: str) -> list[str]:
    """The sides of a comparison, each with the shared words of the question.

    "Which extracted more features, Anthropic from Claude 3 Sonnet or OpenAI from GPT-4?" gives
    ["Which extracted more features, Anthropic from Claude 3 Sonnet", "OpenAI from GPT-4 Which
    extracted more features"]; "Did Anthropic or OpenAI extract more features?" gives ["Did
    Anthropic extract more features", "Did OpenAI extract more features"]; "Compare RLHF and
    interpretability on deception" gives ["RLHF deception", "interpretability deception"]; a
    question that compares nothing gives [question].
    """
    q = question.strip().rstrip("?.! ")
    if RECIPROCAL_RE.search(q):
        return [question]  # "How do the labs compare to each other?": all of them, no two sides
    if m := LEADING_SIDE_RE.match(q):  # "Versus formal verification, how does interpretability fare on deception?"
        return comparison_sides(f"{m.group('rest')} versus {m.group('side')}")
    m = COMPARE_RE.match(q)
    if m:
        # each alternative names its sides a<n>, b<n> and what they are compared on c<n>: the one that matched has them
        got = {name[0]: value for name, value in m.groupdict().items() if value}
        a, b, rest = got["a"], got["b"], got.get("c", "")
        return [f"{a} {rest}".strip(), f"{b} {rest}".strip()]
    parts = SIDES_RE.split(q)
    m = INLINE_OR_RE.search(q)
    if m and not (len(parts) == 2 and re.search(r"[,:]", parts[0])):
        a, b = m.group("a"), m.group("b")
        first = a.split()[0]
        if first in NOT_NAMES:  # "Did Anthropic or OpenAI": the question word is not part of the name
            a = a.split(None, 1)[1] if " " in a else ""
        if a and b and not (b.split() and b.split()[-1] in NOT_NAMES):
            start = m.start("a") + (len(m.group("a")) - len(a))
            return [q[:start] + a + q[m.end():], q[:start] + b + q[m.end():]]
    if len(parts) != 2 or not all(p.strip() for p in parts):
        return [question]
    left, right = parts
    if CLAUSE_OR_RE.match(right):
        return [question]  # "..., or are they just too complicated?": two questions about one thing, not two things
    shared = re.split(r"[,:]", left, maxsplit=1)[0] if re.search(r"[,:]", left) else ""
    # "Red-teaming versus interpretability: which one is better at catching deception?": what follows the second
    # side is asked of both ("interpretability: which one is better ..." named the Interpretability sub-section, the
    # Mechanistic Interpretability row saying too few of its words)
    if not shared and (tail := SIDE_TAIL_RE.search(right)):
        right, shared = right[:tail.start()], tail.group("rest")
        return [f"{left} {shared}", f"{right} {shared}"]
    return [left, f"{right} {shared}".strip()]


def clean_question(question: str) -> str:
    """The question as a person reads it: control characters, terminal escape codes and HTML markup (with
    the content of script and style elements) dropped, compatibility forms folded (NFKC: full-width
    letters, ligatures), surrounding space stripped."""
    import unicodedata

    text = ANSI_RE.sub("", unicodedata.normalize("NFKC", question))
    text = HTML_CODE_RE.sub(" ", text)
    text = HTML_TAG_RE.sub(" ", text)
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def read_lookalikes_as_latin(text: str) -> str:
    """Look-alike letters inside mixed-script words read as Latin: "Аnthropic" with a
    Cyrillic А is "Anthropic". Words wholly in one script (Greek, Cyrillic) are kept."""
    if text.isascii():
        return text
    from confusable_homoglyphs import confusables

    def latin(m: re.Match) -> str:
        word = m.group(0)
        if not confusables.is_dangerous(word, preferred_aliases=["latin"]):
            return word
        for found in confusables.is_confusable(word, greedy=True, preferred_aliases=["latin"]) or []:
            glyph = next((h["c"] for h in found["homoglyphs"] if h["n"].startswith("LATIN")), None)
            if glyph:
                word = word.replace(found["character"], glyph)
        return word

    return UNICODE_WORD_RE.sub(latin, text)
