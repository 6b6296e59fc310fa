"""BM25 as llama-index scores it, with the top passages chosen among those that match."""

from __future__ import annotations

from llama_index.core.schema import QueryBundle
from llama_index.retrievers.bm25 import BM25Retriever

from interp_qa.bm25 import MatchingBM25Retriever
from interp_qa.evaluation import DEFAULT_QUESTIONS, load_questions


def test_the_same_passages_and_scores_as_llama_index_s_retriever(assistant):
    folder = str(assistant.retriever.files.path / "bm25")
    theirs = BM25Retriever.from_persist_dir(folder, mmap=True, show_progress=False)
    ours = MatchingBM25Retriever.from_persist_dir(folder, mmap=True, show_progress=False)
    theirs.similarity_top_k = ours.similarity_top_k = 20
    for q in load_questions(DEFAULT_QUESTIONS):
        a = [(n.node.node_id, n.score) for n in theirs.retrieve(QueryBundle(q.question)) if (n.score or 0) > 0]
        b = [(n.node.node_id, n.score) for n in ours.retrieve(QueryBundle(q.question))]
        assert [s for _, s in b] == [s for _, s in a], q.question  # the same scores, best first
        tied_last = min((s for _, s in a), default=0.0)  # passages tied at the cut may differ
        assert {i for i, s in a if s > tied_last} == {i for i, s in b if s > tied_last}, q.question
        assert b == sorted(b, key=lambda x: -(x[1] or 0.0))


def test_a_query_without_known_words_finds_nothing(assistant):
    ours = MatchingBM25Retriever.from_persist_dir(str(assistant.retriever.files.path / "bm25"), mmap=True,
                                                  show_progress=False)
    assert ours.retrieve(QueryBundle("zzqx qqzv")) == []
    assert ours.retrieve(QueryBundle("the of and")) == []  # stopwords only

