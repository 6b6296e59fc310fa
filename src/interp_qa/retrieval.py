"""Hybrid retrieval over the passage index: dense (Chroma via llama-index) + BM25, fused.

Dense and BM25 each return a candidate list; reciprocal-rank fusion merges them. The
fusion is done here rather than with llama-index's ``QueryFusionRetriever`` because
the answerer needs each passage's dense cosine similarity (for abstention), which that
retriever's fused output does not keep.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, Literal

from .generation import passage_from_meta, passages_from_get
from .index import IndexMissingError, check_collection, get_collection, load_embed_model, open_client
from .settings import Settings
from .types import Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from .question import Question
    from .sections import SectionTree

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of top ranks
class Retriever:
    """Opens the live index for serving and answers ``retrieve`` calls in milliseconds.

    Nothing per passage is held in memory: BM25 and the corpus statistics are the files saved
    with the generation (memory-mapped and looked up per word, see :mod:`generation`), and
    passages are read from Chroma by id for each question's candidates.

    Args:
        settings: where the index lives and which embedding model to use.
    """

    def __init__(self, settings: Settings) -> None:
        from concurrent.futures import ThreadPoolExecutor

        import Stemmer
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core.llms import MockLLM

        from .generation import open_files

        self.settings = settings
        # llama-index's defaults reach for OpenAI; nothing here may.
        LlamaSettings.llm = MockLLM()
        self.collection = get_collection(open_client(settings, create=False), settings.collection, create=False)
        if not check_collection(self.collection):  # a damaged store fails here, with how to rebuild it
            raise IndexMissingError("The index is empty. Build it with `interp-qa ingest`.")
        # The question embedder loads in the background while BM25 and the statistics are opened.
        pool = ThreadPoolExecutor(1, thread_name_prefix="embed-load")
        self._embed_future = pool.submit(load_embed_model, settings)
        pool.shutdown(wait=False)
        self.files = open_files(settings, self.collection, self._embed_future.result, max(20, settings.top_k * 4))
        self.size = self.files.size
        self.candidates = min(max(20, settings.top_k * 4), self.size)
        self.bm25 = self.files.bm25
        self.vocab = self.files.vocab
        self.doc_freq = self.files.doc_freq
        self.numbered = self.files.numbered
        self.heads = self.files.heads
        self.long_forms = self.files.long_forms
        self.misspells = self.files.misspells
        self.stemmer = Stemmer.Stemmer("english")
        self._query_vectors: dict[str, list[float]] = {}
        self._front_matter: dict[str, Passage | None] = {}
        self._main_document: str | None = None

    @property
    def embed(self) -> BaseEmbedding:
        """The embedding model (waits for the background load the first time)."""
        return self._embed_future.result()

    @functools.cached_property
    def dense(self) -> ChromaVectorStore:
        """llama-index's Chroma vector store over the live collection, queried with the question's vector.

        Queried directly rather than through a ``VectorStoreIndex``: the index would build a default
        sentence splitter (and load a tokenizer, 0.2 s) that a query never uses."""
        from llama_index.core import Settings as LlamaSettings
        from llama_index.vector_stores.chroma import ChromaVectorStore

        LlamaSettings.embed_model = self.embed
        return ChromaVectorStore(chroma_collection=self.collection)

    def dense_search(self, query_vector: list[float]) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) of the nearest passages, nearest first."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        result = self.dense.query(VectorStoreQuery(query_embedding=query_vector, similarity_top_k=self.candidates))
        return [(pid, cosine_from_chroma(score))
                for pid, score in zip(result.ids or [], result.similarities or [], strict=True)]

    def __len__(self) -> int:
        return self.size

    @functools.cached_property
    def tree(self) -> SectionTree:
        """The documents' sections, read from the index a document at a time as questions reach them."""
        from .sections import SectionTree, document_loader

        return SectionTree(document_loader(self.collection), self.files.centroid, self.files.card_vectors)

    def passages(self, ids: list[str]) -> dict[str, Passage]:
        """Stored passages by id, in one batched read (unknown ids are left out)."""
        if not ids:
            return {}
        got: Any = self.collection.get(ids=list(dict.fromkeys(ids)), include=["documents", "metadatas"])
        return {p.id: p for p in passages_from_get(got)}

    def document(self, source: str) -> list[Passage]:
        """One document's passages in reading order."""
        from .sections import document_loader

        return sorted(document_loader(self.collection)([source]), key=lambda p: p.position)

    def front_matter(self, source: str) -> Passage | None:
        """A reference file's front-matter passage (authors, year, ...), read once and kept."""
        if source not in self._front_matter:
            got: Any = self.collection.get(where={"$and": [{"source": source}, {"kind": "metadata"}]}, limit=1,
                                           include=["documents", "metadatas"])
            self._front_matter[source] = next(iter(passages_from_get(got)), None)
        return self._front_matter[source]

    def documents(self) -> list[tuple[str, str, int]]:
        """(source, title, passages) of every document in the index."""
        return self.files.documents()

    def main_subject(self) -> str | None:
        """What the corpus is about: the word of the main document's title that most passages hold
        ("Is Interpretability Sufficient for Safety?": "interpretability")."""
        from .text import STOPWORDS, tokens

        main = self.main_document()
        title = next((t for source, t, _ in self.documents() if source == main), "")
        words = [w for w in tokens(title) if w not in STOPWORDS]
        return max(words, key=lambda w: self.doc_freq.get(self.stem_all([w])[0], 0), default=None)

    def main_document(self) -> str | None:
        """The document "the survey" means: the one with the most passages (read once)."""
        if self._main_document is None:
            self._main_document = max(self.documents(), key=lambda d: d[2], default=("",))[0]
        return self._main_document or None

    def section_similarities(self, query: str, passages: list[Passage], shaped: Question | None = None) -> dict:
        """How close the query is to the cards (heading path, sub-headings, lead lines) of the sections
        that hold ``passages``, the retrieved evidence, and of every section of their documents that has the
        shape the question ``shaped`` asks for (both sides, a list of conditions: :meth:`Section.fits`)."""
        self.tree.load(*(p.source for p in passages if p.section))  # their documents, in one read
        keys = [s.key for p in passages for s in self.tree.of(p)]
        if shaped is not None and shaped.asks_shape:
            sources = {p.source for p in passages}
            keys += [k for k, sec in self.tree.sections.items() if k[0] in sources and sec.fits(shaped)]
        return self.tree.similarities(self.embed, self.query_embedding(query), keys)

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
        n = self.size
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
        dense_hits = self.dense_search(query_vector) if mode in ("dense", "hybrid") else []
        bm25_hits = self.bm25.retrieve(QueryBundle(query_str=f"{query} {keywords}" if keywords else query)) \
            if mode in ("bm25", "hybrid") else []
        similarity = dict(dense_hits)
        if mode == "dense":
            ranked = dense_hits
        elif mode == "bm25":
            ranked = [(h.node.node_id, float(h.score or 0.0)) for h in bm25_hits if (h.score or 0) > 0]
        else:
            ranked = rrf(
                [[pid for pid, _ in dense_hits], [h.node.node_id for h in bm25_hits if (h.score or 0) > 0]],
                [self.settings.dense_weight, 1.0],
            )
        top = ranked[:top_k]
        # One read for the candidates: their text, metadata and vectors (the similarity of BM25-only hits, and
        # how generic each candidate is: its similarity to the average section card).
        import numpy as np

        got: Any = self.collection.get(ids=[pid for pid, _ in top], include=["documents", "metadatas", "embeddings"])
        stored = {pid: i for i, pid in enumerate(got["ids"])}
        q = np.asarray(query_vector)
        centroid = np.asarray(self.files.centroid) if self.files.centroid else None
        out = []
        for pid, score in top:
            i = stored.get(pid)
            if i is None:  # gone since BM25 was saved: cannot happen within one generation
                continue
            p = passage_from_meta(pid, got["documents"][i] or "", got["metadatas"][i] or {})
            p.score = round(float(score), 6)
            p.similarity = similarity[pid] if pid in similarity else round(float(np.dot(q, got["embeddings"][i])), 6)
            if centroid is not None:
                p.generic = round(float(np.dot(centroid, got["embeddings"][i])), 6)
            out.append(p)
        return out


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
