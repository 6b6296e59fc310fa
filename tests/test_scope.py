"""Answer scope (scope.py): which section, comparison or document answers instead of one fact."""

import pytest


def test_a_section_answers_for_its_children_only_when_the_evidence_spreads_over_them(assistant):
    """The parent's card is the closer one here, but the evidence sits in one child: that child answers.
    Spread over two children, the parent does (llama-index's AutoMergingRetriever, in the same spirit)."""
    tree, composer = assistant.retriever.tree, assistant.steps[2]
    tree.load(*[source for source, _, _ in assistant.retriever.documents() if source.endswith("survey.md")])
    q = assistant.read_question("What does research say about the limits of RLHF?")
    parent = ("Interpretability vs Other Safety Approaches",)
    limits = "Key Limitations of RLHF (Per Recent Research)"
    rlhf = next(s for s in tree.sections.values() if s.path == (*parent, limits))
    rows = next(s for s in tree.sections.values() if s.path == (*parent, "Comparative Assessment"))
    sims = {(rlhf.source, parent): 1.0, rlhf.key: 0.5, rows.key: 0.5}

    def best(passages):
        passages = [p.model_copy(update={"score": 1.0}) for p in passages]  # equally strong evidence
        sec, _ = composer.scope.best_section(q, passages, sims)
        return sec.path

    assert best(list(rlhf.passages)) == rlhf.path
    assert best([rlhf.passages[0], rows.passages[0]]) == parent


@pytest.mark.parametrize("question", ["Is interpretability enough?", "Is interpretability enough for safety?",
                                      "Will interpretability ever be enough?",
                                      # asks for the conditions: it got The Goal's "well enough to" list
                                      "What would it take for interpretability to be enough?"])
def test_the_survey_s_question_in_a_reader_s_words_gets_its_verdict(assistant, question):
    # The corpus's only "enough" is The Goal's "well enough to": it outweighed The Sufficiency Question's
    # "sufficient", which the reader's "enough" stands for, and these got "What is Interpretability?".
    answer = assistant.ask(question)
    assert answer.text.startswith("Current Consensus: Interpretability is valuable"), answer.text
    assert "well enough to" not in answer.text
    # ... a section about what the question names: the verdict on interpretability is not RLHF's
    assert "RLHF" in assistant.ask("Is RLHF enough?").text.split("\n")[0]


def test_a_phrase_s_corpus_word_tells_what_a_question_about_the_survey_asks(assistant):
    # "open questions" are the cruxes; its own words weigh little, and "biggest" alone was read as the topic
    answer = assistant.ask("What are the biggest open questions in this debate?")
    assert not answer.abstained and "Can deceptive AI hide deception from interpretability?" in answer.text, answer.text
    assert assistant.ask("What does the survey say about watermarking?").abstained


def test_a_line_that_introduces_a_table_is_answered_with_the_table(assistant):
    # "Per Bereska & Gavves (2024), a comprehensive review of ...:" says nothing by itself; it introduces the
    # Remaining Challenges table. The year the reader gives is the review's, not a filter on the table's rows.
    answer = assistant.ask("What challenges remain according to the 2024 review?")
    assert "Neural network dark matter" in answer.text and "Deception resistance" in answer.text, answer.text
    # ... and when that line is the only fact found, the table it introduces follows it
    answer = assistant.ask("What did Bereska and Gavves review?")
    assert answer.text.startswith("Per Bereska & Gavves (2024)") and "Deception resistance" in answer.text, answer.text
    # ... and the section's closing insight closes the answer too
    assert answer.text.rstrip().split("\n")[-1].startswith("Key insight from Chris Olah"), answer.text
    # ... unless the facts chosen with it say what is asked: the review's own summary names the risks it discusses
    answer = assistant.ask("What risks of mechanistic interpretability does the Bereska and Gavves review discuss?")
    assert "dual-use" in answer.text, answer.text


def test_a_yes_or_no_question_a_crux_asks_gets_both_of_its_answers(assistant):
    # The crux "Is interpretability the best use of safety research resources?" answers it Yes and No; the verdict
    # on sufficiency answered, for its two lists' shape
    answer = assistant.ask("Is interpretability worth the money?")
    assert answer.text.startswith("Is interpretability the best use of safety research resources?"), answer.text
    assert "Yes - unique and necessary" in answer.text and "No - empirical methods more promising" in answer.text
    # ... only one about what is asked: keeping an AI boxed in is AI Control's containment, not a crux of deception
    assert assistant.ask("Can't we just keep a dangerous AI boxed in?").text.startswith("AI Control")
    # ... and one that says a rarer word of it: "Can interpretability alone keep AI safe?" says only its "AI" and
    # "interpretability", and got the crux of deception
    answer = assistant.ask("Can interpretability alone keep AI safe?")
    assert "Can deceptive AI hide deception" not in answer.text and "Sufficiency Alone: Unlikely" in answer.text, \
        answer.text


def test_which_of_a_kind_a_table_lists_is_asked_of_each_of_its_rows(assistant):
    # "Which safety approaches ...?" asks which of the things the comparison table's rows are: these got one
    # approach's sub-section (scalable oversight's, red-teaming's) and missed the others.
    answer = assistant.ask("Which safety approaches have actually been shown to scale?")
    assert answer.scope == "section"
    assert "RLHF / Constitutional AI — Scalability: Demonstrated" in answer.text, answer.text
    assert "Formal Verification — Scalability: Very limited" in answer.text
    answer = assistant.ask("Which safety approaches are furthest from being ready for real-world use?")
    assert "AI Control — Current Maturity: Conceptual" in answer.text, answer.text
    assert "Formal Verification — Current Maturity: Theoretical" in answer.text
    # A row of that table as the best evidence answers with the rows that say it; a unit that says it all answers.
    answer = assistant.ask("Which safety approaches are already in production use?")
    assert "Conceptual" not in answer.text and "Production use" in answer.text, answer.text
    assert assistant.ask("Which organizations are leading interpretability work?").text.startswith(
        "Organizations Leading Work:")
    # ... and the kind by a word the synonyms give for it ("organization: labs"): one sentence on "major labs" answered.
    answer = assistant.ask("Which labs are racing ahead on this?")
    assert answer.scope == "section" and answer.text.startswith("- Anthropic: "), answer.text
    assert all(f"{lab}: " in answer.text for lab in ("OpenAI", "DeepMind", "MIT (MAIA)"))


def test_everyday_words_for_oversight_and_detection_name_them(assistant):
    # "supervise" is a word the corpus lacks (AI Control's sub-section answered); "noticing" left the deception
    # detection column unnamed (The Goal's list answered).
    answer = assistant.ask("What's the worry with having AIs supervise other AIs?")
    assert "potential for collusion" in answer.text and "Scalable Oversight" in answer.text.split("\n")[0], answer.text
    answer = assistant.ask("How good is each safety technique at noticing a model that's trying to deceive?")
    assert "Formal Verification — Deception Detection: Strong (if specified)" in answer.text, answer.text


def test_a_question_about_the_debate_naming_items_of_one_list_gets_that_list(assistant):
    # "this debate" asks about the survey, and no one item holds both "planes" and "medicine": the whole survey's
    # digest answered. The best passage holds both.
    answer = assistant.ask("How do planes and medicine relate to this debate?")
    assert answer.scope != "document" and "planes fly safely" in answer.text and "medicine works" in answer.text, \
        answer.text


def test_a_section_the_question_names_answers_though_the_evidence_falls_elsewhere(assistant):
    # "control" and "work" fell in the engineering argument ("must understand to control", "chips work"), whose list
    # answered "How does AI control work?"; the question names the AI Control sub-section.
    answer = assistant.ask("How does AI control work?")
    assert answer.text.startswith("AI Control [1]\n- Strengths: Doesn't require alignment"), answer.text
    # ... by a word that is no everyday one: "interpretability" names no "What is Interpretability?"
    assert not assistant.ask("What is the case for interpretability?").text.startswith("- The Goal")
    # ... and a list question whose every word its heading says asks for it, though one sentence holds that word too
    # ("50 full-time positions globally" answered "What are the main positions in the debate?")
    answer = assistant.ask("What are the main positions in the debate?")
    assert answer.scope == "section", answer.text
    assert answer.text.startswith("Range of views on interpretability's role"), answer.text


def test_one_of_a_kind_picked_by_a_degree_compares_every_row_on_the_column_asked(assistant):
    # "Which approach is most mature?" got the rows that say "maturity" most (Conceptual, Research phase): the least
    # mature. The column compares them all.
    answer = assistant.ask("Which approach is most mature?")
    assert "RLHF / Constitutional AI — Current Maturity: Production use" in answer.text, answer.text
    assert "AI Control — Current Maturity: Conceptual" in answer.text
    answer = assistant.ask("Which approach is best at detecting deception?")
    assert "Formal Verification — Deception Detection: Strong (if specified)" in answer.text, answer.text
    # A degree no column is asked by keeps the answer it had ("most promising": the resources crux)
    answer = assistant.ask("Which safety approach does the survey think is most promising?")
    assert not answer.text.startswith("- Mechanistic Interpretability"), answer.text
    # ... though it asks who: a reference's record line "Organization: Anthropic." answered this
    answer = assistant.ask("Which organization has extracted the most features?")
    assert answer.text.startswith("- Anthropic — Features Identified: 34 million features"), answer.text
    assert "OpenAI — Features Identified: 16 million features" in answer.text


def test_a_question_of_each_of_alike_sub_sections_gets_them_all(assistant):
    # "each approach" and the best unit one approach's Strengths / Weaknesses list: that approach alone answered.
    # Its siblings are alike (the same labels), so their parent gives them all.
    for question in ("What are the strengths and weaknesses of each approach?",
                     "Give me the pros and cons of each safety approach."):
        answer = assistant.ask(question)
        assert answer.scope == "section", answer.text
        assert all(f"{name}: Strengths: " in answer.text for name in
                   ("Interpretability", "Behavioral Testing (Red-Teaming)", "Scalable Oversight")), answer.text


def test_all_of_a_kind_is_asked_of_each_and_each_crux_is_a_sibling(assistant):
    # "all the labs" asks each of them, as "each lab" does (a sentence on "major labs" answered)
    answer = assistant.ask("How do all the labs compare?")
    assert answer.text.startswith("- Anthropic: ") and "MIT (MAIA): " in answer.text, answer.text
    # The cruxes are alike (each answered "Yes - ..." and "No - ..."): every one of them answers, when the question
    # asks each crux; "each side" of one crux is no question of each crux.
    answer = assistant.ask("What does every crux boil down to?")
    assert all(x in answer.text for x in ("Can we interpret cognition", "Will neural networks remain",
                                          "Can deceptive AI hide", "Is interpretability the best use")), answer.text
    answer = assistant.ask("How confident is each side about whether a deceptive model could hide from inspection?")
    assert answer.text.startswith("Can deceptive AI hide deception from interpretability?"), answer.text


def test_a_follow_up_about_it_keeps_to_the_subject_it_carries(assistant):
    # "its weaknesses" spread over every approach's sub-section: all six approaches answered. "it" is the one subject
    # the turn before asked about.
    answer = assistant.ask("What are its weaknesses?", history=["What is scalable oversight?"])
    assert "potential for collusion" in answer.text and "Interpretability:" not in answer.text, answer.text
    # A follow-up that names a subject of its own is not kept to the one before ("misuse" -> "loss of control").
    answer = assistant.ask("And if the main risk is loss of control?",
                           history=["What priority does interpretability have if the main risk is misuse?"])
    assert "too powerful" in answer.text, answer.text


def test_a_list_of_references_gives_the_works_the_question_picks(assistant):
    # The whole list of references answered these. A name, a year or a topic picks works by their records and text,
    # each cited by the passage that says what picked it.
    answer = assistant.ask("Which references are from DeepMind?")
    assert answer.text.splitlines() == [
        "- Gemma Scope 2: Helping the AI Safety Community Deepen Understanding of Complex Language Model Behavior "
        "(DeepMind, 2025) [1]",
        "- Gemma Scope: Open Sparse Autoencoders for Gemma 2 Interpretability (DeepMind, 2024) [2]"], answer.text
    assert all(c.kind == "metadata" and "DeepMind" in c.text for c in answer.citations)
    answer = assistant.ask("What are the references from 2024?")
    assert "Extracting Concepts from GPT-4 (OpenAI, 2024)" in answer.text and "2023" not in answer.text, answer.text
    answer = assistant.ask("What papers does the survey cite about sparse autoencoders?")
    assert "Gemma Scope" in answer.text and "Induction Heads" not in answer.text, answer.text
    # Nothing to pick by: the whole list.
    assert "Induction Heads" in assistant.ask("What are the references?").text
    # ... nor by where the list is, or its own name: "the References section" picked one work whose record says
    # "section" and "references"
    answer = assistant.ask("What is in the References section?")
    assert "Induction Heads" in answer.text and "Towards Monosemanticity" in answer.text, answer.text


def test_a_degree_that_picks_one_of_alike_lists_gets_them_all(assistant):
    # "If main risk is ...:" four times: "the most" picks one by comparing them, and the loss-of-control list, whose
    # words ("AI", "inside") were closest, answered alone.
    answer = assistant.ask("Which worry about AI makes looking inside models matter the most?")
    assert answer.scope == "section" and "High priority" in answer.text and "Low priority" in answer.text, answer.text
    # ... but the list that says the degree itself answers: "the highest priority" is "High priority"
    answer = assistant.ask("Which threat model gives interpretability the highest priority?")
    assert "High priority" in answer.text and "Low priority" not in answer.text, answer.text
    # ... and the numbered parts of one list are no alternatives ("most useful" got What Would Interpretability Need
    # to Achieve? with the first version of this rule)
    answer = assistant.ask("When is interpretability most useful?")
    assert "1. Understand all safety-relevant features" not in answer.text, answer.text


def test_a_verdict_asked_on_a_topic_gets_the_line_that_concludes_it(assistant):
    # "bottom" and "line" were read as the topic, "rely" as the cruxes' "Must rely on behavioral safety", and the
    # "whether" asked no yes or no: Will neural networks remain fundamentally opaque? answered.
    answer = assistant.ask("What's the bottom line on whether we can rely on interpretability?")
    assert answer.text.startswith("Current Consensus: Interpretability is valuable"), answer.text
    assert assistant.ask("Can we count on interpretability?").text.startswith("Current Consensus:")
    # ... a line that says what its section concludes answers a verdict (the RLHF limitations' list answered)
    assert assistant.ask("What's the verdict on RLHF?").text.startswith("Emerging consensus: Models tuned with RLHF")
    # ... and so does "the final word on" (refused: "final" and "word" are never mentioned)
    answer = assistant.ask("What's the last word on whether interpretability is enough?")
    assert answer.text.startswith("Current Consensus: Interpretability is valuable"), answer.text
    assert assistant.ask("What's the final word on RLHF?").text.startswith("Emerging consensus: Models tuned with RLHF")
    # ... and so does what the survey concludes about something it names (the RLHF vulnerabilities' list answered);
    # about nothing rare, the bonus would take "What do researchers currently conclude about interpretability being
    # sufficient?" off the Current Consensus
    answer = assistant.ask("What does the survey conclude about RLHF?")
    assert answer.text.startswith("Emerging consensus: Models tuned with RLHF"), answer.text
    answer = assistant.ask("What do analysts currently conclude about interpretability being sufficient?")
    assert answer.text.startswith("Current Consensus: Interpretability is valuable"), answer.text


@pytest.mark.parametrize("question", ["What does the survey conclude?",
                                      "What's the survey's final word on interpretability?",
                                      # where it lands is what it concludes (it got the survey's outline)
                                      "In a nutshell, where does the survey land on interpretability?"])
def test_what_the_survey_concludes_is_what_its_sections_conclude_in_full(assistant, question):
    # The whole document's digest listed every section's heading and cut its conclusions to make room for them:
    # "Current Consensus: Interpretability is valuable but probably needs to combine with other…".
    answer = assistant.ask(question)
    assert answer.scope == "document"
    assert "Current Consensus: Interpretability is valuable but probably needs to combine with other safety methods. " \
           "Worth significant investment but not sole focus." in answer.text, answer.text
    assert "- Key Cruxes [" not in answer.text  # a heading that concludes nothing
    assert len(answer.text) <= 1200
    # ... while an overview still walks through every section
    assert "- Key Cruxes [" in assistant.ask("Give me an overview of the survey.").text


def test_a_section_that_never_mentions_what_the_question_names_does_not_answer_it(assistant):
    # "guarantee" is a rare word, in Formal Verification's "Mathematical guarantees": that sub-section answered a
    # question about RLHF.
    answer = assistant.ask("Why isn't RLHF a safety guarantee?")
    assert "RLHF" in answer.text.split("\n")[0] and "Formal Verification" not in answer.text, answer.text
    # ... but a list of works cited names its works' labs through their records
    answer = assistant.ask("Which references are from DeepMind?")
    assert answer.text.startswith("- Gemma Scope 2: Helping the AI Safety Community"), answer.text


def test_what_the_survey_says_about_a_topic_it_spreads_is_what_each_section_says(assistant):
    # "Summarize what the survey says about deception." got the whole survey's outline, and "What does the survey
    # conclude about deception?" its opening summary: deception is in a crux, a risk model, the discoveries and the
    # remaining challenges, each of which says something of it
    for question in ("Summarize what the survey says about deception.",
                     "What does the survey conclude about deception?"):
        answer = assistant.ask(question)
        assert answer.scope == "section", answer.text
        assert "Can deceptive AI hide deception from interpretability?" in answer.text, answer.text
        assert "Deception resistance" in answer.text and "only way to detect deception" in answer.text, answer.text
        assert all("eception" in c.text or "eception" in c.section for c in answer.citations), answer.text
    # ... all of what it is about ("behavioral methods", not every method) and not the works cited, which name it
    answer = assistant.ask("What does the survey conclude about behavioral methods?")
    assert all("behavioral methods" in c.text for c in answer.citations if c.section), answer.text
    answer = assistant.ask("What does the survey conclude about sparse autoencoders?")
    assert "Dictionary Learning" in answer.text and "References" not in answer.text, answer.text
    # ... but a question that says of no rare word what it is about keeps the survey's outline and conclusions
    answer = assistant.ask("What does the survey see as the most plausible way forward?")
    assert answer.scope == "document", answer.text
    # ... and a line concluding a section still answers what the survey concludes about what it names
    answer = assistant.ask("What does the survey conclude about RLHF?")
    assert answer.text.startswith("Emerging consensus"), answer.text


def test_a_crux_whose_items_say_what_a_yes_or_no_question_asks_answers_it(assistant):
    # "AI can help interpret" is in the first crux's "Yes" item, not its heading: the deception crux, whose heading
    # says "AI" and "interpretability", answered
    answer = assistant.ask("Could AI systems themselves help us interpret other AI systems?")
    assert answer.text.startswith("Can we interpret cognition more intelligent than our own?"), answer.text
