"""The public API: interp_qa.retrieve / interp_qa.ask and the Assistant behind them."""

from __future__ import annotations

import pytest

from interp_qa import Answer, Passage
from interp_qa.compose import untraceable

from .conftest import says


def test_retrieve_returns_passages_best_first(assistant):
    passages = assistant.retrieve("How many features did OpenAI extract from GPT-4?", top_k=3)
    assert len(passages) == 3 and all(isinstance(p, Passage) for p in passages)
    assert passages[0].score >= passages[1].score >= passages[2].score
    assert any("16M features" in p.text or "16 million features" in p.text for p in passages)
    for p in passages:
        assert p.id and p.title and p.source and p.text


def test_a_reworded_question_finds_its_passage_by_similarity_as_well_as_words(assistant):
    # No word of the question but "interpretability" is in "Current Consensus: Interpretability is valuable
    # but probably needs to combine with other safety methods"; the re-ranker adds the passage's similarity.
    top = assistant.retrieve("What do most researchers think about interpretability being enough?")[0]
    assert top.text.startswith("Current Consensus:"), top.text
    # ("on its own" is the survey's "alone": the summary's "rather than interpretability alone" ranks first, and
    # the answer still leads with the verdict)
    answer = assistant.ask("What do most researchers think about interpretability being enough on its own?")
    assert answer.text.startswith("Current Consensus:"), answer.text
    answer = assistant.ask("In which month and year did Scaling Monosemanticity come out?")
    assert answer.text.startswith("Year: 2024 (May)"), answer.text


def test_a_passage_close_to_every_question_gains_less_from_its_similarity(assistant):
    # "For interpretability to be sufficient for safety, we'd need to ..." is cosine .70 to any question that
    # says "interpretability"; the re-ranker counts a passage's similarity less its closeness to the average card.
    passages = assistant.retrieve("What are the main obstacles for interpretability?", top_k=10)
    assert all(p.generic is not None and -1 <= p.generic <= 1 for p in passages)
    assert "generic" not in passages[0].model_dump()  # internal to re-ranking, not part of the API's passage
    q = assistant.read_question("What are the main obstacles for interpretability?")
    text = "Challenge: Automation Current Status: Circuit discovery highly labor-intensive"
    same = dict(text=text, title="S", section="Remaining Challenges", source="s.md", kind="table_row",
                similarity=0.5)
    everyday = assistant.steps[1].rerank(q, [Passage(id="s#1", generic=0.9, **same)])[0]
    specific = assistant.steps[1].rerank(q, [Passage(id="s#1", generic=0.2, **same)])[0]
    assert specific.score > everyday.score


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid", "hybrid+rerank"])
def test_every_mode_finds_the_field_size_passage(assistant, mode):
    passages = assistant.retrieve("How many full-time positions exist in mechanistic interpretability?", 5, mode)
    assert any("approximately 50 full-time positions" in p.text for p in passages)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("How many features did Anthropic extract from Claude 3 Sonnet?", "34"),
        ("How many people were on Anthropic's interpretability team?", "17 people"),
        ("What is an induction head?", "two-attention-head circuit"),
        ("When was Towards Monosemanticity published?", "2023"),
    ],
)
def test_answers_lead_with_the_fact_and_cite_it(assistant, question, fact):
    answer = assistant.ask(question)
    assert isinstance(answer, Answer) and not answer.abstained
    assert fact in answer.text.split("[1]", 1)[0], answer.text  # the fact comes before the first marker
    assert "[1]" in answer.text and answer.citations
    assert untraceable(answer.text, answer.citations) == []
    assert len(answer.text) < 400


def copied_from_citations(text: str, citations: list[Passage]) -> list[str]:
    """Checked here, not by untraceable() alone: every sentence or item ends in a marker, and each of its
    pieces appears in the passage (or its heading or document title) that marker cites. Returns what does not."""
    import re

    from interp_qa.compose import SEE_ALSO

    bad = []
    for line in [ln.strip() for ln in text.split("\n") if ln.strip()]:
        if line == SEE_ALSO:  # the label over passages a fact adds: no claim of its own
            continue
        if not re.search(r"\[\d+\]$", line):
            bad.append(f"no marker at the end: {line!r}")
        for piece, n in re.findall(r"(.*?)\s*\[(\d+)\]", line):
            p = citations[int(n) - 1]
            source = " ".join(f"{p.title}\n{p.section}\n{p.text}".split())
            for frag in re.split(r"\s—\s|;\s|\s\(|\)|:\s", re.sub(r"^[-*]\s+", "", piece.strip())):
                frag = frag.strip().rstrip(".…").strip()
                if frag and frag not in source:
                    bad.append(f"[{n}] does not say {frag!r}")
    return bad


def test_every_answer_is_traceable_to_its_citations(assistant):
    from interp_qa.evaluation import DEFAULT_QUESTIONS, PARAPHRASES, load_questions

    answered = 0
    for q in load_questions(DEFAULT_QUESTIONS) + load_questions(PARAPHRASES):
        answer = assistant.ask(q.question, history=q.history or None)
        if not answer.abstained:
            answered += 1
            assert copied_from_citations(answer.text, answer.citations) == [], q.question
            assert untraceable(answer.text, answer.citations) == [], q.question
    assert answered >= 100


def test_the_traceability_check_can_fail(assistant):
    answer = assistant.ask("How many features did OpenAI extract from GPT-4?")
    assert copied_from_citations(answer.text, answer.citations) == []
    assert copied_from_citations(answer.text + " And 99 more.", answer.citations)  # text after the last marker
    assert copied_from_citations("OpenAI found 99 features [1]", answer.citations)  # not in the passage
    assert copied_from_citations("No marker at all", answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "How many features did Anthropic extract from Claude 2?",
        "What interpretability results did Meta report for Llama 3?",
        "What is the capital of France?",
        # The corpus names both labs, but the only head count it gives is Anthropic's.
        "How many people work at OpenAI on interpretability?",
        "How many researchers does Google DeepMind have on interpretability?",
    ],
)
def test_abstains_when_the_corpus_does_not_say(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and answer.status == "abstained" and answer.citations == []
    assert answer.text.startswith("The corpus does not say.")
    assert answer.closest_topics  # says what the corpus does cover


@pytest.mark.parametrize("question", ["Why is RLHF insufficient?", "Why might RLHF not be enough?"])
def test_a_question_is_answered_from_passages_that_name_what_it_asks_about(assistant, question):
    # "insufficient" / "enough" find the survey's "Interpretability is likely insufficient if:" list, which
    # says nothing of RLHF; the RLHF passages answer, and the assistant must not say none does.
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    assert "RLHF" in answer.text and all("RLHF" in f"{c.section} {c.text}" for c in answer.citations[:1])
    assert untraceable(answer.text, answer.citations) == []


def test_follow_up_carries_the_previous_subject(assistant):
    # "Which lab built it?" says nothing on its own; after a question about MAIA it asks who built MAIA.
    alone = assistant.ask("Which lab built it?")
    answer = assistant.ask("Which lab built it?", history=["Tell me about the MAIA agent."])
    assert not answer.abstained and "MIT" in answer.text and "MIT" not in alone.text
    assert answer.standalone_question == "Tell me about the MAIA agent. Which lab built it?"


def test_a_comparison_finds_both_sides(assistant):
    answer = assistant.ask("Which extracted more features, Anthropic from Claude 3 Sonnet or OpenAI from GPT-4?")
    assert not answer.abstained and says(answer.text, 34) and says(answer.text, 16)
    assert len(answer.citations) == 2


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        ("Did Anthropic or OpenAI extract more features?",
         ["Did Anthropic extract more features", "Did OpenAI extract more features"]),
        ("Compare RLHF and mechanistic interpretability on detecting deception.",
         ["RLHF detecting deception", "mechanistic interpretability detecting deception"]),
        ("What is the difference between RLHF and red-teaming in scalability?",
         ["RLHF scalability", "red-teaming scalability"]),
        ("How many features did OpenAI extract from GPT-4?", ["How many features did OpenAI extract from GPT-4?"]),
        ("How do Anthropic's and OpenAI's results compare?", ["Anthropic's", "OpenAI's results"]),
        ("How do GPT-4 and Claude 3 Sonnet compare on the feature gap?",
         ["GPT-4 the feature gap", "Claude 3 Sonnet the feature gap"]),
        # "different from", "better than", "What distinguishes A from B?" compared nothing
        ("How is Gemma Scope 2 different from Gemma Scope?", ["How is Gemma Scope 2", "Gemma Scope"]),
        ("Is formal verification better than interpretability?", ["Is formal verification", "interpretability"]),
        ("What distinguishes scalable oversight from RLHF?", ["scalable oversight", "RLHF"]),
        # "have in common" and "similarities between" compare too ("common" matched "common alignment goals")
        ("What do RLHF and red-teaming have in common?", ["RLHF", "red-teaming"]),
        ("What are the similarities between AI control and formal verification?",
         ["AI control", "formal verification"]),
        # a name after "than" is the other side; "rather than" and "more than 50" compare nothing
        ("Did OpenAI extract more features than Anthropic?", ["Did OpenAI extract more features", "Anthropic"]),
        ("Which approach relies on keeping AI boxed in rather than understanding it?",
         ["Which approach relies on keeping AI boxed in rather than understanding it?"]),
        ("Are more than 50 people in the field?", ["Are more than 50 people in the field?"]),
        # a question after the second side is asked of both
        ("Red-teaming versus interpretability: which one is better at catching deception?",
         ["Red-teaming which one is better at catching deception", "interpretability which one is better at catching "
          "deception"]),
        ("RLHF vs red-teaming, which is more mature?",
         ["RLHF which is more mature", "red-teaming which is more mature"]),
        # "A and B" compared by a verb or adjective after them, or by a question after them
        ("How do red-teaming and scalable oversight differ as safety strategies?",
         ["red-teaming", "scalable oversight"]),
        ("How do RLHF and interpretability stack up when it comes to deception?",
         ["RLHF deception", "interpretability deception"]),
        ("How are RLHF and interpretability different?", ["RLHF", "interpretability"]),
        ("How similar are AI control and formal verification?", ["AI control", "formal verification"]),
        ("Are RLHF and red-teaming alike?", ["RLHF", "red-teaming"]),
        ("RLHF and red-teaming: how do they differ?", ["RLHF", "red-teaming"]),
        ("In what way is RLHF different to interpretability?", ["In what way is RLHF", "interpretability"]),
        # the other side named first, as "A versus B" with A the question's clause
        ("Versus formal verification, how does interpretability fare on deception?",
         ["how does interpretability fare on deception", "formal verification"]),
        ("Compared with RLHF, what does interpretability verify?", ["what does interpretability verify", "RLHF"]),
        # "Compare what A and B each do": what follows "each" is what they are compared on
        ("Compare what RLHF and interpretability each verify.", ["RLHF verify", "interpretability verify"]),
        ("How do interpretability and red-teaming work together?",
         ["How do interpretability and red-teaming work together?"]),
        # an "or" that starts a question of its own offers two answers about one thing
        ("Can we ever read a network's mind, or is it too complicated?",
         ["Can we ever read a network's mind, or is it too complicated?"]),
    ],
)
def test_comparison_sides(question, sides):
    from interp_qa.question import comparison_sides

    assert comparison_sides(question) == sides


def test_a_comparison_asked_inline_finds_both_numbers(assistant):
    answer = assistant.ask("Did Anthropic or OpenAI extract more features?")
    assert not answer.abstained and says(answer.text, 34) and says(answer.text, 16)


@pytest.mark.parametrize(
    ("question", "fact", "not_fact"),
    [
        # A page's "Reference number" line is not an answer to "what number of features".
        ("What number of features were pulled out of Claude 3 Sonnet by Anthropic?", "34M", "Reference number"),
        # Counted by another name: the row says "features" under "Extracting Concepts from GPT-4".
        ("How many concepts did OpenAI find in GPT-4?", "16 million", None),
        # "When was it published?" wants the page's Year line, not its Publisher line.
        ("When was the work on induction heads published?", "2022", "Publisher"),
        # The question names Gemma Scope 2; the original Gemma Scope (2024) is another work.
        ("What year did Gemma Scope 2 come out?", "2025", "2024"),
        # The DeepMind row names "Gemma Scope" and "Gemma 2", never Gemma Scope 2: its "Scale Reached" is another.
        ("What scale did Gemma Scope 2 reach?", "110 PB", "DeepMind"),
        # "gemma scope" typed in lower case is still the first version, not Gemma Scope 2 (its "release" matched)
        ("gemma scope release year", "2024", "2025"),
        ("when was gemma scope released", "2024 (Jul)", "2025"),  # was its summary's "released by ...", no date
        # a search-box "X size" asks for an amount, like "X's size" (was the Gemma Scope 2 blurb, no number)
        ("gemma scope 2 size", "110 PB", None),
        # "losing" and "loss" share no stem: the misuse list's "access control" answered
        ("What does the survey say about the risk of losing control?", "If main risk is loss of control",
         "If main risk is misuse"),
        # "strongest" is "strong" in its plain degree (the stemmer keeps "strongest"): was AI Control's "N/A".
        ("Which safety approach is strongest at catching deception?", "Deception Detection: Potentially strong",
         "AI Control"),
        ("Whose work demonstrated circuits in CNNs?", "Olah", None),
        # "cited" and the "Citations" field are one word family (Snowball stems keep them apart).
        ("How many times was the Bereska and Gavves review cited?", "Citations: 364", None),
        # "What is X?" is answered by "X is ...", and not by the sentence about X 2.
        ("What is Gemma Scope?", "open-source suite of sparse autoencoders", "Gemma Scope 2"),
        # A table row that only repeats the question's words answers with its other cells.
        ("What is neural network dark matter?", "rare features", None),
    ],
)
def test_answers_the_asked_for_fact(assistant, question, fact, not_fact):
    answer = assistant.ask(question)
    assert not answer.abstained and fact in answer.text, answer.text
    if not_fact:
        assert not answer.text.startswith(not_fact) and not_fact not in answer.text.split("[1]")[0], answer.text
    assert untraceable(answer.text, answer.citations) == []


def test_a_short_list_is_answered_whole(assistant):
    # A crux lists both sides; either alone misleads.
    answer = assistant.ask("Can humans understand the cognition of a superintelligent AI?")
    assert "dog can't understand calculus" in answer.text and "with tools and AI assistance" in answer.text
    assert "(Confidence: medium)" in answer.text  # items are not cut at their first colon
    assert untraceable(answer.text, answer.citations) == []


def test_everyday_words_find_the_corpus_words(assistant):
    # The survey's label is "Weaknesses"; the question says "drawbacks" (bundled synonyms.txt).
    assert assistant.steps[0].expand("What are the drawbacks of red-teaming?") == ["weaknesses"]
    answer = assistant.ask("What are the drawbacks of red-teaming?")
    assert "Weaknesses: Can't rule out deception" in answer.text
    assert untraceable(answer.text, answer.citations) == []
    # "difficult" is the survey's challenge, as "difficulty" is: it got the Scaling Monosemanticity summary
    answer = assistant.ask("What makes scaling SAEs to the largest models difficult?")
    assert answer.text.startswith("Challenge: Scalability (Current Status: SAEs lose ≈10x compute"), answer.text
    # "prioritize" and the survey's "priority" stem apart: the loss-of-control list (its "AI") answered
    answer = assistant.ask("If I'm worried about deceptive AI, what should I prioritize?")
    assert "If main risk is deceptive alignment" in answer.text.split("\n")[0], answer.text
    # "break down" is the survey's "insufficient" as "fail" is: the design tradeoff answered
    answer = assistant.ask("When does interpretability break down?")
    assert answer.text.startswith("Interpretability is likely insufficient if"), answer.text
    # ... and so is "hard": the cruxes' "Hard to completely hide goals" answered "Why is scaling interpretability hard?"
    answer = assistant.ask("Why is scaling interpretability hard?")
    assert "May not scale, technically challenging" in answer.text.split("\n\n")[0], answer.text
    # a model's "inner workings" are its internals: RLHF's "Inner misalignment" answered
    answer = assistant.ask("Why look at a model's inner workings rather than its outputs?")
    assert "without addressing internal reasoning" in answer.text.split("\n\n")[0], answer.text
    # what it "has to" do is what "we'd need to" do: "What would interpretability have to be able to do?" got The Goal
    answer = assistant.ask("What would a trustworthy inspection tool have to resist?")
    assert "5. Be tamper-proof" in answer.text.split("\n\n")[0], answer.text
    # "doubters" are the survey's skeptics, "right now" and "state of play" its current field: The Goal's list and
    # red-teaming's "finding real issues now" answered
    answer = assistant.ask("What do the doubters say about mechanistic interpretability?")
    assert "Skeptical we can interpret superintelligence" in answer.text, answer.text
    answer = assistant.ask("What's the state of play in interpretability research right now?")
    assert "Mechanistic interpretability has advanced significantly" in answer.text, answer.text
    # what one "should use" something for is what it is best for: its Current Maturity row answered
    answer = assistant.ask("What should I use red-teaming for?")
    assert "Best for: Finding specific failures" in answer.text, answer.text


def test_what_makes_something_risky_asks_its_weaknesses(assistant):
    # "risky" is no word of the corpus: the Comparative Assessment row of scalable oversight answered, not its
    # Weaknesses
    answer = assistant.ask("What makes scalable oversight risky?")
    assert "Weaknesses: Requires powerful overseers, potential for collusion" in answer.text.split("\n\n")[0], \
        answer.text


def test_a_word_inside_a_longer_everyday_phrase_is_that_phrase_s(assistant):
    # "weak spot" is a weakness; its "spot" alone is a detection, which named the comparison table's Deception
    # Detection column and answered with every approach's row.
    assert assistant.steps[0].expand("What is scalable oversight's weak spot?") == ["weaknesses"]
    answer = assistant.ask("What is scalable oversight's weak spot?")
    assert "Weaknesses: Requires powerful overseers, potential for collusion" in answer.text, answer.text
    # ... and an idiom's capitals name nothing: "Achilles" was refused as a name the corpus never mentions.
    answer = assistant.ask("What is RLHF's Achilles heel?")
    assert not answer.abstained and "Weaknesses: May be superficial" in answer.text, answer.text
    # "schools" of a field are its camps: the Key Cruxes answered ("disagree")
    answer = assistant.ask("What do the two schools of interpretability research disagree about?")
    assert "Pragmatic/Behavioral Camp" in answer.text and "Can we interpret cognition" not in answer.text, answer.text


def test_everyday_words_for_an_abbreviation_name_it(assistant):
    # "human ratings" is RLHF (synonyms.txt), which the corpus spells out: the question names it as "RLHF" would.
    # A record's "Rating: 4/5" answered; then the cruxes' "RLHF, adversarial training, oversight" for "training".
    assert "RLHF" in assistant.read_question("What are the problems with learning from human ratings?").naming
    answer = assistant.ask("What are the problems with learning from human ratings?")
    assert "Reward hacking" in answer.text and "Rating:" not in answer.text, answer.text
    # ... and what "falls short" are its limitations: "Key Limitations of RLHF"
    answer = assistant.ask("In what ways does training on human ratings fall short?")
    assert "Reward hacking" in answer.text.split("\n")[0], answer.text
    # ... but when it would fall short asks for conditions, not for limitations (the cruxes ranked first)
    assert "limitations" not in assistant.read_question("When would interpretability fall short for safety?").expansion


def test_a_corpus_word_inside_a_longer_word_is_not_said(assistant):
    # "airplanes" holds "planes" but does not say it: the synonym file's "planes: airplanes" was never applied
    assert "planes" in assistant.read_question("Why is AI harder to make safe than airplanes?").expansion.split()
    # ... while a word that starts with it says it ("compared" says "compare": nothing to add)
    assert "compare" not in assistant.read_question("How is RLHF compared, stacked up against others?").expansion


def test_what_was_managed_so_far_asks_for_capabilities(assistant):
    # "so far", "managed to": what has been shown to be possible, the survey's capabilities. Anthropic's safety-relevant
    # features alone answered "What have researchers demonstrated so far?", the Meta Question's camps "What has
    # mechanistic interpretability managed to show so far?".
    answer = assistant.ask("What have researchers demonstrated so far?")
    assert answer.text.startswith("- Features and Circuits (2020-2023): Curve detectors"), answer.text
    answer = assistant.ask("What has mechanistic interpretability managed to show so far?")
    assert "Current Capabilities (2024-2025)" in answer.text and "Camp" not in answer.text, answer.text


def test_synonym_file_errors_name_the_line(tmp_path):
    from interp_qa.question import load_synonyms

    path = tmp_path / "syn.txt"
    path.write_text("# comment\nweaknesses: drawbacks, downsides\n\nno colon here\n")
    with pytest.raises(ValueError, match=r"syn.txt:4: expected"):
        load_synonyms(path)
    path.write_text("weaknesses: drawbacks, downsides  # trailing comment\n")
    assert load_synonyms(path) == [("weaknesses", ["drawbacks", "downsides"])]
    path.write_text("")
    assert load_synonyms(path) == []  # an empty file turns expansion off


def test_a_synonym_file_says_which_corpus_words_are_labels(tmp_path):
    from interp_qa.question import load_synonym_labels, load_synonyms

    path = tmp_path / "syn.txt"
    path.write_text("weaknesses: drawbacks\n")
    assert load_synonym_labels(path) is None  # no sections: every group is a label, as before sections
    path.write_text("[labels]\nweaknesses: drawbacks\n[words]\nrlhf: human feedback\n")
    assert load_synonym_labels(path) == {"weaknesses"}
    assert load_synonyms(path) == [("weaknesses", ["drawbacks"]), ("rlhf", ["human feedback"])]


def test_a_follow_up_naming_a_word_with_synonyms_is_a_new_subject_not_a_label(assistant):
    # "RLHF" has everyday words ("human feedback") but is no label: "What about RLHF?" asks RLHF's strengths
    answer = assistant.ask("What about RLHF?", history=["What are the strengths of interpretability?"])
    assert answer.text.startswith("Constitutional AI / RLHF [1]\n- Strengths:"), answer.text


def test_every_matching_table_row_answers(assistant):
    answer = assistant.ask("Which safety techniques are mature enough to be used in production?")
    assert "RLHF" in answer.text and "Red-Teaming" in answer.text


def test_a_numbered_item_answers_with_its_sub_items(assistant):
    answer = assistant.ask("What does interpretability need to be tamper-proof?")
    assert "AI can't deceive interpretability tools" in answer.text and "steganographic" in answer.text


EMPTY = "The question is empty. Ask something about the survey"


@pytest.mark.parametrize(
    ("bad", "message"),
    [("", EMPTY), ("   \n\t", EMPTY), ("\x00\x01", EMPTY), (5, "The question must be a string, not int."),
     (None, "The question must be a string, not NoneType."),
     ("x" * 2001, "The question is 2001 characters long; the limit is 2000. Shorten it to the question itself."),
     ("x" * 9000, "The question is 9000 characters long; the limit is 2000.")],
)
def test_bad_questions_raise_a_clear_value_error(assistant, monkeypatch, bad, message):
    import interp_qa

    monkeypatch.setattr(interp_qa, "_default", assistant)
    for call in (assistant.ask, assistant.retrieve, lambda q: list(assistant.ask_stream(q)),
                 interp_qa.ask, interp_qa.retrieve, lambda q: list(interp_qa.ask_stream(q))):
        with pytest.raises(ValueError) as e:
            call(bad)
        assert str(e.value).startswith(message)


@pytest.mark.parametrize(("kwargs", "message"), [({"top_k": 0}, "top_k must be between 1 and 100, got 0."),
                                                 ({"top_k": 101}, "top_k must be between 1 and 100, got 101."),
                                                 ({"mode": "fast"}, "Unknown retrieval mode 'fast'; choose one of")])
def test_bad_options_raise_a_clear_value_error(assistant, kwargs, message):
    for call in (assistant.ask, assistant.retrieve):
        with pytest.raises(ValueError) as e:
            call("How many features did OpenAI extract from GPT-4?", **kwargs)
        assert str(e.value).startswith(message)


def test_html_in_a_question_is_just_text(assistant):
    plain = assistant.ask("How many features did OpenAI extract from GPT-4?")
    answer = assistant.ask("<script>alert(1)</script> How many features did OpenAI extract from GPT-4?")
    assert answer.text == plain.text and [c.id for c in answer.citations] == [c.id for c in plain.citations]


def test_module_level_api(monkeypatch, settings, assistant):
    import interp_qa

    monkeypatch.setattr(interp_qa, "_default", assistant)
    assert interp_qa.retrieve("induction heads", top_k=2)[0].title
    answer = interp_qa.ask("Who released Gemma Scope?")
    assert answer.citations and "DeepMind" in answer.text


def test_each_ask_reads_its_question_once(assistant):
    # A comparison is searched three times (whole, and each side); a follow-up twice. The question
    # is still read once, and the same Question flows down to re-ranking and composition.
    for question, history in [("Did Anthropic or OpenAI extract more features?", None),
                              ("And for GPT-4?", ["How many features did Anthropic extract from Claude 3 Sonnet?"])]:
        before = assistant.analyses
        assistant.ask(question, history=history)
        assert assistant.analyses - before == 1


def test_passage_kinds_are_the_ones_corpus_emits(assistant):
    from typing import get_args

    from interp_qa.types import PassageKind

    r = assistant.retriever
    kinds = {p.kind for source, _, _ in r.documents() for p in r.document(source)}
    assert kinds <= set(get_args(PassageKind)) and "metadata" in kinds


def test_retrieved_passages_carry_their_fields(assistant):
    passages = assistant.retrieve("How many features did OpenAI extract from GPT-4?", top_k=8)
    row = next(p for p in passages if p.kind == "table_row" and "16 million" in p.text)
    assert row.section == "State of the Field (2024-2025) > Research Progress by Organization"
    assert row.refs == ["corpus/references/extracting-concepts-from-gpt-4"]
    assert row.similarity is not None and -1 <= row.similarity <= 1
    ref = next(p for p in assistant.retrieve("Gemma Scope open sparse autoencoders", top_k=8)
               if p.source.startswith("references/"))
    assert ref.title.startswith("Gemma Scope") and ref.kind in ("paragraph", "list", "metadata")


def test_a_front_matter_url_reaches_the_passage(tmp_path, settings):
    from interp_qa import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "probe.md").write_text("---\ntitle: Probing Paper\nurl: https://example.org/probes\nyear: 2024\n---\n\n"
                                   "Linear probes reached 90% accuracy on truthfulness.\n")
    a = Assistant(settings.model_copy(update={"data_dir": tmp_path / "data", "corpus_paths": [docs]}))
    passages = a.retrieve("What accuracy did linear probes reach?", top_k=2)
    assert {p.url for p in passages} == {"https://example.org/probes"}
    assert {p.kind for p in passages} == {"paragraph", "metadata"} and passages[0].title == "Probing Paper"


def test_answer_status_scope_and_timings(assistant):
    answer = assistant.ask("How many features did OpenAI extract from GPT-4?", top_k=2)
    assert answer.status == "answered" and answer.scope == "fact" and len(answer.passages) >= 2
    t = answer.timings
    assert t.retrieve_ms > 0 and t.answer_ms > 0 and t.generate_ms == 0
    assert t.total_ms >= t.retrieve_ms + t.answer_ms
    refused = assistant.ask("What is the capital of France?")
    assert refused.status == "abstained" and refused.scope == "abstained" and refused.abstained


def test_module_level_ask_stream(monkeypatch, assistant):
    import interp_qa

    monkeypatch.setattr(interp_qa, "_default", assistant)
    pieces = list(interp_qa.ask_stream("What is an induction head?"))
    final = pieces[-1]
    assert isinstance(final, Answer) and all(isinstance(p, str) for p in pieces[:-1])
    assert "".join(pieces[:-1]) == final.text and len(pieces) > 3


def test_a_follow_up_to_a_comparison_compares_with_the_new_thing(assistant):
    # "And with red-teaming?" after "How does interpretability compare with RLHF?" gave the whole table of approaches.
    answer = assistant.ask("And with red-teaming?", history=["How does interpretability compare with RLHF?"])
    assert answer.scope == "comparison"
    assert answer.text.startswith("- Mechanistic Interpretability — ")
    assert "Red-Teaming — " in answer.text and "RLHF / Constitutional AI —" not in answer.text
    assert assistant.read_question("And OpenAI?", history=["How many features did Anthropic extract?"]).sides == [
        "And OpenAI?"]


def test_a_name_a_row_ties_to_the_one_a_passage_says_is_no_reason_to_refuse(assistant):
    # the discoveries say "Anthropic's May 2024 research", never "Claude"; the labs' table ties the two
    answer = assistant.ask("What kinds of dangerous things did Anthropic find inside Claude?")
    assert not answer.abstained and "Dangerous content features" in answer.text, answer.text
    # ... and it asks for the kinds: the whole list, as when it names no lab
    assert "Sycophancy features" in answer.text and "Deception-related features" in answer.text
    # ... but no row ties OpenAI to Claude 3 Sonnet, nor names a second thing for DeepMind's head count
    assert assistant.ask("How many features did OpenAI extract from Claude 3 Sonnet?").abstained
    assert assistant.ask("Did DeepMind find deception features in Claude?").abstained


def test_a_superlative_with_no_noun_follows_the_turn_before(assistant):
    # "Which is the most serious?" was read alone and refused: "serious" is about nothing
    answer = assistant.ask("Which is the most serious?", history=["What are the remaining challenges?"])
    assert not answer.abstained and "Deception resistance" in answer.text, answer.text


@pytest.mark.parametrize(("history", "question", "restated", "says"), [
    # "the second version" was read as a new subject with no words the corpus has, and refused
    ("What is Gemma Scope?", "And the second version?", "What is Gemma Scope 2?", "Gemma Scope 2 is"),
    ("Tell me about Gemma Scope 2.", "What about the original one?", "Tell me about Gemma Scope.",
     "Gemma Scope is an open-source suite"),
    # "And in 2025?" was searched alone and got the Frontier models (2025+) row, not what happened in 2025
    ("What happened in 2024?", "And in 2025?", "What happened in 2025?", "- 2025: Gemma Scope 2"),
    ("How many features did Anthropic find?", "What about OpenAI?", "How many features did OpenAI find?",
     "OpenAI — Features Identified: 16 million features"),
])
def test_a_follow_up_naming_another_version_or_subject_asks_the_question_before_of_it(assistant, history, question,
                                                                                      restated, says):
    answer = assistant.ask(question, history=[history])
    assert not answer.abstained and says in answer.text, answer.text
    assert answer.standalone_question == restated


def test_a_follow_up_restated_only_when_what_it_replaces_is_clear(assistant):
    # a name the corpus does not number so is no version asked for
    assert assistant.read_question("And the second version?", ["What is RLHF?"]).other_version is None
    # ... a follow-up that says more asks more, and a question naming two things names no one to replace
    assert assistant.read_question("And in 2025, what did DeepMind release?", ["What happened in 2024?"]) \
        .other_subject is None
    assert assistant.read_question("What about OpenAI?", ["What did Anthropic find in Claude 3 Sonnet?"]) \
        .other_subject is None


def test_a_version_asked_is_not_answered_by_another_version_of_the_name(assistant):
    # "How many parameters is GPT-2 reported to have?" matched GPT-4's "≈1.7T (reported)"
    answer = assistant.ask("How many parameters is GPT-2 reported to have?")
    assert answer.text.startswith("GPT-2 — Parameters: 1.5B") and "GPT-4" not in answer.text, answer.text
    # ... unless both are asked
    answer = assistant.ask("How many more parameters does GPT-4 have than GPT-2?")
    assert "1.5B" in answer.text and "1.7T" in answer.text, answer.text


def test_that_compared_is_what_the_turn_before_asked_about(assistant):
    # "How does that compare with Anthropic?" was read on its own: "How does interpretability compare to
    # alternatives?" and an Anthropic timeline row answered
    answer = assistant.ask("How does that compare with Anthropic?", history=["What did OpenAI extract from GPT-4?"])
    assert answer.scope == "comparison" and answer.text.startswith("- OpenAI — "), answer.text
    assert "\n- Anthropic — " in answer.text


def test_who_pointed_it_out_asks_who_said_it(assistant):
    # "pointed" and "out" were searched as the topic: red-teaming's "finding real issues" answered
    answer = assistant.ask("Who pointed it out?", history=["What is dark matter in neural networks?"])
    assert answer.text.startswith("Key insight from Chris Olah (July 2024)"), answer.text
    assert assistant.ask("Who coined the term neural network dark matter?").text.startswith("Key insight from Chris")


def test_a_follow_up_to_a_follow_up_keeps_the_subject(assistant):
    # "And its strengths?" after "Tell me about red-teaming." and "What are its weaknesses?" got Constitutional AI's:
    # the last turn named nothing, and only the last turn was carried.
    answer = assistant.ask("And its strengths?", history=["Tell me about red-teaming.", "What are its weaknesses?"])
    assert "Practical, works on black boxes" in answer.text and "Works empirically" not in answer.text
    assert assistant.read_question("Tell me more about the second one.", history=["What are the key cruxes?"]).terms



def test_a_follow_up_asking_another_label_keeps_the_subject_not_the_label(assistant):
    # "And its strengths?" after "What are the weaknesses of interpretability?" carried "weaknesses" and got
    # Constitutional AI / RLHF's list, whose "Weaknesses:" item scored best.
    answer = assistant.ask("And its strengths?", history=["What are the weaknesses of interpretability?"])
    assert answer.text.startswith("Interpretability [1]\n- Strengths: Direct verification"), answer.text


def test_a_follow_up_about_one_row_gets_that_row_not_the_column(assistant):
    # "How mature is it?" after "Tell me about red-teaming." gave every approach's maturity: "Red-Teaming" (stems
    # red-team, red, team, redteam) counted as named only when every half was said.
    answer = assistant.ask("How mature is it?", history=["Tell me about red-teaming."])
    assert answer.text.startswith("Red-Teaming — Current Maturity: Production use"), answer.text
    assert "Mechanistic Interpretability" not in answer.text


def test_the_second_one_is_the_second_item_of_the_answer_before(assistant):
    # "Tell me more about the second one." after the cruxes gave the four cruxes again.
    answer = assistant.ask("Tell me more about the second one.", history=["What are the key cruxes?"])
    assert answer.text.startswith("Will neural networks remain fundamentally opaque? [1]"), answer.text
    assert answer.standalone_question == "Will neural networks remain fundamentally opaque?"
    last = assistant.ask("And the last one?", history=["What are the key cruxes?"])
    assert last.text.startswith("Is interpretability the best use of safety research resources?"), last.text
    # An answer that lists nothing: the follow-up is read with the turn before, as any other.
    assert not assistant.ask("Tell me more about the second one.", history=["What is Gemma Scope?"]).abstained


def test_a_follow_up_count_counts_what_the_turn_before_counted(assistant):
    # "How many are needed?" was read as counting "are": "No passage gives the number of are."
    answer = assistant.ask("How many are needed?",
                           history=["How many features did Anthropic extract from Claude 3 Sonnet?"])
    assert not answer.abstained and "Estimated Features Needed" in answer.text


def test_a_follow_up_comparison_of_it_compares_what_was_asked_about(assistant):
    # "it" was one side: the answer was Gemma Scope 2 alone.
    answer = assistant.ask("How does it compare with Gemma Scope 2?", history=["What is Gemma Scope?"])
    assert answer.scope == "comparison"
    assert "Gemma Scope is" in answer.text and "Gemma Scope 2 is" in answer.text
    # ... and asked first, "it" is what the corpus is about (its main document's title word most passages hold):
    # "How does it compare with red-teaming?" got red-teaming's row alone
    assert assistant.retriever.main_subject() == "interpretability"
    answer = assistant.ask("How does it compare with red-teaming?")
    assert answer.scope == "comparison" and answer.text.startswith("- Mechanistic Interpretability — "), answer.text
    assert "- Red-Teaming — What It Verifies: Specific failure modes" in answer.text


@pytest.mark.parametrize("earlier, question, opens", [
    ("What are the strengths of formal verification?", "What about scalable oversight?",
     "Scalable Oversight [1]\n- Strengths: Can verify complex tasks"),
    ("What is the maturity of red-teaming?", "And of AI control?", "AI Control — Current Maturity: Conceptual"),
])
def test_a_follow_up_naming_another_subject_asks_the_same_label_of_it(assistant, earlier, question, opens):
    # The turn before's subject still weighed: "What about scalable oversight?" got the approaches' section, "And of
    # AI control?" the whole comparison table.
    answer = assistant.ask(question, history=[earlier])
    assert answer.text.startswith(opens), answer.text
    # ... not one asking about the same subject ("it"): "And who built it?" after "What is MAIA?" was refused
    assert "MIT" in assistant.ask("And who built it?", history=["What is MAIA?"]).text


def test_who_said_it_is_answered_by_a_name_not_a_capital_letter(assistant):
    # Every cell of a row opens with a capital: "Enormous rare features not yet extractable" counted as a name, and
    # the dark-matter row answered "Who said that?" instead of the survey's quote of Chris Olah.
    answer = assistant.ask("Who said that?", history=["What is dark matter?"])
    assert "Chris Olah" in answer.text.split("[1]")[0], answer.text
    assert assistant.ask("Which lab extracted 16 million features?").text.startswith("Organization: OpenAI")


@pytest.mark.parametrize("earlier", ["Tell me about Gemma Scope 2.", "Tell me about Gemma Scope 2"])
def test_a_follow_up_keeps_the_version_asked_about(assistant, earlier):
    # Searched as "Tell me about Gemma Scope 2. How big was it?", whose "Gemma Scope 2. How" was read as one name: the
    # first Gemma Scope's row ("Gemma 2 (2B-9B parameters)") answered.
    answer = assistant.ask("How big was it?", history=[earlier])
    assert "110 PB" in answer.text and "2B-9B" not in answer.text, answer.text


@pytest.mark.parametrize("earlier, author", [("What is Gemma Scope?", "Organization: DeepMind"),
                                             ("Tell me about the induction heads paper.", "Organization: Anthropic")])
def test_who_wrote_it_after_a_work_names_that_work_s_author(assistant, earlier, author):
    # The work asked about before names the record: the RLHF paper's "The authors argue ..." answered the first,
    # and the second was refused ("No passage is about what the question asks").
    answer = assistant.ask("Who wrote it?", history=[earlier])
    assert answer.text.startswith(author)


def test_a_follow_up_that_names_nothing_is_answered_about_what_the_turn_before_named(assistant):
    # "Who built it?" matched "... how models are built and trained" (the survey's "Most Likely" line).
    answer = assistant.ask("Who built it?", history=["What is MAIA?"])
    assert answer.text.startswith("Organization: MIT (MAIA)") and "Most Likely" not in answer.text


@pytest.mark.parametrize(
    "question, says, not_says",
    [
        # "end" is no word of the corpus: the question was refused
        ("So where does the survey land in the end?", "Current Consensus", None),
        # "context" matched induction heads' "in-context learning"
        ("What is sycophancy in this context?", "Sycophancy", "in-context"),
        # "ultimately" matched the RLHF paper's "ultimately calling for"
        ("Ultimately, what does the survey recommend?", "hybrid", "RLxF"),
    ],
)
def test_a_reader_s_framing_is_not_searched_for(assistant, question, says, not_says):
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    assert says in answer.text and (not_says is None or not_says not in answer.text), answer.text
    assert answer.standalone_question is None  # the question is not shown as searched in other words


@pytest.mark.parametrize("question, scope, says", [
    # "never mentions Quick", "never mentions thanks": refused
    ("Hi! Quick question: what are the main cruxes in the interpretability debate?", "section",
     "Will neural networks remain fundamentally opaque?"),
    ("Thanks. Could you also tell me what the survey concludes?", "document", "Current Consensus"),
])
def test_a_chat_s_pleasantries_are_not_searched_for(assistant, question, scope, says):
    answer = assistant.ask(question)
    assert answer.scope == scope and says in answer.text, answer.text


def test_i_m_names_no_one(assistant):
    # "like I'm five" was refused: "The corpus never mentions “I'm”".
    assert assistant.read_question("Explain sparse autoencoders like I'm five.").key_terms == []
    answer = assistant.ask("Explain sparse autoencoders like I'm five.")
    assert not answer.abstained and "sparse autoencoders" in answer.text.lower()


def test_matter_as_a_verb_is_not_dark_matter(assistant):
    # "Why does deception matter so much?" got the challenges table through "Neural network dark matter".
    answer = assistant.ask("Why does deception matter so much?")
    assert "dark matter" not in answer.text and "deception" in answer.text.lower(), answer.text
    assert "dark matter" in assistant.ask("What is dark matter?").text
    # ... and "such a big deal" says it matters: "big" and "deal" are no topic, and the survey is no topic either
    # ("in this debate": the whole survey's digest answered)
    question = assistant.read_question("Why is deception such a big deal in this debate?")
    assert "big" not in question.terms and "deal" not in question.terms
    answer = assistant.ask("Why is deception such a big deal in this debate?")
    assert answer.scope != "document" and "deception" in answer.text.split("\n")[0].lower(), answer.text


def test_a_british_spelling_is_read_as_the_corpus_s_american_one(assistant):
    british = assistant.read_question("Which camp wants to predict AI behaviour without understanding internals?")
    american = assistant.read_question("Which camp wants to predict AI behavior without understanding internals?")
    assert british.terms == american.terms
    assert "behavior" in british.expansion.split()  # BM25 searches the corpus's spelling too


def test_a_word_in_most_of_the_corpus_names_no_table_column(assistant):
    # "interpretability" named the "Interpretability Rate" column: each lab's rate, not what it brought.
    answer = assistant.ask("What is each of the big AI labs bringing to interpretability?")
    assert answer.text.startswith("- Anthropic: Scaling Monosemanticity"), answer.text
    assert "Interpretability Rate" not in answer.text


def test_a_share_is_answered_by_the_cell_holding_one(assistant):
    answer = assistant.ask("What percentage of the features found in Claude 3 Sonnet could humans interpret?")
    assert answer.text.startswith("Anthropic — Interpretability Rate: 70% human-interpretable"), answer.text


@pytest.mark.parametrize(("question", "says"), [
    ("If I'm mostly worried about people abusing AI, how much does interpretability help?", "access control"),
    ("Did Anthropic find features for flattery?", "Sycophancy features"),
    ("Can interpretability catch an AI that is lying?", "Can deceptive AI hide deception from interpretability?"),
    ("Which approaches could work by themselves?", "Sufficiency Alone"),
    ("What is interpretability research aiming for?", "The Goal"),
    ("What would we give up by building AI to be interpretable from the ground up?", "less capable"),
    ("What kinds of AI systems would be easier to understand by construction?", "Modular architectures"),
    ("Can't we just keep a dangerous AI boxed in?", "AI Control"),
    ("What does interpretability struggle with?", "Neural network dark matter"),
    ("What are the biggest open problems in interpretability?", "Neural network dark matter"),
    # "sceptics" is the survey's "Skeptical", "part ways" its cruxes: refused as about nothing
    ("Where do the enthusiasts and the sceptics part ways?", "(Confidence: medium)"),
    # "airplanes" are the survey's "planes" (refused: never mentioned); "different" is no heading's word ("Different
    # Risk Models" answered the opinions)
    ("Why is AI different from airplanes?", "Those systems aren't optimizing against us"),
    ("What are the different opinions on interpretability?", "Range of views on interpretability's role"),
    # "bad actors" are the survey's misuse (got AI Control's sub-section)
    ("With bad actors as the main danger, how much should we invest in interpretability?", "If main risk is misuse"),
])
def test_everyday_words_for_the_survey_s_words(assistant, question, says):
    # misuse, sycophancy, deception, alone, goal, tradeoff, designing, containment, challenge: the corpus's words for
    # abusing, flattery, lying, by themselves, aiming for, give up, by construction, boxed in, struggle with
    answer = assistant.ask(question)
    assert says in answer.text.split("\n\n")[0], answer.text


@pytest.mark.parametrize(("question", "says"), [
    # the approaches' sub-sections matched "method scale" best ("Scalable Oversight"): no row among them
    ("How well does each safety method scale, according to the survey's comparison?",
     "- Mechanistic Interpretability — Scalability: Unclear - major gap [1]"),
    # "lies" is deception, "catching" detection: got "Can catch failures via testing"
    ("How good is each alternative at catching a model that lies?",
     "- Mechanistic Interpretability — Deception Detection: Potentially strong [1]"),
    # "any single" asks it of every row as "each" does: got the verdict on interpretability alone
    ("Does the survey think any single safety method is enough by itself?",
     "- Mechanistic Interpretability — Sufficiency Alone: Unlikely [1]"),
])
def test_each_row_asked_by_a_column_s_header_reads_the_column(assistant, question, says):
    answer = assistant.ask(question)
    assert answer.text.startswith(says), answer.text
    assert "AI Control —" in answer.text


def test_an_abbreviation_is_mentioned_by_its_long_form(assistant):
    # "SAEs" is what the corpus spells out as "sparse autoencoders (SAEs)": the sentence saying "sparse autoencoder
    # methods face a fundamental trade-off" mentions them (the timeline's "8-layer SAE features" answered)
    answer = assistant.ask("What is the trade-off involved with SAEs?")
    assert answer.text.startswith("Current sparse autoencoder methods face a fundamental trade-off"), answer.text
    assert assistant.read_question("What is the trade-off involved with SAEs?").spelled == {
        "SAEs": {"spars", "autoencod"}}


def test_a_list_question_matching_one_item_gets_the_section_s_list(assistant):
    # one item matched ("Reward hacking: ... diverging from true human preferences"): the list has four
    answer = assistant.ask("What are the loopholes in human-preference training?")
    for kind in ("Reward hacking", "Sycophancy", "Inner misalignment", "Surface-level alignment"):
        assert kind in answer.text, answer.text
    # ... but one of a section's several lists answers alone ("If main risk is deceptive alignment:")
    answer = assistant.ask("What are the risks of relying only on behavioral testing?")
    assert answer.text.startswith("Interpretability's value depends on your risk model: If main risk is deceptive"), \
        answer.text
    assert "If main risk is misuse" not in answer.text.split("\n\nSee also:")[0]


def test_a_fact_holding_under_most_of_the_question_is_followed_by_what_else_matches(assistant):
    # the positions' "Black boxes work" item holds about two thirds of the question: what else matches follows it
    answer = assistant.ask("What do skeptics who prefer black-box methods say about interpretability?")
    first, _, more = answer.text.partition("\n\nSee also:\n")
    assert "Black boxes work" in first, answer.text
    assert "Behavioral Testing (Red-Teaming)" in more, answer.text
    # ... not a table row that answers a thing's cell ("scale": Scalability), nor a whole list
    assert "See also" not in assistant.ask("How well does AI control scale?").text
    answer = assistant.ask("Which camp focuses on predicting and controlling behavior without looking inside?")
    assert "See also" not in answer.text


def test_an_amount_asked_of_each_row_is_the_column(assistant):
    # "How many ... each ...?" got one row's amount (the frontier models' or OpenAI's)
    answer = assistant.ask("How many features would each model need?")
    assert "- GPT-2 — Estimated Features Needed: ≈1-10M" in answer.text, answer.text
    assert "- Frontier models (2025+) — Estimated Features Needed: ≈10B+" in answer.text
    answer = assistant.ask("How does every lab's feature count compare?")
    assert answer.text.startswith("- Anthropic — Features Identified: 34 million features [1]"), answer.text
    assert "- OpenAI — Features Identified: 16 million features [2]" in answer.text


def test_each_row_of_a_table_is_asked_only_of_the_best_evidence_s_table(assistant):
    # "every concept" asks no table: Remaining Challenges' "Learned features may not map" row answered.
    answer = assistant.ask("How far are we from mapping every concept inside a frontier model?")
    assert answer.text.startswith("To fully map the concepts in frontier LLMs"), answer.text


@pytest.mark.parametrize(("question", "says"), [
    ("What is still standing in the way of interpretability research?", "Neural network dark matter"),
    ("What is interpretability trying to achieve?", "The Goal"),
])
def test_an_idiom_s_words_weigh_less_than_the_corpus_word_it_stands_for(assistant, question, says):
    # "way" of "standing in the way" got RLHF's "only way"; "achieve" of "trying to achieve" the requirements list
    answer = assistant.ask(question)
    assert says in answer.text.split("\n\n")[0], answer.text


@pytest.mark.parametrize("question", ["When is interpretability most useful?",
                                      "Where does the survey think interpretability is most and least useful?",
                                      # the degree after the verb: it was a "when" asking a date, and got the opening
                                      "When does it matter most that we can see inside a model?"])
def test_when_it_is_most_useful_asks_for_conditions_not_a_date(assistant, question):
    answer = assistant.ask(question)
    assert answer.scope == "section" and "If main risk is deceptive alignment" in answer.text, answer.text
    assert "High priority" in answer.text and "Low priority" in answer.text


def test_a_yes_or_no_question_one_fact_states_whole_is_answered_by_it(assistant):
    answer = assistant.ask("Are 70% of features interpretable?")
    assert answer.scope == "fact" and "70%" in answer.text, answer.text
    assert not answer.text.startswith("Current Consensus")
    # the survey's own question still gets its verdict
    assert assistant.ask("Is interpretability enough?").text.startswith("Current Consensus:")


@pytest.mark.parametrize("question", [
    "Why isn't interpretability enough?",
    "What are the reasons skeptics give for why peering inside models won't be enough?",
])
def test_sufficiency_denied_is_the_survey_s_insufficient(assistant, question):
    # "enough" alone got The Goal's "well enough to"; "isn't ... enough" is the survey's "likely insufficient if"
    answer = assistant.ask(question)
    assert "Interpretability is likely insufficient if" in answer.text, answer.text


def test_prominent_voices_are_the_survey_s_positions(assistant):
    answer = assistant.ask("Where do prominent voices stand on whether interpretability can deliver safety?")
    assert answer.text.startswith("Range of views on interpretability's role in AI safety"), answer.text


@pytest.mark.parametrize("question", ["What would have to be true for interpretability to be enough for safety?",
                                      # what would convince a reader of it is what would make it so
                                      "What would persuade you that interpretability suffices?"])
def test_what_would_have_to_be_true_asks_for_conditions(assistant, question):
    answer = assistant.ask(question)
    assert "Interpretability might be sufficient if" in answer.text, answer.text
    assert "Understanding translates to control" in answer.text


def test_schools_of_thought_are_the_survey_s_camps(assistant):
    answer = assistant.ask("What schools of thought exist inside the interpretability community?")
    assert "Mechanistic Interpretability Camp" in answer.text, answer.text
    assert "Pragmatic/Behavioral Camp" in answer.text


@pytest.mark.parametrize("question", ["How do the two philosophies of interpretability research differ?",
                                      "How do the two research cultures in interpretability diverge?"])
def test_differ_is_the_comparison_s_verb_not_the_word_different(assistant, question):
    # "differ" stems as "Different Risk Models" does: the risk models answered; "diverge" got RLHF's reward hacking
    # ("in ways diverging from true human preferences")
    answer = assistant.ask(question)
    assert "Mechanistic Interpretability Camp" in answer.text, answer.text
    assert "Pragmatic/Behavioral Camp" in answer.text


@pytest.mark.parametrize("question", [
    "What's the story of interpretability research from 2020 to 2025?",  # got the labs' 2024-2025 table
    "How has interpretability progressed since 2020?",  # "2020" named the 2020 row: it alone answered
    "Lay out the sequence of breakthroughs in interpretability.",  # got Towards Monosemanticity's "breakthrough"
    "Can you walk me through the timeline?",
])
def test_a_span_of_years_asks_for_the_events_between(assistant, question):
    answer = assistant.ask(question)
    assert answer.text.startswith("- 2020: Circuits in CNNs"), answer.text
    assert "2025: Gemma Scope 2" in answer.text


def test_a_reader_s_framing_is_no_topic(assistant):
    # "walk" weighed as much as "disagreements": one crux answered, not the four
    answer = assistant.ask("Walk me through the main disagreements.")
    assert answer.text.startswith("- Can we interpret cognition more intelligent than our own?"), answer.text
    assert "Is interpretability the best use of safety research resources?" in answer.text
    # "want" and "know" left the formal verification words too little: the whole survey's digest answered
    answer = assistant.ask("I want to know what the survey says about formal verification.")
    assert "Formal Verification — " in answer.text.split("\n")[0], answer.text
    # ... and "I wonder": "whether interpretability is enough" is then asked as "Is interpretability enough?" is
    # (The Goal's "well enough to" answered)
    answer = assistant.ask("I wonder whether interpretability is enough.")
    assert answer.text.startswith("Current Consensus: Interpretability is valuable"), answer.text
    # ... and so is "I'm trying to understand": its "understand" is the requirements' "Understand all ... features"
    question = assistant.read_question("I'm trying to understand what the cruxes are.")
    assert "understand" not in question.terms and "tri" not in question.terms, question.terms
    # "fighting over" is a reader's word for the cruxes
    answer = assistant.ask("What questions is the field still fighting over?")
    assert answer.text.startswith("- Can we interpret cognition more intelligent than our own?"), answer.text


@pytest.mark.parametrize("question", ["What circumstances make interpretability critical?",
                                      "In which situations would interpretability fall short?"])
def test_situations_and_circumstances_ask_for_conditions(assistant, question):
    assert assistant.read_question(question).conditions
    assert "Interpretability is likely insufficient if" in assistant.ask(question).text


@pytest.mark.parametrize("question", ["What did 2024 bring for interpretability?", "What came out in 2024?"])
def test_what_a_year_brought_is_its_events(assistant, question):
    answer = assistant.ask(question)
    assert answer.text.startswith("- 2024 (Jan): 8-layer SAE features"), answer.text
    assert "2024 (Jul): MAIA" in answer.text


@pytest.mark.parametrize("question", ["How do the labs compare to each other?",
                                      "How do the labs' headline results stack up against each other?"])
def test_each_other_compares_every_row_not_two_sides(assistant, question):
    # "each other" was read as a second side: "How do the labs' headline results" against "each other" was refused
    answer = assistant.ask(question)
    assert not answer.abstained and answer.scope == "section", answer.text
    assert all(lab in answer.text for lab in ("Anthropic", "OpenAI", "DeepMind", "MIT (MAIA)"))
    assert "Scaling Monosemanticity" in answer.text


def test_a_question_offering_two_answers_is_not_refused_for_a_word_of_the_second(assistant):
    # "complicated" is no word of the corpus; read as the second of two things compared, it was refused for it
    answer = assistant.ask("Will we ever fully understand neural networks, or are they just too complicated?")
    assert not answer.abstained and "too complex to fully understand" in answer.text, answer.text


def test_a_word_ending_in_er_is_no_degree_of_a_word_that_says_nothing(assistant):
    # "offer" was read as a degree of "of" ("bigger" is of "big"), and weighed as that stopword
    terms = assistant.read_question("What does looking inside a model offer?").terms
    assert "offer" in terms and "of" not in terms
    assert "strong" in assistant.read_question("Which approach is strongest?").terms


def test_asking_whether_something_exists_says_nothing_of_what(assistant):
    # "exist" matched "Rather than interpreting existing black boxes": the design approaches answered
    assert "exist" not in assistant.read_question("What tools exist for open interpretability research?").terms
    answer = assistant.ask("What tools exist for open interpretability research?")
    assert "Gemma" in answer.text.split("[1]")[0] and "Modular architectures" not in answer.text, answer.text


def test_the_case_for_something_alone_asks_its_strengths(assistant):
    # "argument" matched The Argument from Engineering, which argues against needing interpretability
    answer = assistant.ask("What's the best argument for interpretability?")
    assert "Strengths: Direct verification, detects deception" in answer.text, answer.text
    assert "aerodynamics" not in answer.text
    # ... the case against it, its weaknesses ("against" matched "Those systems aren't optimizing against us")
    answer = assistant.ask("What are the arguments against red-teaming?")
    assert "Weaknesses: Can't rule out deception" in answer.text and "optimizing against us" not in answer.text
    # ... but "the case for and against" asks both sides, not the strengths
    assert "strengths" not in assistant.read_question("What's the case for and against interpretability?").expansion
    # ... as the reader's "make the case for" does ("make" matched Positions' "Making steady progress", and the
    # requirements for sufficiency answered)
    answer = assistant.ask("Make the case for interpretability in three bullets.")
    assert "Strengths: Direct verification, detects deception" in answer.text, answer.text


def test_how_something_works_asks_about_it_not_for_work(assistant):
    # "work" matched red-teaming's "works on black boxes" and Induction Heads' "The work is a landmark ..."
    answer = assistant.ask("How do deception features work?")
    assert "Deception-related features: Patterns that activate" in answer.text, answer.text
    answer = assistant.ask("How do induction heads work?")
    assert answer.text.startswith("This paper introduces 'induction heads,'"), answer.text


def test_why_not_just_use_an_approach_asks_why_it_is_not_enough_alone(assistant):
    # "just use" matched RLHF's Current Maturity cell, "Production use"
    # (as did "using" of "What's wrong with just using RLHF?")
    for question in ("Why can't we just use RLHF?", "why cant we just use rlhf", "What's wrong with just using RLHF?"):
        answer = assistant.ask(question)
        assert answer.text.startswith("RLHF / Constitutional AI — Sufficiency Alone: No - surface-level"), answer.text
    # "just rely on" already asks whether something is enough, and keeps its answer
    assert "alone" not in assistant.read_question("Why can't we just rely on testing?").expansion
