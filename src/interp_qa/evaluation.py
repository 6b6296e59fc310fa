"""`interp-qa eval`: score retrieval configurations and answers against known facts.

Question-set format (JSONL, one :class:`EvalQuestion` per line, version 1)::

    {"id": "q001", "question": "...", "answer": "reference answer",
     "facts": [["34 million", "34M"]],        # every group must appear (any spelling)
     "evidence": ["34 million features"],     # a correct passage contains any of these
     "category": "number", "history": [], "answerable": true}

A retrieved passage is *relevant* when it contains one of the evidence quotes (case and
white space ignored), so any retriever, including the naive baseline, is judged alike.

Broad questions (``eval/broad.jsonl``) ask for a section's worth of content ("What are the key
cruxes?", "How does A compare with B?"). Instead of ``facts`` they list the key ``points`` a reader
expects, each a group of acceptable spellings, and ``min_share``, the share of points an answer
must hold to pass::

    {"id": "b01", "question": "What are the main points of disagreement in this debate?",
     "category": "broad", "kind": "cruxes",
     "points": [["more intelligent than our own", "smarter than"], ["opaque"], ...],
     "min_share": 0.75,
     "evidence": ["Key Cruxes > Key Questions"]}   # matched against a cited passage's section path + text

A broad answer passes when it does not abstain, holds at least ``min_share`` of the points (written to
two decimals: 0.67 is two of three points) and
cites a passage holding an evidence quote. The same figures are reported for reading the naive
baseline's top-1 and top-3 raw chunks (llama-index's default pipeline), with the characters read.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, ValidationError, model_validator

from .text import MODES, row_cells

if TYPE_CHECKING:
    from .assistant import Assistant
    from .types import Answer

FORMAT_VERSION = 1
DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "questions.jsonl"
# The same facts asked in other words: a check that what is tuned on questions.jsonl carries over to
# wordings it was not written for. Written before the session-4 re-ranker changes, then used to vet each
# of them (a change was kept only if neither set got worse), so it is a check, not a blind test.
PARAPHRASES = DEFAULT_QUESTIONS.with_name("paraphrases.jsonl")
CONFIGS = [*reversed(MODES), "naive"]  # each part alone, the whole, and a newcomer's pipeline


class EvalQuestion(BaseModel):
    """One evaluation question with what a correct answer must contain."""

    id: str
    question: str = Field(min_length=1)
    answer: str = ""
    facts: list[list[str]] = Field(default_factory=list, description="Groups of acceptable spellings.")
    evidence: list[str] = Field(default_factory=list, description="Quotes a correct passage contains.")
    category: str = "other"
    history: list[str] = Field(default_factory=list)
    answerable: bool = True
    paraphrase_of: str | None = Field(None, description="Id of the question this one rewords, if any.")
    points: list[list[str]] = Field(default_factory=list, description="Broad questions: key points, each a "
                                    "group of acceptable spellings.")
    min_share: float = Field(0.6, ge=0, le=1, description="Broad questions: share of points an answer must hold.")
    kind: str = Field("", description="Broad questions: overview | conditions | cruxes | arguments | comparison | "
                      "timeline | list.")

    @model_validator(mode="after")
    def _answerable_has_evidence(self) -> EvalQuestion:
        if self.answerable and not self.evidence:
            raise ValueError("an answerable question needs at least one evidence quote")
        if any(not group for group in self.facts) or any(not group for group in self.points):
            raise ValueError("each fact and point needs at least one spelling")
        return self


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read and validate a JSONL question set; errors name the line."""
    if not path.exists():
        raise FileNotFoundError(f"No question set at {path}")
    out, ids = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            q = EvalQuestion.model_validate_json(line)
        except ValidationError as e:
            raise ValueError(f"{path}:{n}: invalid question: {e.errors()[0]['msg']} "
                             f"(field {'.'.join(map(str, e.errors()[0]['loc'])) or '-'})") from e
        if q.id in ids:
            raise ValueError(f"{path}:{n}: duplicate id {q.id!r}")
        ids.add(q.id)
        out.append(q)
    if not out:
        raise ValueError(f"{path}: no questions")
    return out


# ----- metrics -----------------------------------------------------------------------
def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("≈", "")).casefold().strip()


def contains_any(text: str, quotes: list[str]) -> bool:
    t = norm(text)
    # a quote copied from a corpus file reads its links as the passages do: "[MAIA](references/...)" is "MAIA"
    return any(norm(MD_LINK_RE.sub(r"\1", q)) in t for q in quotes)


MD_LINK_RE = re.compile(r"\[([^\]]+)\](?:\([^)]*\))?")


def relevance(texts: list[str], evidence: list[str]) -> list[bool]:
    return [contains_any(t, evidence) for t in texts]


def hit_at(rel: list[bool], k: int) -> float:
    """1.0 if a relevant passage is among the first ``k`` (llama-index's HitRate)."""
    from llama_index.core.evaluation.retrieval.metrics import HitRate

    ids = [str(i) for i in range(len(rel))][:k]
    expected = [str(i) for i, r in enumerate(rel[:k]) if r] or ["none"]
    if not ids:
        return 0.0
    return HitRate().compute(expected_ids=expected, retrieved_ids=ids).score


def mrr(rel: list[bool]) -> float:
    """Reciprocal rank of the first relevant passage (llama-index's MRR)."""
    from llama_index.core.evaluation.retrieval.metrics import MRR

    ids = [str(i) for i in range(len(rel))]
    expected = [str(i) for i, r in enumerate(rel) if r] or ["none"]
    if not ids:
        return 0.0
    return MRR().compute(expected_ids=expected, retrieved_ids=ids).score


def ndcg_at(rel: list[bool], k: int = 5) -> float:
    """Binary nDCG@k; the ideal ranking puts min(k, #relevant retrieved) hits first.

    Written out because llama-index's NDCG normalises by *all* expected ids, which here
    (any passage with the evidence is relevant) would punish a question with many.
    """
    gains = [1.0 / math.log2(i + 2) for i, r in enumerate(rel[:k]) if r]
    n_rel = min(k, sum(rel)) or 0
    ideal = sum(1.0 / math.log2(i + 2) for i in range(n_rel))
    return sum(gains) / ideal if ideal else 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def fact_ok(answer_text: str, facts: list[list[str]]) -> bool:
    return all(contains_any(answer_text, group) for group in facts)


def citation_supports(text: str, q: EvalQuestion) -> bool:
    return contains_any(text, q.evidence) or any(contains_any(text, g) for g in q.facts)


def point_recall(text: str, points: list[list[str]]) -> float:
    """Share of the key points (groups of spellings) that ``text`` holds."""
    return sum(contains_any(text, group) for group in points) / len(points) if points else 1.0


def cited_text(p) -> str:
    """What a citation shows a reader: its section path and its text. A table row is also shown as the corpus
    writes it ("| Red-Teaming | Specific failure modes | ... |", its header "| Approach | What It Verifies | ... |"),
    so that an evidence quote copied from the table matches the row that holds it."""
    text = f"{p.section}\n{p.text}"
    if p.kind == "table_row":
        cells = row_cells(p.text)
        text += "".join(f"\n| {' | '.join(c[i] for c in cells)} |" for i in (1, 0))
    return text


def holds_enough(recall: float, min_share: float) -> bool:
    """Whether a key-point recall reaches ``min_share``, a share written to two decimals: 0.67 asks for
    two of three points (0.6667), not all three."""
    return recall >= min_share - 0.005


def broad_metrics(answers: list[tuple[EvalQuestion, Answer, float]]) -> dict:
    """Pass rate, key-point recall, citation support and length for broad questions."""
    rows = []
    for q, a, _ in answers:
        recall = 0.0 if a.abstained else point_recall(a.text, q.points)
        cited = not a.abstained and any(contains_any(cited_text(c), q.evidence) for c in a.citations)
        rows.append((holds_enough(recall, q.min_share) and cited, recall, cited, len(a.text)))
    return _broad_summary(rows)


def _broad_summary(rows: list[tuple[bool, float, bool, int]]) -> dict:
    mean = lambda xs: round(statistics.mean(xs), 4) if xs else None  # noqa: E731
    return {"n": len(rows), "pass_rate": mean([float(r[0]) for r in rows]),
            "point_recall": mean([r[1] for r in rows]), "citation_support": mean([float(r[2]) for r in rows]),
            "mean_answer_chars": mean([r[3] for r in rows])}


def broad_baseline(chunks_by_question: list[tuple[EvalQuestion, list[str]]], k: int) -> dict:
    """The same figures for a reader of the first ``k`` raw chunks (no answer, just reading)."""
    rows = []
    for q, chunks in chunks_by_question:
        text = "\n".join(chunks[:k])
        recall = point_recall(text, q.points)
        cited = contains_any(text, q.evidence)
        # A reader of raw chunks reads the source itself: it passes on the points alone.
        rows.append((holds_enough(recall, q.min_share), recall, cited, len(text)))
    return _broad_summary(rows)


# ----- the naive baseline ------------------------------------------------------------
class NaiveBaseline:
    """A newcomer's first llama-index pipeline: raw page, fixed-size chunks, dense only."""

    def __init__(self, embed_model, raw_path: Path, chunk_size: int = 256, chunk_overlap: int = 20,
                 top_k: int = 5) -> None:
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        doc = Document(text=raw_path.read_text(encoding="utf-8"))
        index = VectorStoreIndex.from_documents(
            [doc], embed_model=embed_model,
            transformations=[SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)],
        )
        self.retriever = index.as_retriever(similarity_top_k=top_k)

    def retrieve(self, query: str) -> list[str]:
        return [n.node.get_content() for n in self.retriever.retrieve(query)]


def default_pipeline_chunks(embed_model, raw_path: Path, questions: list[EvalQuestion]) -> list[list[str]]:
    """llama-index's default pipeline on the raw page (SentenceSplitter's defaults, 1,024-token chunks with
    200 overlapping, dense): the top three chunks per question, what a reader of its sources would read."""
    naive = NaiveBaseline(embed_model, raw_path, chunk_size=1024, chunk_overlap=200, top_k=3)
    return [naive.retrieve(q.question) for q in questions]


# ----- running -----------------------------------------------------------------------
def evaluate(
    assistant: Assistant,
    questions: list[EvalQuestion],
    configs: list[str] | None = None,
    progress: bool = False,
) -> dict:
    """Run every configuration and the answerer; return the results document."""
    from tqdm import tqdm

    from .settings import PROJECT_ROOT

    configs = configs or CONFIGS
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        raise ValueError(f"unknown config(s) {unknown}; choose from {CONFIGS}")
    answerable = [q for q in questions if q.answerable]
    searches = {q.id: assistant.read_question(q.question, q.history).search_text for q in questions}
    results: dict = {"format_version": FORMAT_VERSION, "questions": len(questions), "retrieval": {},
                     "created": datetime.now().isoformat(timespec="seconds"),
                     "answer_backend": assistant.settings.llm}
    per_question: dict[str, dict] = {q.id: {"question": q.question, "category": q.category} for q in questions}
    bar = tqdm(total=len(configs) * len(answerable) + len(questions), desc="Evaluating", disable=not progress)

    for config in configs:
        if config == "naive":
            naive = NaiveBaseline(assistant.retriever.embed, PROJECT_ROOT / "corpus" / "raw" / "survey-page.txt")
            run = naive.retrieve
        else:
            def run(query: str, config: str = config) -> list[str]:
                return [p.text for p in assistant.retrieve(query, top_k=5, mode=config)]
        rows, lat, lengths = [], [], []
        for q in answerable:
            t0 = time.perf_counter()
            texts = run(searches[q.id])
            lat.append((time.perf_counter() - t0) * 1000)
            lengths += [len(t) for t in texts]
            rel = relevance(texts, q.evidence)
            rows.append((hit_at(rel, 1), hit_at(rel, 3), hit_at(rel, 5), mrr(rel), ndcg_at(rel, 5)))
            per_question[q.id].setdefault("retrieval", {})[config] = rel.index(True) + 1 if any(rel) else None
            bar.update(1)
        cols = list(zip(*rows, strict=True))
        results["retrieval"][config] = {
            "hit@1": round(statistics.mean(cols[0]), 4), "hit@3": round(statistics.mean(cols[1]), 4),
            "hit@5": round(statistics.mean(cols[2]), 4), "mrr": round(statistics.mean(cols[3]), 4),
            "ndcg@5": round(statistics.mean(cols[4]), 4),
            "mean_passage_chars": round(statistics.mean(lengths), 1) if lengths else 0,
            "p50_ms": round(percentile(lat, 50), 2), "p95_ms": round(percentile(lat, 95), 2),
        }

    answers: list[tuple[EvalQuestion, Answer, float]] = []
    for q in questions:
        t0 = time.perf_counter()
        a = assistant.ask(q.question, history=q.history or None)
        answers.append((q, a, (time.perf_counter() - t0) * 1000))
        bar.update(1)
    bar.close()
    broad = [x for x in answers if x[0].points]
    answers = [x for x in answers if not x[0].points]
    if broad:
        bq = [q for q, _, _ in broad]
        chunks = default_pipeline_chunks(assistant.retriever.embed, PROJECT_ROOT / "corpus" / "raw" /
                                         "survey-page.txt", bq)
        results["broad"] = broad_metrics(broad)
        results["broad"]["p50_ms"] = round(percentile([ms for _, _, ms in broad], 50), 2)
        results["broad_by_kind"] = {k: broad_metrics([x for x in broad if x[0].kind == k])
                                    for k in sorted({q.kind for q in bq})}
        results["broad_baseline"] = {f"top{k}": broad_baseline(list(zip(bq, chunks, strict=True)), k)
                                     for k in (1, 3)}
    if answers:
        results["answers"] = answer_metrics(answers)
        results["answers_by_category"] = {
            cat: answer_metrics([x for x in answers if x[0].category == cat])
            for cat in sorted({q.category for q, _, _ in answers})
        }
    llm = assistant.settings.llm
    results["llm_judged"] = {
        "faithfulness": None, "correctness": None,
        "why_absent": f"No LLM is configured (INTERP_QA_LLM={llm}); LLM-judged faithfulness and correctness "
                      "need one." if llm == "extractive" else "LLM judging is not wired yet.",
    }
    failures = []
    for q, a, _ in answers + broad:
        if q.points:
            recall = 0.0 if a.abstained else point_recall(a.text, q.points)
            ok = (holds_enough(recall, q.min_share)
                  and any(contains_any(cited_text(c), q.evidence) for c in a.citations))
        else:
            ok = (a.abstained if not q.answerable else (not a.abstained and fact_ok(a.text, q.facts)
                  and any(citation_supports(c.text, q) for c in a.citations)))
        per_question[q.id].update(answer=a.text, abstained=a.abstained, correct=ok)
        if not ok:
            failures.append({
                "id": q.id, "category": q.category, "question": q.question, "history": q.history,
                "expected": q.answer or ("" if q.points else "(abstain)"), "facts": q.facts or q.points,
                "got": a.text,
                "cited": [f"{c.id}: {c.text[:160]}" for c in a.citations],
            })
    results["failures"] = failures
    results["per_question"] = per_question
    return results


def answer_metrics(answers: list[tuple[EvalQuestion, Answer, float]]) -> dict:
    ans = [(q, a) for q, a, _ in answers if q.answerable]
    unans = [(q, a) for q, a, _ in answers if not q.answerable]
    answered = [(q, a) for q, a in ans if not a.abstained]
    lat = [ms for _, _, ms in answers]
    precisions = []
    for q, a in answered:
        if a.citations:
            precisions.append(sum(citation_supports(c.text, q) for c in a.citations) / len(a.citations))
    mean = lambda xs: round(statistics.mean(xs), 4) if xs else None  # noqa: E731
    return {
        "n": len(answers),
        "fact_accuracy": mean([float(not a.abstained and fact_ok(a.text, q.facts)) for q, a in ans]),
        "citation_support": mean([float(any(citation_supports(c.text, q) for c in a.citations))
                                  for q, a in answered]),
        "citation_precision": mean(precisions),
        "abstention_accuracy": mean([float(a.abstained) for _, a in unans]),
        "false_abstention": mean([float(a.abstained) for _, a in ans]),
        "mean_answer_chars": mean([len(a.text) for q, a in answered]),
        # With a model configured: how many answers it wrote (the rest fell back to extractive).
        "model_written": mean([float(a.backend != "extractive") for q, a in answered]),
        "fallbacks": sum(1 for _, a, _ in answers if a.fallback_from),
        "p50_ms": round(percentile(lat, 50), 2),
        "p95_ms": round(percentile(lat, 95), 2),
    }


# ----- reporting ---------------------------------------------------------------------
def format_table(results: dict) -> str:
    head = (f"{'config':<15}{'hit@1':>7}{'hit@3':>7}{'hit@5':>7}{'MRR':>7}{'nDCG@5':>8}{'chars':>7}"
            f"{'p50 ms':>8}{'p95 ms':>8}")
    lines = ["Retrieval (answerable questions)", head, "-" * len(head)]
    for c, m in results["retrieval"].items():
        lines.append(f"{c:<15}{m['hit@1']:>7.3f}{m['hit@3']:>7.3f}{m['hit@5']:>7.3f}{m['mrr']:>7.3f}"
                     f"{m['ndcg@5']:>8.3f}{m['mean_passage_chars']:>7.0f}{m['p50_ms']:>8.1f}{m['p95_ms']:>8.1f}")
    if "broad" in results:
        head = f"{'broad questions':<19}{'n':>4}{'pass':>7}{'points':>8}{'cite':>7}{'chars':>8}"
        lines += ["", "Broad questions (key points held, citation holds the evidence)", head, "-" * len(head)]
        rows = [("assistant", results["broad"])] + [(f"  {k}", m) for k, m in results["broad_by_kind"].items()]
        rows += [(f"naive {k} chunks", m) for k, m in results["broad_baseline"].items()]
        for name, m in rows:
            lines.append(f"{name:<19}{m['n']:>4}{m['pass_rate']:>7.3f}{m['point_recall']:>8.3f}"
                         f"{m['citation_support']:>7.3f}{m['mean_answer_chars']:>8.0f}")
    a = results.get("answers")
    if not a:
        return "\n".join(lines)
    lines += ["", "Answers", _answer_head(), _answer_row("all", a)]
    for cat, m in results["answers_by_category"].items():
        lines.append(_answer_row(cat, m))
    if a.get("fallbacks") or (a.get("model_written") or 0) > 0:
        lines += ["", f"Model-written answers: {a['model_written']:.1%} of answered questions; "
                      f"{a['fallbacks']} fell back to the extractive answer."]
    lj = results["llm_judged"]
    if lj.get("faithfulness") is None:
        lines += ["", f"LLM-judged faithfulness/correctness: absent — {lj['why_absent']}"]
    return "\n".join(lines)


def _answer_head() -> str:
    return (f"{'category':<19}{'n':>4}{'facts':>7}{'cite':>7}{'prec':>7}{'abst':>7}{'false':>7}{'chars':>7}"
            f"{'p50 ms':>9}{'p95 ms':>9}")


def _fmt(x: float | None, w: int = 7) -> str:
    return f"{'-':>{w}}" if x is None else f"{x:>{w}.3f}"


def _answer_row(name: str, m: dict) -> str:
    chars = m["mean_answer_chars"]
    return (f"{name:<19}{m['n']:>4}{_fmt(m['fact_accuracy'])}{_fmt(m['citation_support'])}"
            f"{_fmt(m['citation_precision'])}{_fmt(m['abstention_accuracy'])}{_fmt(m['false_abstention'])}"
            f"{(f'{chars:>7.0f}' if chars is not None else '      -')}{m['p50_ms']:>9.1f}{m['p95_ms']:>9.1f}")


def write_outputs(results: dict, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "latest.json", "report": out_dir / "report.md", "chart": out_dir / "retrieval.png"}
    paths["json"].write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    md = ["# interp-qa evaluation", "", "```", format_table(results), "```", "",
          f"![retrieval configurations]({paths['chart'].name})", "", f"## Failures ({len(results['failures'])})", ""]
    for f in results["failures"]:
        md += [f"### {f['id']} ({f['category']}): {f['question']}", ""]
        if f["history"]:
            md.append(f"- history: {' / '.join(f['history'])}")
        md += [f"- expected: {f['expected']}", f"- got: {f['got']}"]
        md += [f"- cited: {c}" for c in f["cited"]] + [""]
    paths["report"].write_text("\n".join(md), encoding="utf-8")
    _chart(results, paths["chart"])
    return paths


def _chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = list(results["retrieval"])
    metrics = ["hit@1", "hit@5", "mrr", "ndcg@5"]
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(metrics)
    for k, m in enumerate(metrics):
        ax.bar([i + k * width for i in range(len(configs))], [results["retrieval"][c][m] for c in configs],
               width, label=m)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(configs))], configs)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title("Retrieval configurations (higher is better)")
    ax.legend(loc="lower right", ncols=4, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
