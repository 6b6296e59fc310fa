"""Answer scope: one fact, a section's digest, or two sides compared; and how each reads."""

from __future__ import annotations

import re

import pytest

from interp_qa.compose import SEE_ALSO, listed_items, untraceable
from interp_qa.digest import cut, document_digest, related_digest, section_digest

CRUXES = ["more intelligent than our own", "remain fundamentally opaque", "hide deception",
          "best use of safety research resources"]


def cited_lines(text: str) -> list[str]:
    return [ln for ln in text.split("\n") if ln.strip()]


def test_a_question_about_a_section_gets_its_digest_in_document_order(assistant):
    answer = assistant.ask("What are the key cruxes in this debate?")
    assert answer.scope == "section" and not answer.abstained
    positions = [answer.text.find(c) for c in CRUXES]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    for line in cited_lines(answer.text):  # a Markdown list, every item cited
        assert line.startswith("- ") and re.search(r"\[\d+\]$", line), line
    assert untraceable(answer.text, answer.citations) == []
    assert len(answer.text) <= 1200


def test_a_digest_leads_with_the_conclusion_then_both_lists(assistant):
    tree = assistant.retriever.tree
    sec = next(s for s in tree.sections.values() if s.path == ("The Sufficiency Question",))
    text, cites = section_digest(tree, sec)
    assert text.startswith("Current Consensus: Interpretability is valuable")
    lines = cited_lines(text)
    assert lines[1] == "- Interpretability might be sufficient if [2]"
    assert "  - We achieve comprehensive understanding of all safety-relevant features [2]" in lines
    assert "  - Deceptive AI can hide from interpretation [3]" in lines
    assert untraceable(text, cites) == []


def test_a_closing_question_is_no_conclusion(assistant):
    # "Designing for Interpretability" closes with "Question: Is slightly less capable ... safer overall?":
    # it asks, so the digest keeps it in its place, last, instead of leading with it.
    assistant.ask("Could we build AI that is interpretable by design?")
    tree = assistant.retriever.tree
    sec = next(s for s in tree.sections.values() if s.path == ("Designing for Interpretability",))
    text, cites = section_digest(tree, sec)
    assert text.startswith("- Rather than interpreting existing black boxes")
    assert text.split("\n")[-1].startswith("- Question: Is slightly less capable")
    assert untraceable(text, cites) == []


def test_numbered_items_under_one_lead_share_it(assistant):
    tree = assistant.retriever.tree
    sec = next(s for s in tree.sections.values() if s.heading == "What Would Interpretability Need to Achieve?")
    text, _ = section_digest(tree, sec)
    assert text.count("we'd need to") == 1 and "5. Be tamper-proof" in text


def test_a_comparison_gives_each_side(assistant):
    answer = assistant.ask("How does interpretability compare to RLHF?")
    assert answer.scope == "comparison"
    lines = cited_lines(answer.text)
    assert lines[0].startswith("- Mechanistic Interpretability — What It Verifies: Internal reasoning")
    assert any(ln.startswith("- RLHF / Constitutional AI — What It Verifies: Output behavior") for ln in lines)
    assert untraceable(answer.text, answer.citations) == []


def test_a_side_named_with_a_qualifier_still_finds_its_row(assistant):
    # "interpretability as a safety approach": the qualifier is no part of the row's name.
    answer = assistant.ask("How does AI control differ from interpretability as a safety approach?")
    assert answer.scope == "comparison"
    lines = cited_lines(answer.text)
    assert any(ln.startswith("- AI Control") for ln in lines), answer.text
    assert any(ln.startswith(("- Interpretability", "- Mechanistic Interpretability")) for ln in lines), answer.text
    assert untraceable(answer.text, answer.citations) == []


def test_a_section_answer_is_not_refused_for_words_it_does_not_use(assistant):
    # The section never says "Claude"; it says "Anthropic's May 2024 research".
    answer = assistant.ask("What safety-related concepts have been found inside Claude?")
    assert not answer.abstained
    for point in ["Deception-related features", "Sycophancy features", "Bias-related features"]:
        assert point in answer.text


def test_a_list_without_a_lead_line_counts_every_item(assistant):
    # "Can we interpret cognition more intelligent than our own?" lists two answers, "No - ..." and "Yes - ...",
    # with no "...:" line before them: two things, so the sub-section can answer a question itself.
    answer = assistant.ask("Can a deceptive model conceal its intentions from interpretability tools?")
    tree = assistant.retriever.tree
    sec = next(s for s in tree.sections.values() if s.heading.startswith("Can we interpret cognition"))
    assert sec.units() == 2
    assert "steganography" in answer.text and "deception leaves traces" in answer.text


@pytest.mark.parametrize("question", ["How many features did OpenAI extract from GPT-4?",
                                      "When was Towards Monosemanticity published?",
                                      "What is AI control best for?",
                                      "According to the survey, how many features did Anthropic extract?",
                                      # each names a whole row of a table: the row answers, not the table
                                      "Can AI control alone guarantee safety?",
                                      "What is the neural network dark matter challenge?"])
def test_a_factoid_stays_a_fact(assistant, question):
    answer = assistant.ask(question)
    assert answer.scope == "fact" and len(answer.citations) <= 2  # one fact (and where else it is stated)


@pytest.mark.parametrize("question", ["Summarize the survey.", "What is this survey about?"])
def test_a_question_about_the_survey_itself_gets_its_opening_and_its_sections(assistant, question):
    answer = assistant.ask(question)
    assert answer.scope == "document" and len(answer.text) <= 1200
    lines = answer.text.split("\n")
    assert lines[0].startswith("Comprehensive survey of the interpretability sufficiency debate") and "[1]" in lines[0]
    assert "- Key Cruxes [" in answer.text and "- The Sufficiency Question" in answer.text
    assert "References" not in answer.text  # a list of works cited says nothing of what the survey argues
    assert untraceable(answer.text, answer.citations) == []


def test_this_debate_is_the_survey_not_a_word_to_search_for(assistant):
    # The survey calls itself a survey "of the interpretability sufficiency debate"; "this debate" points at it.
    # Searched for, "debate" finds The Meta Question's "philosophical debate" instead of the cruxes.
    answer = assistant.ask("What do researchers disagree about in this debate?")
    assert answer.scope == "section" and all(c in answer.text for c in CRUXES)
    assert assistant.ask("Summarize this debate.").scope == "document"


def test_main_in_what_are_the_main_is_no_word_of_the_corpus(assistant):
    # "What are the main ...?" frames a question; "If main risk is misuse:" is not about challenges.
    answer = assistant.ask("What are the main challenges interpretability still faces?")
    assert not any(c.section.startswith("Interpretability for Different Risk Models") for c in answer.citations)
    assert "main" not in assistant.read_question("What are the main challenges?").terms


def test_a_long_digest_keeps_both_conclusions_before_its_items_detail(assistant):
    answer = assistant.ask("How does interpretability work together with behavioral safety methods?")
    assert answer.scope == "section" and len(answer.text) <= 1200
    lines = answer.text.split("\n")
    assert lines[0].startswith("Emerging consensus: Models tuned with RLHF")
    assert lines[1].startswith("Most Likely: A hybrid approach using interpretability as a design principle")
    assert untraceable(answer.text, answer.citations) == []


def test_a_document_digest_gives_what_each_section_concludes_when_it_fits(assistant):
    text, cites = document_digest(assistant.retriever.tree, "survey.md", budget=1500)
    assert "- The Sufficiency Question: Current Consensus: Interpretability is valuable" in text
    assert len(text) <= 1500 and untraceable(text, cites) == []


def test_a_list_that_answers_is_a_markdown_list(assistant):
    crux = assistant.ask("Can humans understand the cognition of a superintelligent AI?")
    # (A crux's sub-section holds just this list: as a fact or as its section, it reads the same, under its heading.)
    assert crux.scope in ("fact", "section") and [ln[:41] for ln in crux.text.splitlines()] == [
        "Can we interpret cognition more intellige",
        "- No - fundamentally limited by our intel", "- Yes - with tools and AI assistance. Hum"]
    # (The red-teaming sub-section is the whole answer: as a fact or as its section, it reads the same.)
    answer = assistant.ask("What are the drawbacks of red-teaming?")
    assert answer.text.splitlines() == [
        "Behavioral Testing (Red-Teaming) [1]",
        "- Strengths: Practical, works on black boxes, finding real issues now [1]",
        "- Weaknesses: Can't rule out deception, can't cover all cases [1]",
        "- Best for: Finding specific failures and adversarial examples [1]"]


def test_a_table_row_answer_leads_with_its_subject_and_the_asked_cell(assistant):
    answer = assistant.ask("How many features did OpenAI extract from GPT-4?")
    assert answer.text.startswith("OpenAI — Features Identified: 16 million features")
    assert untraceable(answer.text, answer.citations) == []
    # The count's noun names the cell: "estimated" (of "Estimated Features Needed") led before "Parameters".
    answer = assistant.ask("What is the estimated parameter count of Claude 3 Sonnet?")
    assert answer.text.startswith("Claude 3 Sonnet — Parameters: ≈70B (est.)"), answer.text
    # ... and the row's own name asks none of its columns: "scalable" named Scalability
    answer = assistant.ask("Is scalable oversight enough?")
    assert answer.text.startswith("Scalable Oversight — Sufficiency Alone: Unclear"), answer.text
    assert assistant.ask("What is scalable oversight?").text.startswith("Scalable Oversight — What It Verifies")
    # ... and a yes or no asked of what a row names, by a column it asks, is the row's ("Is AI control enough?" got the
    # loss-of-control list's "AI control approaches may be more relevant")
    answer = assistant.ask("Is AI control enough?")
    assert answer.text.startswith("AI Control — Sufficiency Alone: No - capability limits"), answer.text
    # ... though the question also names the row's sub-section by its heading
    answer = assistant.ask("Is formal verification sufficient?")
    assert answer.text.startswith("Formal Verification — Sufficiency Alone: No - specification gap"), answer.text
    # ... and a question asking why gets the row's other cells, which say why, though they say none of its words
    answer = assistant.ask("Why might interpretability give us false confidence?")
    assert "False confidence risk" in answer.text and "Learned features may not map to human concepts" in answer.text, \
        answer.text


def test_a_question_about_one_column_of_a_table_gets_that_column_for_every_row(assistant):
    # A table's column headers are part of what its section is about: "mature" names "Current Maturity".
    answer = assistant.ask("How mature is each safety approach?")
    assert answer.scope == "section"
    lines = answer.text.split("\n")
    assert len(lines) == 6 and all(" — Current Maturity: " in ln for ln in lines), answer.text
    assert lines[0].startswith("- Mechanistic Interpretability — Current Maturity: Research phase [1]")
    assert untraceable(answer.text, answer.citations) == []


def test_a_child_answers_as_strongly_as_its_parent_was_asked_about(assistant):
    # State of the Field's lead line ("major labs ... advanced") says what is asked; its Research Progress table,
    # where the evidence falls, answers it, though its own card says less of the question.
    answer = assistant.ask("What have the major labs achieved in interpretability recently?")
    assert answer.scope == "section" and all(lab in answer.text for lab in ("Anthropic", "OpenAI", "DeepMind"))


def test_a_digest_fits_its_budget_by_cutting_items_to_their_labels(assistant):
    tree = assistant.retriever.tree
    sec = next(s for s in tree.sections.values() if s.path == ("State of the Field (2024-2025)",))
    full, _ = section_digest(tree, sec, budget=10_000)
    short, cites = section_digest(tree, sec, budget=600)
    assert len(short) <= 600 < len(full)
    assert untraceable(short, cites) == []
    assert "Research Progress by Organization" in short  # sub-sections are kept, their details cut


def test_cut_ends_at_a_sentence_or_clause():
    text = "Mechanistic interpretability has advanced significantly, with major labs investing. However, more."
    assert cut(text, 90) == "Mechanistic interpretability has advanced significantly, with major labs investing"
    assert cut(text, 60) == "Mechanistic interpretability has advanced significantly"
    assert cut("short", 60) == "short"


def test_answers_are_traceable_on_every_broad_question(assistant):
    from interp_qa.evaluation import load_questions
    from interp_qa.settings import PROJECT_ROOT

    answered = 0
    for q in load_questions(PROJECT_ROOT / "eval" / "broad.jsonl"):
        answer = assistant.ask(q.question)
        if answer.abstained:
            continue
        answered += 1
        assert untraceable(answer.text, answer.citations) == [], q.question
        assert len(answer.text) <= 1200, q.question  # "See also:" lines too stay within the answer's length
        for line in cited_lines(answer.text):  # every line carries a marker, but the "See also:" label
            assert re.search(r"\[\d+\]", line) or line == SEE_ALSO, (q.question, line)
    assert answered >= 30


def test_a_reader_s_filler_words_are_not_searched_for(assistant):
    # "actually" (stem "actual") matched The Meta Question's "reverse-engineer the actual circuits", a word the
    # corpus uses once, so it outweighed every word of the question that mattered.
    assert not {"actual", "far", "itself", "realli", "well", "still"} & set(
        assistant.read_question("How well has interpretability itself really done so far, actually, and still?").terms)
    # "how well" found the Goal's "understand neural network internals well enough to".
    assert "Deception Detection" in assistant.ask("Which safety approaches can detect deception, and how well?").text
    answer = assistant.ask("Which capabilities has interpretability research actually demonstrated so far?")
    assert answer.citations and all("Specific Capabilities Demonstrated" in c.section for c in answer.citations)
    assert not assistant.ask("What has the research on interpretability actually demonstrated?").text.startswith(
        "Interpretability research itself has a philosophical debate")


def test_items_of_one_list_that_match_alike_answer_as_the_whole_list(assistant):
    # Every kind of safety-relevant feature matches "activations ... researchers" as well as the first: the
    # question asks for the list, not for its first item.
    answer = assistant.ask("What did researchers find in the activations that matters for safety?")
    assert all(kind in answer.text for kind in ("Deception", "Sycophancy", "Bias", "Dangerous content"))
    references = assistant.ask("How many references does the survey list?")
    assert "11. Extracting Concepts from GPT-4" in references.text


def test_a_caption_is_answered_by_what_it_captions(assistant):
    # "Range of views on interpretability's role in AI safety" matches best, and says nothing by itself.
    answer = assistant.ask("Who takes which view of interpretability's role in AI safety?")
    assert answer.scope == "section" and "Pioneer of mechanistic interpretability" in answer.text
    assert untraceable(answer.text, answer.citations) == []


def test_contractions_of_stopwords_are_stopwords(assistant):
    # "What's" is "what"; "can't" would match "Can't rule out deception" in the red-teaming row.
    assert set(assistant.read_question("What's the bottom line? Can't it, whether or not?").terms) == {
        "bottom", "line"}
    # ... typed without the apostrophe too.
    assert set(assistant.read_question("whats the bottom line? cant it?").terms) == {"bottom", "line"}


def test_a_question_in_capitals_names_nothing_by_them(assistant):
    # "WERE" read as an acronym the corpus never mentions: the question was refused.
    assert "WERE" not in assistant.read_question("WHAT SAFETY CONCEPTS WERE FOUND IN CLAUDE?").key_terms
    assert not assistant.ask("WHAT SAFETY CONCEPTS WERE FOUND IN CLAUDE?").abstained


def test_fail_is_a_reader_s_word_for_insufficient(assistant):
    answer = assistant.ask("When could interpretability fail us?")
    assert "Interpretability is likely insufficient if" in answer.text


def test_a_sentence_that_leans_on_the_one_before_comes_with_it(assistant):
    # "(2-5) remain largely unsolved" means nothing without "Have partial success on (1)"; "They discuss ..."
    # nothing without the sentence naming who "they" are.
    answer = assistant.ask("What remains largely unsolved?")
    assert answer.text.startswith("Current Status: Have partial success on (1) for current systems. (2-5) remain")
    assert not re.search(r"(?:^|\] )(?:It|They) ", assistant.ask(
        "What risks does the Bereska and Gavves review discuss?").text)
    assert untraceable(answer.text, answer.citations) == []


def test_arguments_for_and_against_get_the_section_that_sets_both_sides(assistant):
    # The issue's example: "arguments" and "against" matched The Argument from Engineering's "Counter-counter:
    # Those systems aren't optimizing against us"; the survey's two sides are The Sufficiency Question's lists.
    answer = assistant.ask("Summarize the arguments for and against interpretability being sufficient.")
    assert "Interpretability might be sufficient if" in answer.text
    assert "Interpretability is likely insufficient if" in answer.text
    assert "against" not in assistant.read_question("What is the case for and against RLHF?").terms


def test_a_section_sets_two_sides_when_two_lead_lines_oppose():
    from interp_qa.sections import opposite

    assert opposite({"interpretability", "might", "be", "sufficient", "if"},
                    {"interpretability", "is", "likely", "insufficient", "if"})
    assert opposite({"arguments", "for"}, {"arguments", "against"})
    assert not opposite({"counter", "to", "must", "understand"}, {"engineering", "vs", "science"})


def test_under_what_conditions_gets_the_list_of_conditions(assistant):
    # "... by itself be enough to guarantee safety" was answered by Formal Verification's "Mathematical guarantees"
    # (its words), or by what interpretability would need to achieve; the survey's conditions are its "if:" lists.
    answer = assistant.ask("In which circumstances would interpretability on its own be enough to guarantee safety?")
    assert answer.scope == "section"
    assert "Interpretability might be sufficient if" in answer.text
    assert assistant.read_question("When would interpretability fall short?").conditions
    assert not assistant.read_question("When was Gemma Scope released?").conditions


def test_both_sides_asked_for_are_given_over_a_fact_stating_the_question_words(assistant):
    # "relying" matched a crux's "Must rely on behavioral safety", a fact covering every word of the question.
    answer = assistant.ask("What is the case for and against relying on interpretability for safety?")
    assert "Interpretability might be sufficient if" in answer.text
    assert "Interpretability is likely insufficient if" in answer.text


def test_a_section_lists_conditions_when_a_list_is_led_by_if(assistant):
    tree = assistant.retriever.tree
    tree.load("corpus/survey")
    conditional = {sec.heading for sec in tree.sections.values() if sec.conditional}
    assert conditional == {"The Sufficiency Question", "Interpretability for Different Risk Models"}


def test_a_history_gets_the_dated_events_in_order(assistant):
    # The timeline table's rows scored low and unevenly (one row named "interpretability agent"): a lone row answered.
    answer = assistant.ask("Tell me the history of interpretability breakthroughs.")
    assert answer.scope == "section"
    years = [ln[2:6] for ln in answer.text.splitlines() if ln.startswith("- 20")]
    assert len(years) >= 8 and years == sorted(years)
    tree = assistant.retriever.tree
    tree.load("corpus/survey")
    assert {sec.heading for sec in tree.sections.values() if sec.chronological} == {"Timeline of Key Achievements"}


def test_a_yes_or_no_question_gets_the_section_weighing_both_answers(assistant):
    # The survey's own question was answered by what interpretability would need to achieve ("For interpretability
    # to be sufficient for safety, we'd need to:"), its words, rather than by its verdict and both sides.
    answer = assistant.ask("Is interpretability sufficient for AI safety?")
    assert "Current Consensus" in answer.text
    assert "Interpretability might be sufficient if" in answer.text
    assert "Interpretability is likely insufficient if" in answer.text
    # The example: "enough" occurs once in the corpus, in the Goal's "well enough to".
    assert "Current Consensus" in assistant.ask("Is interpretability enough to make AI safe?").text
    assert assistant.read_question("Can interpretability be trusted?").two_sided
    assert not assistant.read_question("What can interpretability do?").two_sided


def test_a_comparison_side_named_with_a_hyphen_is_found(assistant):
    # "GPT-4" also matches as gpt, 4 and gpt4; counted four times over, the row "GPT-4" seemed to carry a quarter of
    # its own name, the side went unfound, and the answer said no passage about GPT-4 answers this.
    answer = assistant.ask("How does GPT-4's feature gap compare with Claude 3 Sonnet's?")
    assert answer.scope == "comparison"
    assert "16M features" in answer.text and "34M features" in answer.text


def test_a_digest_keeps_what_the_question_names(assistant):
    # The evidence spread over the whole of "Interpretability vs Other Safety Approaches", whose digest listed every
    # approach; the question asks about one of them.
    answer = assistant.ask("What are the main weaknesses of RLHF?")
    assert answer.scope == "section"
    assert "Reward hacking" in answer.text
    assert "Red-Teaming" not in answer.text and "Formal Verification" not in answer.text
    assert all("RLHF" in f"{c.section} {c.text}" for c in answer.citations)


def test_a_yes_or_no_question_of_fact_gets_the_fact(assistant):
    # "Are 70% ..." was read as the name "Are 70", which the corpus never mentions; and a section weighing two sides
    # answers a yes-or-no question only when it is about the question.
    assert "Are 70" not in assistant.read_question("Are 70% of the Claude 3 Sonnet features interpretable?").key_terms
    answer = assistant.ask("Are 70% of the Claude 3 Sonnet features interpretable?")
    assert answer.scope == "fact" and "70%" in answer.text


def test_a_name_s_possessive_and_a_year_after_it_are_not_one_name(assistant):
    # "Anthropic's 2023 paper" was read as the name "Anthropic 2023", which the corpus never says: refused.
    q = assistant.read_question("What did Anthropic's 2023 paper on monosemantic features show?")
    assert q.key_terms == ["Anthropic", "2023"]
    assert assistant.read_question("What is Claude 3 Sonnet?").key_terms == ["Claude 3", "Sonnet"]
    answer = assistant.ask("What did Anthropic's 2023 paper on monosemantic features show?")
    assert not answer.abstained and "Towards Monosemanticity" in answer.text, answer.text


def test_a_row_found_by_the_name_asked_about_says_what_about_it(assistant):
    # "Source: OpenAI" matched the question's only word; the answer read "2024 (Jun) — Source: OpenAI."
    answer = assistant.ask("What does the survey say about OpenAI?")
    assert answer.text.startswith("OpenAI — ")
    assert "16M features" in answer.text
    assert untraceable(answer.text, answer.citations) == []
    # A cell the question only describes ("Strong (if specified)") still follows the row's subject.
    assert assistant.ask("Which approach has strong deception detection if properties are specified?").text \
        .startswith("Formal Verification — ")


def test_a_question_about_the_works_cited_gets_the_references(assistant):
    # A list of works cited was never a section answer (its titles matched unrelated questions); a question asking
    # for it by its name ("references", or a reader's word for it) gets it.
    answer = assistant.ask("Which papers does the survey cite?")
    assert answer.scope == "section"
    assert "Towards Monosemanticity" in answer.text and "In-context Learning and Induction Heads" in answer.text


def test_a_row_named_by_the_question_leads_with_its_name_then_the_asked_cell(assistant):
    # Was "Year: 2022 (Significance: ...)", without the milestone, and "Approach: Formal Verification (Current
    # Maturity: ...)": the header of the row's name came first.
    assert assistant.ask("What happened in 2022?").text.startswith("2022 — Milestone: Induction Heads")
    assert assistant.ask("How mature is formal verification?").text.startswith(
        "Formal Verification — Current Maturity: Theoretical")


def test_a_possessive_size_asks_for_an_amount(assistant):
    # "What is the size of Gemma Scope 2?" was answered and "What is Gemma Scope 2's size?" got Gemma Scope's summary.
    assert assistant.read_question("What is Gemma Scope 2's size?").qtype == "count"
    assert "110 PB" in assistant.ask("What is Gemma Scope 2's size?").text


def test_an_overview_asked_of_nothing_in_particular_gets_the_main_document(assistant):
    # "Give me an overview." matched the survey's link to an "Epistemic Tools Overview"; "What is the bottom line?"
    # and "TL;DR?" were refused ("TL" and "DR" are no names the corpus knows).
    # "What does the survey conclude overall?" got "Question: Is ... AI safer overall?" ("overall" was its topic).
    for question in ("Give me an overview.", "What are the key takeaways?", "What is the bottom line?", "TL;DR?",
                     "What does the survey argue?", "Give me an overview of interpretability for AI safety.",
                     "What does the survey conclude overall?"):
        answer = assistant.ask(question)
        assert answer.scope == "document", question
        assert answer.text.startswith("Comprehensive survey of the interpretability sufficiency debate"), question
    assert assistant.ask("Give me an overview of RLHF.").scope != "document"


def test_the_main_argument_of_the_survey_is_its_digest_whatever_form_is_asked(assistant):
    # "the main argument of this survey" is what it argues, as "the survey's main argument" is; "in two sentences"
    # says how to answer ("sentences" was searched for): The Argument from Engineering answered.
    for question in ("What's the main argument of this survey in two sentences?", "What is the central claim of the "
                     "survey?"):
        answer = assistant.ask(question)
        assert answer.scope == "document", (question, answer.text)
    assert assistant.ask("What is the main argument from engineering?").scope != "document"


def test_how_do_a_and_b_compare_gives_each_side(assistant):
    # "How do A and B compare?" was no comparison: the answer named both labs in one sentence and compared nothing.
    answer = assistant.ask("How do Anthropic's and OpenAI's results compare?")
    assert answer.scope == "comparison"
    assert "34 million features" in answer.text and "16 million features" in answer.text


def test_how_do_a_and_b_differ_as_kinds_gives_each_side(assistant):
    # "How do A and B differ as safety strategies?" compared nothing ("as ..." after the verb): red-teaming's
    # sub-section answered alone (broad-holdout h203)
    answer = assistant.ask("How do red-teaming and scalable oversight differ as safety strategies?")
    assert answer.scope == "comparison", answer.text
    assert "Can't rule out deception" in answer.text and "potential for collusion" in answer.text, answer.text


def test_fooling_interpretability_tools_is_deceiving_them(assistant):
    # "fool" is no word of the corpus: "Could a clever AI fool interpretability tools?" got the crux about cognition
    # smarter than ours (broad-holdout h210, h116)
    answer = assistant.ask("Could a clever AI fool interpretability tools? What are the two views?")
    assert answer.text.startswith("Can deceptive AI hide deception from interpretability?"), answer.text


def test_a_related_list_item_whose_label_the_question_says_is_given_whole(assistant):
    # "See also" cut the diagram's lines to their labels: "Key Gaps" without the gaps a question about gaps asks for
    answer = assistant.ask("Which gaps keep today's tools from proving a model safe?")
    assert "Key Gaps: Neural Network Dark Matter" in answer.text, answer.text
    # ... but not a label that says only the corpus's everyday word ("Pioneer of mechanistic interpretability")
    answer = assistant.ask("What can't current tools do?")
    assert "Pioneer of mechanistic interpretability. Believes" not in answer.text, answer.text


def test_the_answer_asked_for_is_no_topic(assistant):
    # "each side's answer" weighed "answer", a word the corpus never uses, most: the survey's outline answered
    answer = assistant.ask("What are the survey's main open questions, and what's each side's answer?")
    assert answer.text.startswith("- Can we interpret cognition more intelligent than our own?"), answer.text
    assert "Is interpretability the best use of safety research resources?" in answer.text, answer.text


def test_the_whole_debate_is_the_survey_and_a_nutshell_is_a_form(assistant):
    # "the whole debate" is the survey as "the debate" is; "in a nutshell" says how to answer, not what about (the Meta
    # Question's "This mirrors the sufficiency debate" answered)
    answer = assistant.ask("Summarize the whole debate in a nutshell.")
    assert answer.scope == "document" and answer.text.startswith("Comprehensive survey"), answer.text


def test_a_side_that_says_only_whose_is_asked_the_first_side_s_thing(assistant):
    # "red-teaming's" is red-teaming's weaknesses: "weaknesses" was the first side's own word, and no row or
    # sub-section was named by enough of "RLHF's weaknesses" (the whole comparison table answered)
    answer = assistant.ask("What distinguishes RLHF's weaknesses from red-teaming's?")
    assert answer.scope == "comparison", answer.text
    assert "May be superficial" in answer.text and "Can't rule out deception" in answer.text, answer.text
    # ... and "measures up against" compares as "stacks up against" does
    answer = assistant.ask("How does red-teaming measure up against RLHF?")
    assert answer.scope == "comparison" and "Red-Teaming" in answer.text and "RLHF" in answer.text, answer.text


def test_what_the_survey_does_is_no_topic_of_the_question(assistant):
    # "What does the survey conclude about scalability?" weighed "conclude" (one reference's word) over
    # "scalability" and got the whole survey's digest.
    question = assistant.read_question("What does the survey conclude about scalability?")
    assert "conclud" not in question.terms and "scalabl" in question.terms
    answer = assistant.ask("What does the survey conclude about scalability?")
    assert answer.scope != "document"
    assert "Scalability" in answer.text


def test_a_comparison_of_two_references_gives_each_ones_summary(assistant):
    # "Gemma Scope" is all of "Gemma Scope 2" but "2": the sides had no words of their own and nothing compared;
    # a reference that no table row or sub-section names is found by its title.
    answer = assistant.ask("How does Gemma Scope compare with Gemma Scope 2?")
    assert answer.scope == "comparison"
    titles = [c.title.split(":")[0] for c in answer.citations]
    assert titles == ["Gemma Scope", "Gemma Scope 2"]
    first, second = answer.text.split("\n")
    assert first.startswith("- Gemma Scope ") and not first.startswith("- Gemma Scope 2")
    assert second.startswith("- Gemma Scope 2")


def test_a_comparison_side_prefers_the_name_with_no_words_besides(assistant):
    # "interpretability" named "What Would Interpretability Need to Achieve?" as well as the "Interpretability"
    # sub-section, and the first found won: the side was "5. Be tamper-proof".
    answer = assistant.ask("Compare interpretability with red-teaming as safety tools.")
    assert answer.scope == "comparison"
    assert "- Interpretability — Strengths: Direct verification" in answer.text
    assert "tamper-proof" not in answer.text


def test_a_compound_number_counts_only_what_it_is_joined_to(assistant):
    # "How many features did Anthropic extract?" was answered by "... features from 1-layer transformers": the 1
    # counts layers, not features.
    answer = assistant.ask("How many features did Anthropic extract?")
    assert "34M features" in answer.text or "34 million features" in answer.text
    assert "1-layer" in assistant.ask("How many layers did the Towards Monosemanticity transformer have?").text


def test_what_is_x_is_answered_by_the_item_labelled_x(assistant):
    # "What is reward hacking?" got the digest of the whole list of RLHF's limitations.
    answer = assistant.ask("What is reward hacking?")
    assert answer.scope == "fact"
    assert "Reward hacking: Models optimize proxy signals" in answer.text
    assert "Inner misalignment" not in answer.text


def test_what_the_survey_means_by_a_term_is_no_overview(assistant):
    # "mean", in no passage, weighed most and the answer was the whole survey's digest.
    answer = assistant.ask("What does the survey mean by verification gap?")
    assert answer.scope != "document"
    assert "mean" not in assistant.read_question("What does the survey mean by verification gap?").terms


def test_who_wrote_a_paper_gets_its_authors(assistant):
    # "Who wrote the RLHF alignment paper?" got the paper's opening line: "wrote" never says "Authors".
    assert assistant.ask("Who wrote the RLHF alignment paper?").text.startswith(
        "Authors: Adam Dahlgren Lindström, Leila Methnani, Lea Krause et al.")


def test_when_is_answered_by_a_date_of_what_was_asked(assistant):
    # "When was Gemma Scope released?" got a row without a date ("Hundreds of SAEs released"), which its header
    # "Key Achievement (2024-2025)" passed off as dated; "And when was it released?" then got Gemma Scope 2's 2025.
    assert assistant.ask("When was Gemma Scope released?").text.startswith("Year: 2024 (Jul)")
    follow_up = assistant.ask("And when was it released?", history=["What is Gemma Scope?"])
    assert follow_up.text.startswith("Year: 2024 (Jul)") and "Gemma Scope 2" not in follow_up.text


def test_a_count_named_by_a_noun_asks_for_an_amount(assistant):
    # "What is the estimated parameter count of GPT-4?" got the Scalability Challenge section's digest.
    assert assistant.read_question("What is the estimated parameter count of GPT-4?").qtype == "count"
    answer = assistant.ask("What is the estimated parameter count of GPT-4?")
    assert answer.scope == "fact" and "1.7T" in answer.text


def test_an_overview_of_a_named_reference_gets_that_reference(assistant):
    # "Summarize the Scaling Monosemanticity paper." got Towards Monosemanticity's description (it names the other
    # paper), and "the key points of the RLHF alignment paper" the survey's section on RLHF.
    answer = assistant.ask("Summarize the Scaling Monosemanticity paper.")
    assert answer.scope == "document"
    assert answer.citations[0].source == "references/scaling-monosemanticity.md"
    assert "- Summary: Anthropic applies sparse autoencoders (SAEs)" in answer.text
    # ... then what the survey says of it: the rows of its tables that link to it, and nothing else of the survey
    work, survey = answer.text.split("\nSee also:\n")
    assert "2024 (May): Scaling Monosemanticity — 34M features from Claude 3 Sonnet" in survey, answer.text
    assert {c.source for c in answer.citations} == {"references/scaling-monosemanticity.md", "survey.md"}
    assert all(c.kind == "table_row" and c.refs == ["corpus/references/scaling-monosemanticity"]
               for c in answer.citations if c.source == "survey.md")
    answer = assistant.ask("What are the key points of the RLHF alignment paper?")
    assert {c.source for c in answer.citations} == {"references/ai-alignment-through-rlhf.md"}  # no row links to it
    assert assistant.ask("Summarize Gemma Scope 2.").citations[0].source == "references/gemma-scope-2.md"
    # ... but not one that names what the work never mentions: "2020-2023" is the survey's "Features and Circuits
    # (2020-2023)", whatever its "circuits work" names
    answer = assistant.ask("What did the 2020-2023 circuits work find?")
    assert answer.text.startswith("Features and Circuits (2020-2023)"), answer.text
    assert "Curve detectors, text detectors in vision models" in answer.text


def test_what_a_work_reports_is_its_digest_named_by_its_title_or_by_a_word_only_it_says(assistant):
    # "establish" asked what the Circuits work reports as "find" does: a sentence of Towards Monosemanticity
    # ("established sparse autoencoders") answered first; with it, the survey's own row on the work.
    answer = assistant.ask("What did the Circuits work on vision models establish?")
    assert answer.scope == "document" and answer.citations[0].source == "references/circuits-framework.md"
    assert "subgraphs of neurons and weights" in answer.text
    assert "2020: Circuits in CNNs — First demonstration of interpretable circuits in vision models" in answer.text
    # "the sociotechnical critique" is no title's name, but only the RLHF paper says "sociotechnical": its first
    # sentence alone answered, without the Summary's "complexity of human ethics"
    answer = assistant.ask("What is the sociotechnical critique of preference-based alignment about?")
    assert answer.scope == "document" and "complexity of human ethics" in answer.text, answer.text
    # ... but what the question asks a work to have done names no work: "revealing" is in Scaling Monosemanticity's
    # description, not in Anthropic's 2023 paper's
    answer = assistant.ask("What did Anthropic's 2023 paper reveal?")
    assert not (answer.scope == "document" and answer.citations[0].source == "references/scaling-monosemanticity.md")


def test_a_list_question_gets_the_whole_list_when_only_a_synonym_matches_an_item(assistant):
    # "concerns" also searches "risk model"; "Models optimize ..." then seemed to answer on its own, and "What are
    # the main concerns about RLHF?" got one limitation of four.
    text = assistant.ask("What are the main concerns about RLHF?").text
    assert all(x in text for x in ("Reward hacking", "Sycophancy", "Inner misalignment", "Surface-level alignment"))


def test_how_much_something_matters_asks_no_amount(assistant):
    # Read as a count, this led with the diagram's "70% human-interpretable —".
    answer = assistant.ask("Does how much interpretability matters change with the kind of risk you care about?")
    assert not answer.text.startswith("70%") and "If main risk is misuse" in answer.text, answer.text
    assert assistant.read_question("How much does interpretability matter against misuse?").qtype != "count"
    assert assistant.read_question("How much did Anthropic's team grow in 2023?").qtype == "count"


def test_one_thing_asked_of_every_row_is_the_table_s_column(assistant):
    # Two production rows answered this: the table's maturity column says which are in production and which are not.
    answer = assistant.ask("Which safety approaches are ready for production use and which are still research?")
    assert answer.scope == "section"
    lines = answer.text.splitlines()
    assert len(lines) == 6 and all("— Current Maturity: " in ln for ln in lines), answer.text
    assert "AI Control — Current Maturity: Conceptual" in answer.text
    # A timeline asked year by year keeps its milestones' names.
    assert "2022: Induction Heads" in assistant.ask("Walk me through the field's results year by year.").text


def test_a_list_without_a_lead_line_is_named_by_its_heading(assistant):
    # "Which approach can't rule out deception?" got "Strengths: ... Weaknesses: Can't rule out deception ..." without
    # saying which approach that is.
    answer = assistant.ask("Which approach can't rule out deception?")
    assert answer.text.startswith("Behavioral Testing (Red-Teaming) [1]\n- Strengths: Practical")
    # ... and so is a section digest of such a list ("Tell me about red-teaming." began "- Strengths: ...").
    answer = assistant.ask("Tell me about red-teaming.")
    assert answer.scope == "section", answer.scope
    assert answer.text.startswith("Behavioral Testing (Red-Teaming) [1]\n- Strengths: Practical"), answer.text
    assert untraceable(answer.text, answer.citations) == []


def test_a_question_naming_a_heading_gets_that_section_not_its_child(assistant):
    # Children carry their parent's heading in their path: "Describe the state of the field." got its diagram,
    # "Describe the interpretability landscape." its list of requirements.
    answer = assistant.ask("Describe the state of the field.")
    assert answer.scope == "section"
    assert "Research Progress by Organization" in answer.text and "Field Size and Growth" in answer.text
    answer = assistant.ask("Describe the interpretability landscape.")
    assert "Positions on Interpretability for Safety" in answer.text
    # ... "an overview of" asks for it too: "overview" weighed as much as the heading and its child's table answered
    answer = assistant.ask("Give me an overview of the state of the field.")
    assert "Research Progress by Organization" in answer.text and "Field Size and Growth" in answer.text, answer.text


def test_how_many_things_a_section_lists_gets_the_list(assistant):
    # "How many cruxes does the survey list?" was refused: no passage says "four"; the section headed with what is
    # counted lists them, each cited. A count no section lists is still refused.
    answer = assistant.ask("How many cruxes does the survey list?")
    assert answer.scope == "section" and answer.text.count("\n- ") + 1 == 4
    assert assistant.read_question("How many safety approaches are compared?").counted == "approaches"
    assert assistant.ask("How many people work at DeepMind?").abstained
    # ... or whose lists' lead lines say it (was refused: "No passage gives the number of camps")
    answer = assistant.ask("How many camps are there in the meta question?")
    assert answer.scope == "section" and "Pragmatic/Behavioral Camp" in answer.text, answer.text
    # ... and the section headed with the corpus's word for it: "papers" are its References (was refused)
    answer = assistant.ask("How many papers are cited?")
    assert not answer.abstained and "11. Extracting Concepts from GPT-4" in answer.text


def test_a_table_column_says_what_its_rows_count(assistant):
    # "Milestone: GPT-4 concepts" counts no milestones: the answer was "2024 (Jun) — Significance: 16M features ...".
    # The timeline's column says what it lists, so its rows answer, each cited.
    answer = assistant.ask("How many milestones are in the timeline?")
    assert answer.scope == "section" and answer.text.count("— Milestone:") == 10, answer.text
    # A header still names its own cell's amount, and a value what the row counts.
    assert assistant.ask("How many parameters does GPT-2 have?").text.startswith("GPT-2 — Parameters: 1.5B")
    assert "16 million" in assistant.ask("How many concepts did OpenAI's work find inside GPT-4?").text


def test_the_survey_s_mood_is_asked_of_the_whole_survey(assistant):
    # "The corpus never mentions 'optimistic'": a question about the survey's leaning was refused.
    answer = assistant.ask("Is the survey optimistic or pessimistic about interpretability?")
    assert not answer.abstained and answer.scope == "document", answer.text


def test_what_the_survey_says_about_something_it_never_mentions_is_refused(assistant):
    # "What does the survey say about AI consciousness?" got the whole survey's digest.
    for question in ("What does the survey say about AI consciousness?",
                     "What does the survey conclude about climate change?"):
        answer = assistant.ask(question)
        assert answer.abstained, question
        assert "never mentions “c" in answer.text
    # A comparison with something the corpus never mentions got "How does interpretability compare to alternatives?"
    answer = assistant.ask("How does interpretability compare with watermarking?")
    assert answer.abstained and "never mentions “watermarking”" in answer.text
    assert not assistant.ask("How does interpretability compare with red-teaming?").abstained
    # ... but the words of an overview's form are no topic: "takeaways", "in a few bullets".
    assert assistant.ask("Give me the main takeaways of the survey in a few bullets.").scope == "document"


def test_a_check_frame_is_no_topic_and_more_than_compares(assistant):
    # "Is it true that 70% ...?" matched "true human preferences" in the RLHF limitations; "Did OpenAI extract more
    # features than Anthropic?" gave OpenAI's count alone.
    assert "70% interpretable" in assistant.ask("Is it true that 70% of Claude's features were interpretable?").text
    answer = assistant.ask("Did OpenAI extract more features than Anthropic?")
    assert "16M" in answer.text or "16 million" in answer.text
    assert "34M" in answer.text or "34 million" in answer.text


def test_a_section_whose_best_evidence_is_a_one_paragraph_child_gives_way_to_the_fact(assistant):
    # "field size" asked State of the Field by its child's heading, "Field Size and Growth", one paragraph; merging
    # down went to the best-scoring sub-section of several units instead, the Scalability Challenge.
    answer = assistant.ask("field size")
    assert "approximately 50 full-time positions" in answer.text and "10x" not in answer.text


def test_a_digest_keeps_the_years_asked_for(assistant):
    # "What are the main achievements of 2024?" listed every milestone from 2020; "since 2023" is a range.
    text = assistant.ask("What are the main achievements of 2024?").text
    assert text.startswith("- 2024 (Jan)") and "2020" not in text
    text = assistant.ask("Summarize progress since 2023.").text
    assert "2023: Towards Monosemanticity" in text and "2025: Gemma Scope 2" in text and "2022" not in text


def test_a_fact_that_holds_little_of_the_question_is_followed_by_related_passages(assistant):
    # The best unit is Scalable Oversight's row; what is bad about it is in its sub-section's lines.
    answer = assistant.ask("What is good and bad about scalable oversight?")
    assert answer.scope == "fact" and "\n\nSee also:\n" in answer.text
    fact, related = answer.text.split("\n\nSee also:\n")
    assert "potential for collusion" in related.lower() or "potential for collusion" in fact.lower()
    for line in related.split("\n"):  # one cited line per passage, under its heading
        assert re.search(r"^ *- .+ \[\d+\]$", line), line
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    assert sorted(set(numbers)) == list(range(1, len(answer.citations) + 1))  # numbered on from the fact's
    assert len({c.id for c in answer.citations}) == len(answer.citations)
    assert untraceable(answer.text, answer.citations) == []
    assert len(answer.text) <= 1200


def test_a_section_answering_a_question_that_names_nothing_rare_is_followed_by_related_passages(assistant):
    # A topic question may be about more than the one section found: the best passages outside it follow, those that
    # score near the best, cited on from the section's numbers.
    answer = assistant.ask("Why isn't interpretability enough?")
    assert answer.scope == "section" and "\n\nSee also:\n" in answer.text, answer.text
    digest, related = answer.text.split("\n\nSee also:\n")
    assert digest.startswith("Current Consensus:") and related.startswith("- ")
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    assert sorted(set(numbers)) == list(range(1, len(answer.citations) + 1))
    assert untraceable(answer.text, answer.citations) == [] and len(answer.text) <= 1200
    # ... but a section about what the question names is all it asks for
    answer = assistant.ask("What are the key limitations of RLHF?")
    assert answer.scope == "section" and "See also" not in answer.text, answer.text
    # ... and "the last one" of a list answer is its own last item, not the last related passage
    assert listed_items(f"- A [1]\n- B [2]\n\n{SEE_ALSO}\n- C [3]") == ["A", "B"]


def test_a_related_paragraph_that_opens_with_a_question_shows_what_follows_it(assistant):
    # "- Interpretability vs Other Safety Approaches: How does interpretability compare to alternatives? [4]" said
    # nothing of how it does.
    p = next(p for p in assistant.retriever.document("survey.md")
             if p.text.startswith("How does interpretability compare to alternatives?"))
    text, cites = related_digest([p], main="survey.md")
    assert text.startswith("- Interpretability vs Other Safety Approaches: Recent research suggests that behavioral")
    assert cites == [p] and untraceable(text, cites) == []


def test_a_question_for_one_fact_gets_no_related_passages(assistant):
    for question in ("How many features did Anthropic extract from Claude 3 Sonnet?",
                     "When was Gemma Scope released?", "Who wrote Scaling Monosemanticity?"):
        answer = assistant.ask(question)
        assert "See also" not in answer.text, question


def test_related_passages_read_in_document_order_under_their_headings(assistant):
    passages = assistant.retrieve("What is good and bad about scalable oversight?", top_k=6)
    text, cites = related_digest(passages, main="survey.md")
    assert {c.id for c in cites} == {p.id for p in passages}
    survey = [c.position for c in cites if c.source == "survey.md"]
    assert survey == sorted(survey) and cites[: len(survey)] == [c for c in cites if c.source == "survey.md"]
    assert all(re.search(r"^ *- .+ \[\d+\]$", line) for line in text.split("\n"))
    assert untraceable(text, cites) == []
    short, kept = related_digest(passages, main="survey.md", budget=300)
    assert len(short) <= 300 and 0 < len(kept) <= len(cites)
    assert all(f"[{n}]" in short for n in range(1, len(kept) + 1))


def test_a_field_of_a_references_record_answers_alone_when_the_question_names_it(assistant):
    answer = assistant.ask("Where was Scaling Monosemanticity published?")
    assert answer.text.startswith("Publisher: Transformer Circuits") and "See also" not in answer.text
    # Named as the survey's timeline names it, not by its title: the re-ranker's own judgement that it is named.
    answer = assistant.ask("What rating does the GPT-4 concepts article get?")
    assert answer.text.startswith("Rating: 4/5") and "See also" not in answer.text


def test_a_reference_is_not_named_by_its_tags(assistant):
    # The RLHF paper is tagged "training": "trained" does not name it, so its "Rating" field is no answer to "ratings".
    answer = assistant.ask("What goes wrong when models are trained on human ratings?")
    assert not answer.text.startswith("Rating:")
    assert all(c.kind != "metadata" for c in answer.citations)


def test_a_list_question_answered_by_one_sentence_gets_related_passages(assistant):
    # The survey's own one-line summary names "challenges" and "faces"; the challenges it lists follow.
    answer = assistant.ask("What are the challenges interpretability still faces?")
    assert answer.scope == "fact" and SEE_ALSO in answer.text
    related = answer.text.split(SEE_ALSO)[1]
    assert "Remaining Challenges" in related or "Scalability Challenge" in related
    assert untraceable(answer.text, answer.citations) == [] and len(answer.text) <= 1200


def test_a_cut_between_words_says_the_passage_goes_on():
    text = "Current sparse autoencoder methods face a fundamental trade-off: passing GPT-4's activations through"
    short = cut(text, 70)
    assert short.endswith("…") and text.startswith(short.removesuffix("…"))
    assert cut("Models optimize proxy signals, in ways diverging from true preferences.", 40) == (
        "Models optimize proxy signals")  # a clause ends in time: no mark


def test_a_fact_of_two_sentences_counts_what_both_hold(assistant):
    # The first sentence names polysemanticity, the second the paper's method: together they hold the question.
    answer = assistant.ask("What did Towards Monosemanticity show about polysemantic neurons?")
    assert answer.text.startswith("The work demonstrates that polysemanticity") and len(answer.citations) == 1
    assert "See also" not in answer.text


@pytest.mark.parametrize("question", ["Which GPT models does the survey discuss?", "What did OpenAI find in GPT?",
                                      "How many features were extracted from GPT models?"])
def test_a_name_the_corpus_writes_only_with_a_version_is_known(assistant, question):
    # "GPT" is in the corpus only as "GPT-2" and "GPT-4": it was "never mentioned", and these were refused.
    answer = assistant.ask(question)
    assert not answer.abstained and "GPT-4" in answer.text
    assert untraceable(answer.text, answer.citations) == []


@pytest.mark.parametrize("question", ["What is the survey's verdict?", "What's the survey's take?",
                                      "What is the survey's conclusion?", "Where does the survey land?"])
def test_what_the_survey_comes_to_is_its_overview(assistant, question):
    # The corpus never says "verdict", "take" or "conclusion": these were refused as about something it never mentions.
    answer = assistant.ask(question)
    assert answer.scope == "document" and "consensus" in answer.text


def test_a_reader_s_opening_word_keeps_a_yes_or_no_question(assistant):
    answer = assistant.ask("So, is interpretability sufficient?")
    assert answer.text.startswith("Current Consensus:") and "likely insufficient if" in answer.text


def test_a_when_question_answered_by_an_item_dated_by_its_heading_gives_that_date(assistant):
    answer = assistant.ask("When did Golden Gate Claude come out?")
    assert "2024" in answer.text and "Golden Gate Claude" in answer.text
    assert untraceable(answer.text, answer.citations) == []


def test_who_wrote_a_lab_s_paper_with_no_authors_listed_gets_the_lab(assistant):
    answer = assistant.ask("Who wrote the induction heads paper?")
    assert answer.text.startswith("Organization: Anthropic")
    # Every record says "Kind: paper": "paper" does not name the RLHF paper, whose authors came first.
    answer = assistant.ask("Who wrote the MAIA paper?")
    assert answer.text.startswith("Organization: MIT") and "Lindström" not in answer.text


def test_a_count_is_listed_by_a_heading_that_says_the_counted_word_not_its_stem(assistant):
    # "researchers" and "Research Progress by Organization" share a stem: the labs' table counted no researchers.
    answer = assistant.ask("How many full-time researchers are there?")
    assert "34 million features" not in answer.text and answer.scope != "section"


def test_a_list_question_gets_every_item_of_a_list_cut_into_passages(assistant):
    # Each numbered requirement is a passage of its own under "we'd need to:"; one of them answered alone.
    answer = assistant.ask("What are the requirements for interpretability to be sufficient?")
    for item in ["1. Understand all safety-relevant features", "3. Predict behavior reliably", "5. Be tamper-proof"]:
        assert item in answer.text
    assert untraceable(answer.text, answer.citations) == []


@pytest.mark.parametrize("question, shape", [("When would interpretability matter most?", " if"),
                                             ("Give me a timeline of sparse autoencoder work.", "2024 (May)")])
def test_a_form_that_asks_for_conditions_or_dates_gets_a_section_that_has_them(assistant, question, shape):
    # "matter" matched "dark matter" and "sparse autoencoder" the Scalability Challenge: neither lists conditions
    # or dated events.
    answer = assistant.ask(question)
    assert answer.scope == "section" and shape in answer.text and "dark matter" not in answer.text
    assert untraceable(answer.text, answer.citations) == []


def test_the_works_cited_answer_only_a_question_about_them(assistant):
    answer = assistant.ask("What safety features were found in Claude 3 Sonnet?")
    assert "Also cited in the text" not in answer.text
    assert all(c.section != "References" for c in answer.citations)
    answer = assistant.ask("Which papers does the survey cite?")
    assert "Towards Monosemanticity" in answer.text


def test_a_leading_phrase_keeps_a_yes_or_no_question_and_counts_of_items_are_not_searched(assistant):
    # "In one sentence, is interpretability enough?" got "The Goal: ... well enough to"; "two" matched
    # "two-attention-head" and "What are two arguments for interpretability?" got the induction heads paper.
    answer = assistant.ask("In one sentence, is interpretability enough?")
    assert answer.text.startswith("Current Consensus:")
    answer = assistant.ask("What are two arguments for interpretability?")
    assert "induction heads" not in answer.text


@pytest.mark.parametrize("question, spelled", [("What does SAE stand for?", "SAEs — sparse autoencoders"),
                                               ("what is RLHF short for", "RLHF — Reinforcement Learning from Human"),
                                               ("What is an SAE?", "SAEs — sparse autoencoders"),
                                               ("What is RLHF?", "RLHF — Reinforcement Learning from Human")])
def test_what_an_abbreviation_stands_for_leads_the_answer(assistant, question, spelled):
    # "What does SAE stand for?" got a timeline row, "RLHF" the safety approaches' section; "What is an SAE?" the
    # "8-layer SAE features" row and "What is RLHF?" the RLHF limitations.
    answer = assistant.ask(question)
    assert answer.text.startswith(spelled) and SEE_ALSO not in answer.text
    assert untraceable(answer.text, answer.citations) == []


def test_a_reference_named_by_its_first_author_is_summarized(assistant):
    # "What did Bereska and Gavves find?" got their record's "Authors:" line.
    for question in ("What did Bereska and Gavves find?", "Summarize the Bereska and Gavves review."):
        answer = assistant.ask(question)
        assert answer.scope == "document" and "This review examines mechanistic interpretability" in answer.text
        assert {c.source for c in answer.citations} == {"references/sparse-autoencoders-review.md"}
    # A question about one thing in a named work is still answered by that thing.
    answer = assistant.ask("What did Towards Monosemanticity show about polysemanticity?")
    assert answer.scope == "fact" and "polysemanticity" in answer.text
    # A first name its record does not give is someone else: the Circuits article is "Olah et al.", and "What did
    # Chris Olah say?" got its summary instead of the survey's quote of him.
    answer = assistant.ask("What did Chris Olah say?")
    assert answer.scope == "fact" and "only extracting a small fraction of the features" in answer.text
    assert assistant.ask("What did Olah et al. argue?").citations[0].source == "references/circuits-framework.md"


def test_a_paragraph_closing_the_last_of_parallel_sub_sections_concludes_their_parent(assistant):
    # "Most Likely: A hybrid approach ..." follows the AI Control list but closes all six approaches' details.
    answer = assistant.ask("What is AI control?")
    assert "Most Likely" not in answer.text and "just containment" in answer.text
    tree = assistant.retriever.tree
    parent = next(s for s in tree.sections.values() if s.path[-1:] == ("Approach Comparison Details",))
    text, _ = section_digest(tree, parent)
    assert text.startswith("Most Likely: A hybrid approach")
    # ... and when that paragraph is the best evidence, the parent answers, not AI Control's list
    answer = assistant.ask("What's the most likely way forward for AI safety, according to the survey?")
    assert answer.text.startswith("Most Likely: A hybrid approach"), answer.text
    # ... only of parallel sub-sections: "Key insight from Chris Olah ..." closes Remaining Challenges, whose sibling
    # before it is a timeline table, and was left out of Remaining Challenges' digest as its parent's
    challenges = next(s for s in tree.sections.values() if s.path[-1:] == ("Remaining Challenges",))
    ai_control = tree.sections[(parent.source, parent.children[-1])]
    assert challenges.parents_conclusion is None and ai_control.parents_conclusion is not None
    text, _ = section_digest(tree, challenges)
    assert "Key insight from Chris Olah" in text and "Scalability: SAEs lose" in text, text
    # ... and a digest kept to what a question names shows the whole section rather than nothing
    text, _ = section_digest(tree, tree.sections[(parent.source, parent.children[-1])],
                             focus=lambda p: p.text.startswith("Most Likely"))
    assert "just containment" in text, text


def test_what_the_survey_says_about_an_approach_is_its_row_and_its_sub_section(assistant):
    # its comparison-table row alone answered ("What It Verifies: Containment; ..."), not its strengths and weaknesses
    answer = assistant.ask("What does the survey say about AI control?")
    assert answer.text.startswith("- AI Control — What It Verifies: Containment"), answer.text
    assert "AI Control — Strengths: Doesn't require alignment" in answer.text, answer.text
    # ... not a sub-section whose name says more than the question ("Behavioral Testing (Red-Teaming)")
    assert "Strengths" not in assistant.ask("What does the survey say about red-teaming?").text


def test_a_section_named_as_a_section_is_that_section(assistant):
    # "section" is no word of the corpus: it weighed as much as "State of the Field", and a child answered
    assert "section" not in " ".join(assistant.read_question("What's in the State of the Field section?").terms)
    answer = assistant.ask("What's in the State of the Field section?")
    assert answer.text.startswith("- Mechanistic interpretability has advanced significantly."), answer.text


def test_a_question_that_is_a_heading_word_for_word_gets_that_section(assistant):
    # "What is interpretability?" got "What Would Interpretability Need to Achieve?"
    answer = assistant.ask("What is interpretability?")
    assert answer.scope == "section" and "The Goal: Understand neural network internals" in answer.text


def test_what_is_x_is_answered_by_x_aims_to(assistant):
    # "Mechanistic interpretability aims to ..." says what it is; the answer was the Meta Question's two camps.
    answer = assistant.ask("What is mechanistic interpretability?")
    assert answer.text.startswith("Mechanistic interpretability aims to reverse-engineer neural networks")


@pytest.mark.parametrize("question, row", [("Tell me about Anthropic.", "Anthropic — Key Achievement"),
                                           ("What is OpenAI's work?", "OpenAI — Key Achievement"),
                                           ("What has Google DeepMind contributed?", "DeepMind — "),
                                           # an adjective before the noun, and "What's": was OpenAI's timeline rows
                                           ("What's OpenAI's main contribution?", "OpenAI — Key Achievement"),
                                           # "the rundown on", "what OpenAI did": its timeline row alone answered
                                           ("Give me the rundown on what OpenAI did with GPT-4 features.", "OpenAI — "),
                                           ("Give me the rundown on OpenAI.", "OpenAI — Key Achievement")])
def test_what_a_named_lab_did_is_its_row(assistant, question, row):
    # The roll call "Organizations Leading Work: Anthropic (...), OpenAI (...), Google DeepMind, ..." answered these.
    answer = assistant.ask(question)
    assert answer.text.startswith(row) and not answer.text.startswith("Organizations Leading Work")
    assert untraceable(answer.text, answer.citations) == []


def test_what_a_named_lab_did_goes_on_to_the_work_its_row_links(assistant):
    # The MIT (MAIA) row says "Automated interpretability agent"; the MAIA summary it links says what that agent does
    answer = assistant.ask("What did MIT do?")
    assert answer.text.startswith("Organization: MIT (MAIA)"), answer.text
    assert "design and run experiments" in answer.text
    assert untraceable(answer.text, answer.citations) == []


@pytest.mark.parametrize("question, topic, not_this", [
    ("What is the survey's view on AI control?", "AI Control", "Range of views"),
    ("What's the survey's position on RLHF?", "RLHF", "full-time positions"),
    # "take" (a word the corpus lacks) weighed so much that no unit covered the question: the whole survey's digest
    ("What is the survey's take on scalable oversight?", "Scalable Oversight", "Comprehensive survey"),
])
def test_the_survey_s_view_on_a_topic_is_asked_about_the_topic(assistant, question, topic, not_this):
    answer = assistant.ask(question)
    assert answer.scope != "document" and topic in answer.text and not_this not in answer.text, answer.text


@pytest.mark.parametrize("question", ["What's the survey's main argument?", "What is the survey's central thesis?"])
def test_the_survey_s_argument_is_what_it_argues(assistant, question):
    # "argument" matched The Argument from Engineering; "central" was refused as a word the corpus never uses.
    answer = assistant.ask(question)
    assert answer.scope == "document" and "Emerging consensus favors hybrid approaches" in answer.text, answer.text
    assert "Counter-counter" in assistant.ask("What is the argument from engineering?").text


def test_who_is_optimistic_asks_for_someone_not_the_survey_s_leaning(assistant):
    # "optimistic" asks for the survey's leaning ("Is the survey optimistic ...?"), but asked "who", it got the whole
    # survey's digest instead of the range of views.
    answer = assistant.ask("Who's most optimistic about interpretability?")
    assert answer.scope != "document" and "not just possible but necessary" in answer.text, answer.text
    assert assistant.ask("Is the survey optimistic or pessimistic about interpretability?").scope == "document"


def test_a_one_word_name_asked_covers_its_numbered_versions(assistant):
    # "Claude" asked, "Claude 3 Sonnet" found: marked down as another version, so the question was refused.
    answer = assistant.ask("How many SAE features came out of Claude?")
    assert not answer.abstained and "Claude 3 Sonnet" in answer.text
    # ... and the number in a name is no amount: the answer led with "3 Sonnet —".
    answer = assistant.ask("How many SAE features were extracted from Claude?")
    assert not answer.text.startswith("3 ")


def test_a_comparison_of_amounts_gives_each_side_s_row(assistant):
    # A count question was never a comparison: this one was refused ("No passage about GPT-4 answers this").
    answer = assistant.ask("How much bigger is GPT-4 than Claude 3 Sonnet?")
    assert answer.scope == "comparison" and "≈1.7T" in answer.text and "≈70B" in answer.text


def test_a_version_typed_in_lower_case_is_still_that_version(assistant):
    # "gemma scope 2" was not read as a name: the answer dated Gemma Scope, 2024 (Jul).
    for question in ("what year is gemma scope 2 from?", "when was gemma scope 2 relased"):
        answer = assistant.ask(question)
        assert "2025" in answer.text and "2024 (Jul)" not in answer.text


def test_a_misspelt_word_is_not_said_to_be_missing_from_the_corpus(assistant):
    # "interpretabilty" was "never mentioned": the comparison was refused.
    answer = assistant.ask("how does rlhf compare to interpretabilty")
    assert not answer.abstained and "RLHF" in answer.text
    answer = assistant.ask("How does interpretability compare with watermarking?")
    assert answer.abstained and "watermarking" in answer.text


def test_tell_me_about_a_work_gets_its_summary(assistant):
    # It got the timeline's row for it ("Gemma Scope — Year: 2024 (Jul); ...").
    answer = assistant.ask("Tell me about Gemma Scope.")
    assert answer.scope == "document" and "Gemma Scope is an open-source suite" in answer.text


def test_a_closing_list_of_names_concludes_nothing(assistant):
    # "Organizations Leading Work: Anthropic (...), OpenAI (...), ..." closes What is Interpretability? and led it.
    answer = assistant.ask("What is interpretability?")
    assert answer.text.startswith("- The Goal: Understand neural network internals")


def test_what_happened_in_a_year_gives_that_year_s_events(assistant):
    # It got the introduction's "what's happening inside the black box" ("happened" was its rarest word).
    answer = assistant.ask("What happened in 2024?")
    assert answer.scope == "section" and "happening" not in answer.text
    assert answer.text.count("2024 (") == 5 and "2023" not in answer.text and "2025" not in answer.text
    assert "happening" not in assistant.ask("What happened to RLHF?").text


def test_a_question_naming_what_a_passage_names_in_full_is_not_refused_for_its_distance(assistant):
    # Two acronyms are close to no passage by embedding: "What are MIB and LoBOX?" was refused, though the hybrid
    # paper's summary names both.
    answer = assistant.ask("What are MIB and LoBOX?")
    assert not answer.abstained and "empirical benchmarks (MIB and LoBOX)" in answer.text
    assert assistant.ask("What is the capital of France?").abstained


def test_a_count_is_answered_by_the_cell_that_says_what_is_counted(assistant):
    # "How many SAEs are in Gemma Scope?" led with "Scale Reached: Gemma 2 (2B-9B parameters)".
    answer = assistant.ask("How many SAEs are in Gemma Scope?")
    assert answer.text.startswith("DeepMind — Features Identified: Hundreds of SAEs released"), answer.text


@pytest.mark.parametrize("question, opens, not_says", [
    ("Which organizations lead interpretability work?", "Organizations Leading Work: Anthropic", "The Goal"),
    ("What priority does interpretability have if the main risk is deceptive alignment?",
     "Interpretability's value depends on your risk model: If main risk is deceptive alignment", "misuse"),
])
def test_a_fact_holding_every_word_of_the_question_is_not_given_way_to_its_section(assistant, question, opens,
                                                                                   not_says):
    # Their sections scored more than the fact that says it all: "Which organizations ...?" got The Goal's list first.
    answer = assistant.ask(question)
    assert answer.text.startswith(opens) and not_says not in answer.text, answer.text


def test_a_month_named_with_its_year_keeps_that_month_s_events(assistant):
    # "Jan 2024" read as a name with a version, like "Claude 2", and was refused as never mentioned.
    answer = assistant.ask("What's the Jan 2024 milestone?")
    assert not answer.abstained and "8-layer SAE features" in answer.text and "2024 (May)" not in answer.text
    answer = assistant.ask("What happened in May 2024?")
    assert "Scaling Monosemanticity" in answer.text and "2024 (Jan)" not in answer.text, answer.text


def test_which_are_not_is_read_off_the_whole_column(assistant):
    # "Which approaches are not in production?" got the two rows that are.
    answer = assistant.ask("Which approaches are not in production?")
    assert answer.scope == "section" and answer.text.count("Current Maturity:") == 6, answer.text
    assert "Theoretical" in answer.text and "Conceptual" in answer.text


def test_two_versions_asked_get_a_fact_for_each(assistant):
    # "Gemma Scope 2" asked marked down every unit naming only "Gemma Scope", and Gemma Scope's row says "Gemma 2":
    # the answer gave one date.
    answer = assistant.ask("When did Gemma Scope and Gemma Scope 2 come out?")
    assert "2024 (Jul)" in answer.text and "2025" in answer.text, answer.text
    assert "2024" not in assistant.ask("When was Gemma Scope 2 released?").text


def test_a_unit_naming_all_that_is_asked_answers_though_a_word_of_the_question_is_missing(assistant):
    # "used" is in no passage that names MIB and LoBOX: two acronyms are close to nothing, and it was refused
    answer = assistant.ask("What are MIB and LoBOX used for?")
    assert not answer.abstained and "empirical benchmarks (MIB and LoBOX)" in answer.text, answer.text
    assert assistant.ask("What is LoBOX's license?").abstained  # the thing asked of them must be said too


def test_the_survey_s_author_is_not_another_work_s_authors(assistant):
    # "wrote" is the synonym file's "authors": counting the RLHF summary's "The authors argue" as saying who wrote
    # the survey answered it with that summary
    answer = assistant.ask("Who wrote the survey?")
    assert answer.abstained, answer.text


def test_a_list_s_numbering_is_no_amount(assistant):
    # "5. Be tamper-proof" answered "How much money goes into interpretability?"; the References list's "9. AI
    # Alignment through RLHF" joined the 9 citations of that paper
    assert "tamper-proof" not in assistant.ask("How much money goes into interpretability?").text
    answer = assistant.ask("How many citations does AI Alignment through RLHF have?")
    assert answer.text.startswith("Citations: 9.") and "9. AI Alignment" not in answer.text, answer.text
    # ... unless the list is headed with what is counted
    answer = assistant.ask("How many references does the survey list in its References section?")
    assert "11. Extracting Concepts from GPT-4" in answer.text, answer.text


@pytest.mark.parametrize("question", ["What is the Gemma Scope paper about?",
                                      "What is the paper by Sengupta and colleagues arguing for?",
                                      # what it covers, discusses, looks at is what it is about
                                      "What does the Bereska and Gavves review cover?",
                                      "What does Towards Monosemanticity look at?"])
def test_what_a_work_is_about_asked_in_the_present_gets_its_digest(assistant, question):
    # "What is X about?", "What is X arguing for?" ask what a work reports, as "What does X argue?" does: its
    # digest, not the timeline row or the authors line that share its name
    answer = assistant.ask(question)
    assert answer.scope == "document" and "Summary" in answer.text, answer.text


def test_how_something_progressed_over_time_is_a_chronology(assistant):
    answer = assistant.ask("How have DeepMind's releases progressed over time?")
    assert "2024 (Jul): Gemma Scope" in answer.text and "2025: Gemma Scope 2" in answer.text, answer.text


def test_in_order_asks_for_a_chronology(assistant):
    answer = assistant.ask("What has Anthropic published on interpretability, in order?")
    assert "2021: A Mathematical Framework" in answer.text and "2024 (May): Scaling Monosemanticity" in answer.text
    assert "Gemma Scope" not in answer.text, answer.text
    # ... unless the question names what the dated rows never say: the team's growth is one paragraph's
    answer = assistant.ask("How has Anthropic's interpretability team grown over time?")
    assert "17 people" in answer.text and "Induction Heads" not in answer.text, answer.text
    # ... and not an order of something else, nor a purpose
    assert not assistant.read_question("Rank the approaches in order of maturity.").chronology
    assert not assistant.read_question("What is needed in order to verify alignment?").chronology


def test_a_count_asked_over_time_is_a_chronology(assistant):
    # "the number of ... over the years" asks how it grew, not for one amount: the GPT-4 row alone answered
    answer = assistant.ask("How has the number of extracted features grown over the years?")
    assert "34M features from Claude 3 Sonnet" in answer.text and "16M features extracted from GPT-4" in answer.text, \
        answer.text
    assert "1-layer transformers" in answer.text


def test_a_chronology_bounded_by_an_event_keeps_the_rows_on_its_side(assistant):
    # "before sparse autoencoders" is before the first dated row that names them (2023, Towards Monosemanticity)
    answer = assistant.ask("Which milestones came before sparse autoencoders?")
    assert "Induction Heads" in answer.text and "Circuits in CNNs" in answer.text, answer.text
    assert "Towards Monosemanticity" not in answer.text and "Gemma Scope" not in answer.text


def test_right_after_an_event_is_the_next_row_only(assistant):
    # "right after" asks for the one event next to it (the induction heads summary answered: no chronology)
    answer = assistant.ask("What came right after the induction heads work?")
    assert answer.text.startswith("- 2023: Towards Monosemanticity") and "2024" not in answer.text, answer.text
    answer = assistant.ask("What happened just before Scaling Monosemanticity?")
    assert answer.text.startswith("- 2024 (Jan): 8-layer SAE features") and "2023" not in answer.text, answer.text
    assert "MAIA" in assistant.ask("Which milestone came immediately after Gemma Scope?").text


def test_a_chronology_between_two_events_keeps_the_rows_between(assistant):
    # Each event is the dated row holding most of its words ("the big Claude 3 Sonnet study": "34M features from
    # Claude 3 Sonnet"); a summary of either work answered, as it matched the words better than the timeline.
    answer = assistant.ask("What happened between the one-layer autoencoder result and the big Claude 3 Sonnet study?")
    assert answer.scope == "section" and answer.text.startswith("- 2024 (Jan): 8-layer SAE features"), answer.text
    assert "Towards Monosemanticity" not in answer.text and "Scaling Monosemanticity" not in answer.text
    answer = assistant.ask("What came after Scaling Monosemanticity?")
    assert "2024 (Jun): GPT-4 concepts" in answer.text and "2025: Gemma Scope 2" in answer.text, answer.text
    assert "2023" not in answer.text
    # Two years bound a span too: 2022 and 2023 were left out.
    answer = assistant.ask("Give me the timeline between 2021 and 2024.")
    assert all(x in answer.text for x in ("2021:", "2022: Induction Heads", "2023:", "2024 (Jul)")), answer.text
    assert "2020" not in answer.text and "2025" not in answer.text


def test_a_label_the_question_says_word_for_word_answers(assistant):
    # "the current capabilities" is the diagram's "Current Capabilities (2024-2025): ..." (and the Goal's list label);
    # AI Control's row answered ("Current Maturity: Conceptual", "capability limits")
    answer = assistant.ask("How does the survey describe the current capabilities?")
    assert "Current Capabilities" in answer.text.split("\n")[0] and "AI Control" not in answer.text, answer.text


def test_how_big_a_community_is_asks_the_field_s_size(assistant):
    # "How large is the field?" got GPT-4's row ("Parameters: ≈1.7T"), "How big is the research community?" DeepMind's
    # ("Open for research"): "how big" asks a size (Field Size and Growth), "community" is the survey's "field".
    for question in ("How large is the field?", "How big is the research community?"):
        answer = assistant.ask(question)
        assert "approximately 50 full-time positions" in answer.text.split("\n")[0], answer.text
    assert "17 people" in assistant.ask("How big was Anthropic's team?").text


def test_a_chronology_of_a_topic_keeps_the_rows_on_it(assistant):
    # With no name to focus on, every dated row answered these: the topic is the rarest word said besides the
    # chronology's own ("timeline"), in a row's own words or its abbreviations' long forms ("SAE").
    answer = assistant.ask("Give me a timeline of sparse autoencoder research.")
    assert "2023: Towards Monosemanticity" in answer.text and "8-layer SAE features" in answer.text, answer.text
    assert "Circuits in CNNs" not in answer.text and "Induction Heads" not in answer.text
    # ... or in the work a row links to: Scaling Monosemanticity's summary says "sparse autoencoders"
    assert "2024 (May): Scaling Monosemanticity" in answer.text
    answer = assistant.ask("Give me a timeline of work on vision models.")
    assert "2020: Circuits in CNNs" in answer.text and "2022" not in answer.text, answer.text
    # Everyday words name no topic: the whole timeline.
    answer = assistant.ask("Give me a timeline of interpretability research.")
    assert "2020: Circuits in CNNs" in answer.text and "2025: Gemma Scope 2" in answer.text, answer.text
    # ... and nor does a word no row says itself ("breakthrough" is in one linked summary only)
    answer = assistant.ask("Walk me through the history of interpretability breakthroughs year by year.")
    assert "2020: Circuits in CNNs" in answer.text and "2022: Induction Heads" in answer.text, answer.text


def test_a_question_whose_rare_words_a_heading_holds_is_on_topic(assistant):
    # "cruxes" is only in the heading "Key Cruxes": no passage's text is close to the question, and it was refused.
    answer = assistant.ask("How many cruxes are there?")
    assert not answer.abstained and "Can deceptive AI hide deception" in answer.text, answer.text
    # ... which a question of words the corpus lacks is not
    assert assistant.ask("How many moons does Jupiter have?").abstained


def test_the_key_numbers_of_the_survey_are_its_summary(assistant):
    # "numbers" was read as a count: a reference's "Reference number: 10" answered, and "Give me the key numbers"
    # got the timeline.
    for question in ("What are the key numbers in this survey?", "Give me the key numbers from the survey."):
        answer = assistant.ask(question)
        assert answer.scope == "document" and "34M features" in answer.text and "10x" in answer.text, answer.text


def test_a_record_line_states_its_fact_once(assistant):
    # "9 — Citations: 9.": the lead fact written before a record's line that is nothing but that fact
    answer = assistant.ask("How many citations does AI Alignment through RLHF have?")
    assert answer.text.startswith("Citations: 9. [1]"), answer.text
    assert assistant.ask("When was Towards Monosemanticity published?").text.startswith("Year: 2023. [1]")


def test_one_end_of_a_chronology_is_its_first_or_last_dated_row(assistant):
    # "What is the most recent achievement in the timeline?" got the whole timeline from 2020, its answer last
    answer = assistant.ask("What is the most recent achievement in the timeline?")
    assert answer.text.startswith("- 2025: Gemma Scope 2") and "2020" not in answer.text, answer.text
    assert assistant.ask("What was the earliest milestone?").text.startswith("- 2020")
    # ... of the rows the question picks: Anthropic's
    answer = assistant.ask("What was Anthropic's latest milestone?")
    assert "Scaling Monosemanticity" in answer.text and "2025" not in answer.text, answer.text
    # "the first version" is no event
    assert assistant.read_question("What was the first version of Gemma Scope?").chronology_end is None


def test_the_order_of_two_events_is_answered_by_their_dated_rows(assistant):
    # "Which came first, A or B?" compared the two works' summaries, which say no date; "How long after the Circuits
    # work did Scaling Monosemanticity come?" was refused ("No passage about Circuits answers this")
    answer = assistant.ask("Which came first, induction heads or the mathematical framework?")
    assert answer.text.startswith("- 2021: A Mathematical Framework") and "\n- 2022: Induction Heads" in answer.text
    answer = assistant.ask("How long after the Circuits work did Scaling Monosemanticity come?")
    assert answer.text.startswith("- 2020: Circuits in CNNs") and "2024 (May): Scaling Monosemanticity" in answer.text
    assert len(answer.citations) == 2, answer.text  # "work" names no row ("SAEs work on deeper transformers")


def test_a_share_asked_leads_with_the_share_not_the_count_beside_it(assistant):
    # "17 people — ... representing about a third of global capacity": the count led an answer to a share
    answer = assistant.ask("What share of global capacity was Anthropic's team?")
    assert answer.text.startswith("about a third — "), answer.text
    # ... a share in figures is read as a number is
    answer = assistant.ask("What percentage of features are interpretable, and how many features is that?")
    assert answer.text.startswith("70% interpretable — "), answer.text


def test_a_yes_or_no_asked_of_a_row_gets_that_row_s_cell_in_the_column_asked(assistant):
    # Red-Teaming's "Current Maturity: Production use" answered "Is scalable oversight in production use?"; the row
    # named answers, with the column whose cells say "production use" (its own says "Research phase")
    answer = assistant.ask("Is scalable oversight in production use?")
    assert answer.text.startswith("Scalable Oversight — Current Maturity: Research phase"), answer.text
    # a header the question says is still the column asked
    assert assistant.ask("Is red-teaming enough on its own?").text.startswith("Red-Teaming — Sufficiency Alone: No")
