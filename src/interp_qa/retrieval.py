"""Hybrid retrieval over the passage index: dense (Chroma via llama-index) + BM25, fused.

Dense and BM25 each return a candidate list; reciprocal-rank fusion merges them. The
fusion is done here rather than with llama-index's ``QueryFusionRetriever`` because
the answerer needs each passage's dense cosine similarity (for abstention), which that
retriever's fused output does not keep.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from typing import TYPE_CHECKING, Any, Literal

from .index import IndexMissingError, check_collection, get_collection, load_embed_model, open_client
from .settings import Settings
from .text import phrase_words, tokens
from .types import Passage

if TYPE_CHECKING:
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import BaseNode, NodeWithScore
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from .sections import SectionTree

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of top ranks
class Retriever:
    """Loads the index once and answers ``retrieve`` calls in milliseconds.

    Args:
        settings: where the index lives and which embedding model to use.
    """

    def __init__(self, settings: Settings) -> None:
        from concurrent.futures import ThreadPoolExecutor

        import Stemmer
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core.llms import MockLLM
        from llama_index.core.schema import TextNode
        from llama_index.retrievers.bm25 import BM25Retriever

        self.settings = settings
        # The embedding model takes seconds to import and load; it loads in the background
        # while the index is read, and the first dense search waits for it.
        pool = ThreadPoolExecutor(1, thread_name_prefix="embed-load")
        self._embed_future = pool.submit(load_embed_model, settings)
        pool.shutdown(wait=False)
        # llama-index's defaults reach for OpenAI; nothing here may.
        LlamaSettings.llm = MockLLM()
        self.collection = get_collection(open_client(settings, create=False), settings.collection, create=False)
        check_collection(self.collection)  # a damaged store fails here, with how to rebuild it
        self.passages: dict[str, Passage] = {}
        bm25_nodes: list[BaseNode] = []
        for pid, text, meta in read_all(self.collection):
            p = passage_from_meta(pid, text or "", meta or {})
            self.passages[pid] = p
            bm25_nodes.append(TextNode(id_=pid, text=str((meta or {}).get("embed_text") or p.text)))
        if not self.passages:
            raise IndexMissingError("The index is empty. Build it with `interp-qa ingest`.")
        self.candidates = min(max(20, settings.top_k * 4), len(self.passages))
        self.stemmer = Stemmer.Stemmer("english")
        self.bm25 = BM25Retriever.from_defaults(
            nodes=bm25_nodes, similarity_top_k=self.candidates, stemmer=self.stemmer, language="english"
        )
        # Corpus statistics the answerer uses: which words exist, and how rare they are.
        df: Counter[str] = Counter()
        self.vocab: set[str] = set()
        for node in bm25_nodes:
            words = tokens(node.get_content())
            self.vocab.update(words)
            df.update(set(self.stem_all(words)))
        self.doc_freq = df
        self.numbered = numbered_phrases(n.get_content() for n in bm25_nodes)
        self._query_vectors: dict[str, list[float]] = {}

    @property
    def embed(self) -> HuggingFaceEmbedding:
        """The embedding model (waits for the background load the first time)."""
        return self._embed_future.result()

    @functools.cached_property
    def dense(self) -> BaseRetriever:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        LlamaSettings.embed_model = self.embed
        store = ChromaVectorStore(chroma_collection=self.collection)
        index = VectorStoreIndex.from_vector_store(store, embed_model=self.embed)
        return index.as_retriever(similarity_top_k=self.candidates)

    def __len__(self) -> int:
        return len(self.passages)

    @functools.cached_property
    def tree(self) -> SectionTree:
        """The documents' sections, built from the passages' heading paths."""
        from .sections import SectionTree

        return SectionTree(self.passages)

    def section_similarities(self, query: str, passages: list[Passage]) -> dict:
        """How close the query is to the cards (heading path, sub-headings, lead lines) of the sections
        that hold ``passages``, the retrieved evidence."""
        keys = [s.key for p in passages for s in self.tree.of(p)]
        return self.tree.similarities(self, self.query_embedding(query), keys)

    def query_embedding(self, query: str) -> list[float]:
        """The query's embedding; the last few are kept (retrieval and section search embed the same question)."""
        vec = self._query_vectors.get(query)
        if vec is None:
            vec = self.embed.get_query_embedding(query)
            if len(self._query_vectors) > 64:
                self._query_vectors.clear()
            self._query_vectors[query] = vec
        return vec

    def stem_all(self, words: list[str]) -> list[str]:
        return self.stemmer.stemWords(words)

    def idf(self, stem: str) -> float:
        n = len(self.passages)
        return math.log(1 + (n - self.doc_freq.get(stem, 0) + 0.5) / (self.doc_freq.get(stem, 0) + 0.5))

    def retrieve(self, query: str, top_k: int | None = None, mode: Mode | None = None,
                 keywords: str = "") -> list[Passage]:
        """The ``top_k`` passages best matching ``query``, best first.

        ``keywords`` are added to the BM25 query only (corpus words for the question's own, from
        the synonym list); the dense search embeds the question as asked.
        """
        from llama_index.core.schema import QueryBundle

        top_k = top_k or self.settings.top_k
        mode = mode or self.settings.retrieval_mode.removesuffix("+rerank")  # type: ignore[assignment]
        # Embed the question once: the dense retriever reuses it, and so does the similarity
        # of BM25-only hits (the answerer's abstention needs every passage's similarity).
        query_vector = self.query_embedding(query)
        bundle = QueryBundle(query_str=query, embedding=query_vector)
        dense_hits: list[NodeWithScore] = []
        if mode in ("dense", "hybrid"):
            dense_hits = self.dense.retrieve(bundle)
        bm25_query = QueryBundle(query_str=f"{query} {keywords}") if keywords else bundle
        bm25_hits = self.bm25.retrieve(bm25_query) if mode in ("bm25", "hybrid") else []
        similarity = {h.node.node_id: cosine_from_chroma(h.score) for h in dense_hits}
        if mode == "dense":
            ranked = [(h.node.node_id, similarity[h.node.node_id]) for h in dense_hits]
        elif mode == "bm25":
            ranked = [(h.node.node_id, float(h.score or 0.0)) for h in bm25_hits if (h.score or 0) > 0]
        else:
            ranked = rrf(
                [[h.node.node_id for h in dense_hits], [h.node.node_id for h in bm25_hits if (h.score or 0) > 0]],
                [self.settings.dense_weight, 1.0],
            )
        top = ranked[:top_k]
        missing = [pid for pid, _ in top if pid not in similarity]
        similarity |= self.similarity(query_vector, missing)
        out = []
        for pid, score in top:
            p = self.passages[pid].model_copy()
            p.score = round(float(score), 6)
            p.similarity = similarity.get(pid)
            out.append(p)
        return out

    def similarity(self, query_embedding: list[float], passage_ids: list[str]) -> dict[str, float]:
        """Cosine similarity of a (normalised) query embedding to stored passages."""
        if not passage_ids:
            return {}
        import numpy as np

        got: Any = self.collection.get(ids=passage_ids, include=["embeddings"])
        q = np.asarray(query_embedding)
        return {pid: round(float(np.dot(q, emb)), 6) for pid, emb in zip(got["ids"], got["embeddings"], strict=True)}


def numbered_phrases(texts) -> set[tuple[str, ...]]:
    """Every word followed by one to three number-like words: ("claude", "3"), ("claude", "3", "5").

    The answerer asks "does the corpus name *Claude 2*?" when it knows both words; a set
    answers that in microseconds where a search through the whole text took 0.6 s at 130k passages.
    """
    out: set[tuple[str, ...]] = set()
    for text in texts:
        words = phrase_words(text)
        for i in range(len(words) - 1):
            j = i + 1
            while j < len(words) and j - i <= 3 and words[j][0].isdigit():
                j += 1
                out.add(tuple(words[i:j]))
    return out


def read_all(collection, page: int = 5000):
    """Every (id, text, metadata) of the collection, read a page at a time.

    One ``get()`` of a large collection builds one huge response (over HTTP, one huge JSON
    body); pages keep memory flat and the server responsive.
    """
    offset = 0
    while True:
        data = collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
        yield from zip(data["ids"], data["documents"], data["metadatas"], strict=True)
        if len(data["ids"]) < page:
            return
        offset += page


def rrf(rankings: list[list[str]], weights: list[float]) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion: score(d) = sum_i w_i / (k + rank_i(d))."""
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + w / (RRF_K + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def cosine_from_chroma(score: float | None) -> float:
    """llama-index reports Chroma hits as exp(-distance); with cosine space, distance = 1 - cos."""
    if not score:
        return 0.0
    return round(1.0 + math.log(score), 6)


def passage_from_meta(pid: str, text: str, meta: dict) -> Passage:
    refs = [r for r in str(meta.get("refs", "")).split(",") if r]
    return Passage(
        id=pid,
        text=text,
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        source=str(meta.get("source", "")),
        kind=meta.get("kind") or "paragraph",
        refs=refs,
        url=meta.get("url") or None,
        position=int(meta.get("position") or 0),
    )
