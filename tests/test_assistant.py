"""The public API: interp_qa.retrieve / interp_qa.ask and the Assistant behind them."""

from __future__ import annotations

import pytest

from interp_qa import Answer, Passage
from interp_qa.answer import untraceable

from .conftest import says


def test_retrieve_returns_passages_best_first(assistant):
    passages = assistant.retrieve("How many features did OpenAI extract from GPT-4?", top_k=3)
    assert len(passages) == 3 and all(isinstance(p, Passage) for p in passages)
    assert passages[0].score >= passages[1].score >= passages[2].score
    assert any("16M features" in p.text or "16 million features" in p.text for p in passages)
    for p in passages:
        assert p.id and p.title and p.source and p.text


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
    assert fact in answer.text
    assert "[1]" in answer.text and answer.citations
    assert untraceable(answer.text, answer.citations) == []
    assert len(answer.text) < 400


def test_every_answer_is_traceable_to_its_citations(assistant):
    from interp_qa.evaluation import DEFAULT_QUESTIONS, load_questions

    for q in load_questions(DEFAULT_QUESTIONS):
        answer = assistant.ask(q.question, history=q.history or None)
        if not answer.abstained:
            assert untraceable(answer.text, answer.citations) == [], q.question


@pytest.mark.parametrize(
    "question",
    [
        "How many features did Anthropic extract from Claude 2?",
        "What interpretability results did Meta report for Llama 3?",
        "What is the capital of France?",
    ],
)
def test_abstains_when_the_corpus_does_not_say(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and answer.status == "abstained" and answer.citations == []
    assert answer.text.startswith("The corpus does not say.")
    assert answer.closest_topics  # says what the corpus does cover


def test_follow_up_carries_the_previous_subject(assistant):
    answer = assistant.ask("And for GPT-4?", history=["How many features did Anthropic extract from Claude 3 Sonnet?"])
    assert not answer.abstained
    assert says(answer.text, 16)


def test_a_comparison_finds_both_sides(assistant):
    answer = assistant.ask("Which extracted more features, Anthropic from Claude 3 Sonnet or OpenAI from GPT-4?")
    assert not answer.abstained and says(answer.text, 34) and says(answer.text, 16)
    assert len(answer.citations) == 2


def test_a_numbered_item_answers_with_its_sub_items(assistant):
    answer = assistant.ask("What does interpretability need to be tamper-proof?")
    assert "AI can't deceive interpretability tools" in answer.text and "steganographic" in answer.text


@pytest.mark.parametrize("bad", ["", "   \n\t", "x" * 5000, "\x00\x01"])
def test_bad_questions_raise_a_clear_value_error(assistant, bad):
    with pytest.raises(ValueError, match="question"):
        assistant.ask(bad)


def test_html_in_a_question_is_just_text(assistant):
    answer = assistant.ask("<script>alert(1)</script> How many features did OpenAI extract from GPT-4?")
    assert "<script>" not in answer.text


def test_module_level_api(monkeypatch, settings, assistant):
    import interp_qa

    monkeypatch.setattr(interp_qa, "_default", assistant)
    assert interp_qa.retrieve("induction heads", top_k=2)[0].title
    answer = interp_qa.ask("Who released Gemma Scope?")
    assert answer.citations and "DeepMind" in answer.text
