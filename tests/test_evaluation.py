"""Evaluation metrics on hand-computed cases, and the question-set format."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from interp_qa.evaluation import (
    DEFAULT_QUESTIONS,
    contains_any,
    fact_ok,
    hit_at,
    load_questions,
    mrr,
    ndcg_at,
    percentile,
)


def test_hit_and_mrr():
    rel = [False, True, False, True, False]
    assert hit_at(rel, 1) == 0.0 and hit_at(rel, 2) == 1.0 and hit_at(rel, 5) == 1.0
    assert mrr(rel) == 0.5
    assert mrr([False] * 5) == 0.0 and hit_at([False] * 5, 5) == 0.0


def test_ndcg():
    assert ndcg_at([True, False, False, False, False]) == 1.0
    # one relevant at rank 2: (1/log2 3) / (1/log2 2)
    assert ndcg_at([False, True, False, False, False]) == pytest.approx(1 / math.log2(3))
    # relevant at 1 and 3; ideal has them at 1 and 2
    assert ndcg_at([True, False, True]) == pytest.approx((1 + 1 / 2) / (1 + 1 / math.log2(3)))
    assert ndcg_at([False, False]) == 0.0


def test_percentile():
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 95) == 5 and percentile([], 50) == 0


def test_fact_matching_ignores_case_space_and_approx_sign():
    assert contains_any("It had ≈1.7T  parameters", ["1.7t parameters"])
    assert fact_ok("34M features and 70% interpretable", [["34 million", "34M"], ["70%"]])
    assert not fact_ok("34M features", [["34M"], ["70%"]])


def test_the_shipped_question_set_is_valid_and_covers_every_category():
    qs = load_questions(DEFAULT_QUESTIONS)
    assert len(qs) >= 100
    cats = {q.category for q in qs}
    assert {"number", "entity", "list", "comparison", "reference", "paraphrase", "multi_turn",
            "unanswerable_near", "unanswerable_far"} <= cats
    assert sum(not q.answerable for q in qs) >= 20


def test_the_paraphrase_set_rewords_shipped_questions():
    from interp_qa.evaluation import PARAPHRASES

    originals = {q.id: q for q in load_questions(DEFAULT_QUESTIONS)}
    paraphrases = load_questions(PARAPHRASES)
    assert len(paraphrases) >= 100 and sum(not p.answerable for p in paraphrases) >= 10
    for p in paraphrases:
        if p.paraphrase_of:
            q = originals[p.paraphrase_of]
            assert p.question != q.question and p.facts == q.facts and p.evidence == q.evidence


def test_a_bad_line_is_named(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "question": "ok?", "evidence": ["x"]}\n{"id": "b", "question": "no evidence?"}\n')
    with pytest.raises(ValueError, match=r"q.jsonl:2: .*evidence"):
        load_questions(path)


def test_broad_metrics_on_hand_computed_cases():
    from interp_qa.evaluation import EvalQuestion, broad_baseline, broad_metrics, point_recall
    from interp_qa.types import Answer, Passage

    q = EvalQuestion(id="b", question="What are the cruxes?", points=[["opaque"], ["smarter", "more intelligent"],
                     ["resources"]], min_share=0.6, evidence=["Key Cruxes"])
    cited = Passage(id="s#1", text="Yes - too complex.", title="S", section="Key Cruxes > Opaque?", source="s.md")
    other = Passage(id="s#2", text="Something else.", title="S", section="Other", source="s.md")
    two = Answer(question=q.question, text="- Will networks remain opaque? [1]\n- Can we read more intelligent "
                 "minds? [1]", citations=[cited])
    one = Answer(question=q.question, text="Networks remain opaque [1]", citations=[cited])
    wrong_cite = Answer(question=q.question, text=two.text, citations=[other])
    abstained = Answer(question=q.question, text="The corpus does not say. opaque smarter resources",
                       abstained=True)
    assert point_recall(two.text, q.points) == pytest.approx(2 / 3)
    m = broad_metrics([(q, two, 1.0), (q, one, 1.0), (q, wrong_cite, 1.0), (q, abstained, 1.0)])
    assert m["n"] == 4 and m["pass_rate"] == 0.25  # only the first: 2/3 >= 0.6 and cites the evidence
    assert m["point_recall"] == pytest.approx(round((2 / 3 + 1 / 3 + 2 / 3 + 0) / 4, 4))
    assert m["citation_support"] == 0.5
    assert m["mean_answer_chars"] == pytest.approx((2 * len(two.text) + len(one.text) + len(abstained.text)) / 4)
    base = broad_baseline([(q, ["opaque and smarter", "resources", "nothing"])], 1)
    assert base["pass_rate"] == 1.0 and base["point_recall"] == pytest.approx(0.6667, abs=1e-4)
    assert base["citation_support"] == 0.0 and base["mean_answer_chars"] == len("opaque and smarter")


def test_a_share_written_to_two_decimals_means_what_it_says():
    from interp_qa.evaluation import holds_enough

    assert holds_enough(2 / 3, 0.67)  # "0.67" is two of three points
    assert holds_enough(4 / 6, 0.67)
    assert not holds_enough(1 / 2, 0.67)
    assert not holds_enough(2 / 3, 0.75)
    assert holds_enough(3 / 4, 0.75)


def test_the_broad_sets_load_and_hold_their_points():
    from interp_qa.settings import PROJECT_ROOT

    tune = load_questions(PROJECT_ROOT / "eval" / "broad.jsonl")
    held = load_questions(PROJECT_ROOT / "eval" / "broad-holdout.jsonl")
    assert len(tune) + len(held) >= 40 and {q.id for q in tune}.isdisjoint({q.id for q in held})
    assert all(q.points and 0 < q.min_share <= 1 and q.evidence for q in tune + held)
    # Each broad question asked again in other words: the same points, another wording.
    reworded = load_questions(PROJECT_ROOT / "eval" / "broad-reworded.jsonl")
    by_id = {q.id: q for q in tune}
    assert {q.paraphrase_of for q in reworded} == set(by_id)
    assert all(q.points == by_id[q.paraphrase_of].points and q.question != by_id[q.paraphrase_of].question
               for q in reworded if q.paraphrase_of)


def test_answer_metrics_on_hand_computed_cases():
    from interp_qa.evaluation import EvalQuestion, answer_metrics
    from interp_qa.types import Answer, Passage

    def passage(text: str) -> Passage:
        return Passage(id=f"d#{abs(hash(text))}", text=text, title="D", source="d.md")

    q1 = EvalQuestion(id="1", question="How many?", facts=[["34M", "34 million"]], evidence=["34M features"])
    q2 = EvalQuestion(id="2", question="When?", facts=[["2023"]], evidence=["in 2023"])
    q3 = EvalQuestion(id="3", question="Capital of France?", answerable=False)
    right = Answer(question="", text="34M [1] [2]", citations=[passage("34M features"), passage("unrelated")])
    wrong = Answer(question="", text="2024 [1]", citations=[passage("in 2023")])  # cites well, says wrong
    refused = Answer(question="", text="The corpus does not say.", abstained=True)
    m = answer_metrics([(q1, right, 10.0), (q2, wrong, 20.0), (q3, refused, 30.0)])
    assert m["n"] == 3
    assert m["fact_accuracy"] == 0.5  # q1 right, q2 wrong
    assert m["citation_support"] == 1.0  # both answered questions cite a passage holding the evidence
    assert m["citation_precision"] == 0.75  # (1/2 + 1/1) / 2
    assert m["abstention_accuracy"] == 1.0 and m["false_abstention"] == 0.0
    assert m["mean_answer_chars"] == (len(right.text) + len(wrong.text)) / 2
    assert m["p50_ms"] == 20.0
    m = answer_metrics([(q1, refused, 1.0), (q3, right, 1.0)])
    assert m["false_abstention"] == 1.0 and m["abstention_accuracy"] == 0.0 and m["fact_accuracy"] == 0.0


def test_every_broad_question_can_cite_its_evidence():
    # An evidence quote no passage shows can never be cited, and its question can never pass. Quotes copied from a
    # table of the corpus file ("| Red-Teaming | Specific failure modes |", "| 2024 (Jul) | [MAIA]") match the row
    # passage that holds them, as its cited text shows it.
    from interp_qa.corpus import load_passages
    from interp_qa.evaluation import cited_text
    from interp_qa.settings import DEFAULT_CORPUS, PROJECT_ROOT

    shown = [cited_text(p) for p in load_passages([DEFAULT_CORPUS]).passages]
    for name in ("broad", "broad-reworded", "broad-holdout", "broad-dev"):
        for q in load_questions(PROJECT_ROOT / "eval" / f"{name}.jsonl"):
            assert any(contains_any(t, q.evidence) for t in shown), (name, q.id, q.evidence)
    row = next(t for t in shown if "Approach: Red-Teaming" in t)
    assert contains_any(row, ["| Red-Teaming | Specific failure modes |"])
    assert contains_any(row, ["| Approach | What It Verifies |"])
    assert contains_any(next(t for t in shown if "Milestone: MAIA" in t), ["| 2024 (Jul) | [MAIA](references/x.md)"])
