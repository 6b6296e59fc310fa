"""The Gradio web UI: streamed chat answers whose [n] markers open the cited passage.

Tabs: Ask (chat, sources panel, settings), Corpus (browse documents, sections, passages),
Evaluation (the latest ``interp-qa eval`` report). Also exposes ``/ask`` and ``/retrieve``
API endpoints for ``gradio_client`` and scripts.

Everything that comes from a question or the corpus is HTML-escaped before it is shown.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import json
import logging
import os
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .settings import PROJECT_ROOT, set_offline_switches
from .text import ABSTAIN_PHRASE

log = logging.getLogger("interp_qa.ui")

if TYPE_CHECKING:
    import gradio as gr

    from .assistant import Assistant
    from .settings import Settings
    from .types import Answer, Passage

EXAMPLES = [
    "How many features did Anthropic extract from Claude 3 Sonnet?",
    "Why might interpretability be insufficient for safety?",
    "What is an induction head?",
    "What are the key limitations of RLHF?",
    "How many people worked on Anthropic's interpretability team in 2024?",
]
EVAL_DIR = PROJECT_ROOT / "eval" / "results"
EMPTY_SOURCES = '<p class="muted">Click a citation marker like [1] in an answer to open its passage here.</p>'

CSS = """
.cite { font-weight: 600; text-decoration: none; border-radius: 4px; padding: 0 2px; cursor: pointer;
        color: var(--link-text-color); }
.cite:hover, .cite:focus-visible { text-decoration: underline; outline: 2px solid var(--color-accent); }
.src { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.src.active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent); }
.src:focus { outline: none; }
.src mark { background: #fde68a; color: #1f2937; border-radius: 3px; padding: 0 2px; }
.src .where { font-weight: 600; }
.src .meta, .muted { font-size: 0.85em; opacity: 0.8; }
.src .body { white-space: pre-wrap; margin-top: 6px; }
.group > summary { cursor: pointer; font-weight: 600; margin: 6px 0; }
#status { font-size: 0.85em; }
"""

# One delegated listener: a click (or Enter) on [n] opens the passage in the sources panel.
HEAD = """<script>
(() => {
  function openSource(id) {
    const el = document.getElementById(id);
    if (!el) return false;
    document.querySelectorAll('.src.active').forEach(e => e.classList.remove('active'));
    const group = el.closest('details');
    if (group) group.open = true;
    el.classList.add('active');
    el.scrollIntoView({block: 'nearest'});
    el.focus({preventScroll: true});
    return true;
  }
  // The answer and its sources panel are two outputs of one update, and the browser may draw the answer
  // first: a click on [n] in between waits for its passage (up to 5 s) instead of doing nothing.
  function openWhenShown(id, tries) {
    if (!openSource(id) && tries > 0) setTimeout(() => openWhenShown(id, tries - 1), 100);
  }
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest ? ev.target.closest('a[href^="#src-"]') : null;
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    openWhenShown(a.getAttribute('href').slice(1), 50);
  }, true);
  window.interpQaOpenSource = openSource;
})();
</script>"""


# ----- rendering ------------------------------------------------------------------------------
MARK_RE = re.compile(r"\[(\d+)\]")


def render_answer(answer: Answer, turn: int) -> str:
    """The answer as chat HTML: escaped text, each [n] a link to passage n of this turn."""
    text = html.escape(answer.text)

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(answer.citations):
            return m.group(0)
        title = html.escape(answer.citations[n - 1].title, quote=True)
        return f'<a class="cite" href="#src-{turn}-{n}" title="Open source {n}: {title}">[{n}]</a>'

    body = MARK_RE.sub(link, text)
    if answer.abstained:  # say it plainly, first
        lead = f"{ABSTAIN_PHRASE}."
        body = f"<strong>{lead}</strong> " + body.removeprefix(lead).lstrip()
    notes = "".join(f"<br><small>ⓘ {html.escape(n)}</small>" for n in answer.notes)
    return list_html(body) + notes


def list_html(body: str) -> str:
    """Markdown list lines of an (escaped) answer as HTML lists: "- item" and nested "  - item"."""
    if "\n" not in body:
        return body
    out: list[str] = []
    depth = 0
    for line in body.split("\n"):
        m = re.match(r"^( *)- (.*)$", line)
        if not m:
            out.append("</ul>" * depth + (f"<p>{line}</p>" if line.strip() else ""))
            depth = 0
            continue
        level = 1 + len(m.group(1)) // 2
        if level > depth:
            out.append("<ul>" * (level - depth))
        elif level < depth:
            out.append("</ul>" * (depth - level))
        depth = level
        out.append(f"<li>{m.group(2)}</li>")
    out.append("</ul>" * depth)
    return "".join(out)


def highlight(text: str, claims: list[str]) -> str:
    """The passage as HTML with the sentences or lines that state ``claims`` marked."""
    from .grounding import content_words

    pieces = re.split(r"((?<=[.!?])\s+|\n)", text)
    marked: set[int] = set()
    for claim in claims:
        # A table-row answer leads with the cell that answers ("Features Identified: 16 million
        # features (Organization: ...)"): mark that line, not the one sharing most words.
        # "OpenAI — Features Identified: ...": the row's subject comes first, then the answering cell.
        cell = claim.split(" — ", 1)[-1]
        lead = next((i for i, piece in enumerate(pieces) if ": " in piece and cell.startswith(piece.strip())), None)
        if lead is not None:
            marked.add(lead)
            continue
        words = content_words(claim)
        if not words:
            continue
        best, best_score = None, 0.0
        for i, piece in enumerate(pieces):
            score = len(words & content_words(piece)) / len(words)
            if score > best_score:
                best, best_score = i, score
        if best is not None and best_score >= 0.3:
            marked.add(best)
    return "".join(f"<mark>{html.escape(p)}</mark>" if i in marked else html.escape(p)
                   for i, p in enumerate(pieces))


def claims_for(answer: Answer) -> dict[int, list[str]]:
    """For each citation number, the answer text that cites it."""
    out: dict[int, list[str]] = {}
    pos = 0
    for m in MARK_RE.finditer(answer.text):
        out.setdefault(int(m.group(1)), []).append(answer.text[pos:m.start()])
        if not answer.text[m.end():m.end() + 1].startswith("["):
            pos = m.end()
    return out


def safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"^https?://", url) else None


def render_passage(p: Passage, anchor: str, label: str, claims: list[str], meta: Passage | None = None) -> str:
    where = html.escape(f"{p.title} — {p.section}" if p.section else p.title)
    url = safe_url(p.url or (meta.url if meta else None))
    link = f' · <a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">link ↗</a>' if url else ""
    ref = ""
    if meta is not None and meta.id != p.id:
        ref = f'<div class="meta">{html.escape(meta.text).replace(chr(10), " · ")}</div>'
    body = highlight(p.text, claims) if claims else html.escape(p.text)
    return (f'<div class="src" id="{anchor}" tabindex="-1" role="region" aria-label="Source {html.escape(label)}">'
            f'<div class="where">{html.escape(label)} {where}</div>'
            f'<div class="meta">{html.escape(p.source)} · <code>{html.escape(p.id)}</code>{link}</div>{ref}'
            f'<div class="body">{body}</div></div>')


def render_sources(answer: Answer, turn: int = 1, meta: FrontMatter | dict[str, Passage] | None = None) -> str:
    """The cited passages of one answer, each with its supporting sentence marked."""
    meta = meta or {}
    if answer.abstained:
        return f'<p class="muted">{ABSTAIN_PHRASE}; see the closest topics below the chat.</p>'
    claims = claims_for(answer)
    blocks = [render_passage(p, f"src-{turn}-{n}", f"[{n}]", claims.get(n, []), meta.get(p.source))
              for n, p in enumerate(answer.citations, 1)]
    return "".join(blocks) or '<p class="muted">No sources.</p>'


class FrontMatter:
    """Each reference file's front-matter passage (authors, year, ...), shown under its cited passages.

    Read from the index when a document is first shown (``.get(source)``), never all at start.
    """

    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever

    def get(self, source: str) -> Passage | None:
        return self.retriever.front_matter(source)


def render_group(answer: Answer, turn: int, meta: FrontMatter | dict[str, Passage]) -> str:
    return (f'<details class="group" open><summary>Sources for “{html.escape(answer.question)}”</summary>'
            f"{render_sources(answer, turn, meta)}</details>")


def as_markdown(answer: Answer) -> str:
    """The answer with a numbered reference list, for pasting elsewhere."""
    refs = []
    for n, p in enumerate(answer.citations, 1):
        where = f"{p.title} — {p.section}" if p.section else p.title
        refs.append(f"[{n}] {where} ({p.source}, `{p.id}`)" + (f" <{p.url}>" if safe_url(p.url) else ""))
    return answer.text + ("\n\n" + "\n".join(refs) if refs else "")


def suggestion(topic: str) -> str:
    return f"What does the corpus say about {topic.split(' — ')[-1].split(' > ')[-1]}?"


# ----- the app --------------------------------------------------------------------------------
def build_app(assistant: Assistant | None = None) -> gr.Blocks:
    set_offline_switches()
    import gradio as gr

    from .assistant import MODES, Assistant
    from .models import describe
    from .types import Answer

    assistant = assistant or Assistant()
    retriever = assistant.retriever  # load the model and index now, not on the first question
    meta = FrontMatter(retriever)
    docs = sorted(((source, title) for source, title, _ in retriever.documents()),
                  key=lambda kv: (kv[0] != "survey.md", kv[1]))
    backends = ["extractive"] + ([assistant.settings.llm] if assistant.settings.llm != "extractive" else [])
    status = (f"{len(retriever)} passages from {len(docs)} documents · embeddings: "
              f"{Path(assistant.settings.embed_model).name} · answers: {describe(assistant.settings)} · "
              f"retrieval: {assistant.settings.retrieval_mode}")

    def respond(message: str, chat: list[dict], asked: list[str], groups: list[str], backend: str,
                top_k: float, mode: str):
        chat, asked, groups = list(chat or []), list(asked or []), list(groups or [])
        nothing = gr.Dataset(samples=[], visible=False)
        try:
            question = assistant.check_question(message)
        except ValueError as e:
            chat += [{"role": "user", "content": html.escape(str(message or ""))},
                     {"role": "assistant", "content": f"⚠️ {html.escape(str(e))}"}]
            yield chat, gr.skip(), asked, groups, gr.skip(), nothing, ""
            return
        # The reader's message as typed (markup shown as text); the question asked is it as read.
        chat += [{"role": "user", "content": html.escape(str(message).strip())},
                 {"role": "assistant", "content": "…"}]
        yield chat, gr.skip(), asked, groups, gr.skip(), nothing, ""
        text, answer = "", None
        try:
            for piece in assistant.ask_stream(question, history=asked or None, top_k=int(top_k), mode=mode,
                                              backend=backend):
                if isinstance(piece, Answer):
                    answer = piece
                else:
                    text += piece
                    chat[-1] = {"role": "assistant", "content": list_html(html.escape(text))}
                    yield chat, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        except Exception as e:  # noqa: BLE001 - the reader sees a message, never a stack trace
            log.exception("answering %r failed", question)
            chat[-1] = {"role": "assistant", "content": f"⚠️ Something went wrong: {html.escape(type(e).__name__)}. "
                        "Try again, or rephrase the question."}
            yield chat, gr.skip(), asked, groups, gr.skip(), nothing, ""
            return
        assert answer is not None
        turn = len(asked) + 1
        chat[-1] = {"role": "assistant", "content": render_answer(answer, turn)}
        groups = [g.replace("<details class=\"group\" open>", "<details class=\"group\">") for g in groups]
        groups.insert(0, render_group(answer, turn, meta))
        topics = gr.Dataset(samples=[[suggestion(t)] for t in answer.closest_topics],
                            visible=bool(answer.abstained and answer.closest_topics))
        yield chat, "".join(groups), asked + [question], groups, as_markdown(answer), topics, ""

    with gr.Blocks(title="interp-qa") as app:
        gr.Markdown("# interp-qa\nCited answers about the survey *Is Interpretability Sufficient for Safety?* "
                    "and the papers it cites. When the corpus does not say, the assistant says so.")
        gr.Markdown(status, elem_id="status")
        asked, groups = gr.State([]), gr.State([])
        with gr.Tab("Ask"), gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chat = gr.Chatbot(label="Conversation", height=460, sanitize_html=True, elem_id="chat",
                                  examples=[{"text": q} for q in EXAMPLES],
                                  placeholder="Ask a question, or pick an example.", buttons=["copy"])
                box = gr.Textbox(label="Your question", lines=1, max_lines=4, autofocus=True, elem_id="question",
                                 placeholder="e.g. How many features did OpenAI extract from GPT-4?")
                with gr.Row():
                    send = gr.Button("Ask", variant="primary", elem_id="ask")
                    clear = gr.Button("Clear chat", elem_id="clear")
                hidden = gr.Textbox(visible=False)
                topics = gr.Dataset(components=[hidden], samples=[], visible=False, elem_id="topics",
                                    label=f"{ABSTAIN_PHRASE}. Closest topics it covers:")
                with gr.Accordion("Copy answer with citations (Markdown)", open=False):
                    copy = gr.Textbox(label="Answer with references", lines=6, buttons=["copy"],
                                      interactive=False, elem_id="copy")
                with gr.Accordion("Settings", open=False):
                    backend = gr.Radio(backends, value=backends[-1], label="Answer back end",
                                       info="extractive needs no model")
                    top_k = gr.Slider(1, 10, value=assistant.settings.top_k, step=1, label="Passages to retrieve")
                    mode = gr.Dropdown(list(MODES), value=assistant.settings.retrieval_mode,
                                       label="Retrieval mode")
            with gr.Column(scale=2, min_width=300):
                gr.Markdown("### Sources")
                sources = gr.HTML(EMPTY_SOURCES, elem_id="sources")
        inputs = [box, chat, asked, groups, backend, top_k, mode]
        outputs = [chat, sources, asked, groups, copy, topics, box]
        send.click(respond, inputs, outputs, api_visibility="private")
        box.submit(respond, inputs, outputs, api_visibility="private")
        def pick_example(evt: gr.SelectData) -> str:
            return evt.value["text"]

        pick_example.__annotations__["evt"] = gr.SelectData  # a real class, not the postponed string

        chat.example_select(pick_example, None, box, api_visibility="private").then(
            respond, inputs, outputs, api_visibility="private")
        topics.click(lambda sample: sample[0] if isinstance(sample, list) else sample, topics, box,
                     api_visibility="private").then(respond, inputs, outputs, api_visibility="private")
        clear.click(lambda: ([], EMPTY_SOURCES, [], [], "", gr.Dataset(samples=[], visible=False), ""), None,
                    outputs, api_visibility="private")

        with gr.Tab("Corpus"):
            corpus_tab(gr, retriever, meta, docs)
        with gr.Tab("Evaluation"):
            report, chart = gr.Markdown(elem_id="eval-report"), gr.Image(label="Retrieval quality", visible=False)
            reload = gr.Button("Reload results")
            reload.click(eval_view, None, [report, chart], api_visibility="private")
            app.load(eval_view, None, [report, chart], api_visibility="private")

        def ask(question: str, history: list[str] | None = None) -> dict:
            """Answer ``question`` (earlier questions in ``history``); returns the Answer as a dict."""
            with api_errors(gr):
                return assistant.ask(question, history=history or None).model_dump()

        def retrieve(question: str, top_k: int = 5) -> list[dict]:
            """The passages retrieved for ``question``, best first."""
            with api_errors(gr):
                return [p.model_dump() for p in assistant.retrieve(question, top_k=int(top_k))]

        gr.api(ask, api_name="ask")
        gr.api(retrieve, api_name="retrieve")
    # Extractive answers are CPU-bound (~25 ms) and hold the GIL, so more workers than cores
    # add no throughput; a few let one slow model answer not block every reader. Measured with
    # bench/load.py (50 conversations): see README "Load".
    app.queue(default_concurrency_limit=assistant.settings.ui_concurrency, max_size=assistant.settings.ui_queue_size)
    return app


@contextlib.contextmanager
def api_errors(gr: Any):
    """API callers get a message, never a trace: bad input says what is wrong, the rest is logged."""
    try:
        yield
    except ValueError as e:
        raise gr.Error(str(e)) from e
    except Exception as e:
        log.exception("API call failed")
        raise gr.Error(f"Something went wrong ({type(e).__name__}); try again.") from e


def corpus_tab(gr: Any, retriever: Any, meta: FrontMatter, docs: list[tuple[str, str]]) -> None:
    """Browse the index a document at a time (each read from Chroma when picked), or open a passage by id."""
    import functools

    doc_choices = [(title, source) for source, title in docs]
    document = functools.lru_cache(maxsize=32)(retriever.document)

    def sections(source: str) -> list[str]:
        return list(dict.fromkeys(p.section or "(top)" for p in document(source))) if source else []

    def show(source: str, section: str | None) -> str:
        items = [p for p in (document(source) if source else []) if section in (None, p.section or "(top)")]
        return "".join(render_passage(p, f"corpus-{i}", f"{i}.", [], meta.get(p.source))
                       for i, p in enumerate(items, 1)) or '<p class="muted">Nothing here.</p>'

    def pick_doc(source: str):
        secs = sections(source)
        return gr.Dropdown(choices=secs, value=secs[0] if secs else None), show(source, secs[0] if secs else None)

    def open_id(pid: str) -> str:
        pid = (pid or "").strip()
        p = retriever.passages([pid]).get(pid) if pid else None
        if p is None:
            return f'<p class="muted">No passage with id {html.escape(pid or "")!s}.</p>'
        return render_passage(p, "corpus-open", "", [], meta.get(p.source))

    refs = [f"- **{html.escape(title)}** ({html.escape(source)})" for source, title in docs if source != "survey.md"]
    first = docs[0][0] if docs else None
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=260):
            doc = gr.Dropdown(doc_choices, value=first, label="Document", elem_id="corpus-doc")
            first_section: str | None = (sections(first) or [""])[0] or None if first else None
            section = gr.Dropdown(sections(first) if first else [], value=first_section, label="Section",
                                  elem_id="corpus-section")
            pid = gr.Textbox(label="Open a passage by id", placeholder="corpus/survey#...", elem_id="corpus-id")
            gr.Markdown("### References\n" + "\n".join(refs))
        with gr.Column(scale=2, min_width=300):
            view = gr.HTML(show(first, first_section) if first else "", elem_id="corpus-view")
    doc.change(pick_doc, doc, [section, view], api_visibility="private")
    section.change(show, [doc, section], view, api_visibility="private")
    pid.submit(open_id, pid, view, api_visibility="private")


def eval_view() -> tuple[str, Any]:
    import gradio as gr

    latest, report, chart = EVAL_DIR / "latest.json", EVAL_DIR / "report.md", EVAL_DIR / "retrieval.png"
    if not latest.exists() or not report.exists():
        return ("No evaluation results yet. Run `interp-qa eval` (or `make eval`) and press Reload.",
                gr.Image(visible=False))
    when = json.loads(latest.read_text()).get("created", "")
    text = report.read_text().replace("![retrieval configurations](retrieval.png)", "")
    head = f"_Results from {when}_\n\n" if when else ""
    return head + text, gr.Image(value=str(chart), visible=chart.exists())


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _preload(assistant: Assistant) -> None:
    with contextlib.suppress(Exception):  # build_app repeats the load and reports the error
        assistant.retriever  # noqa: B018


class Server:
    """The running UI and API (``close()`` stops them; ``url`` is where they listen)."""

    def __init__(self, server, thread: threading.Thread | None, url: str) -> None:
        self.server, self.thread, self.url = server, thread, url

    def close(self) -> None:
        # Open UI event streams need not finish; their cancellation at shutdown is not an error to log.
        logger = logging.getLogger("uvicorn.error")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        self.server.should_exit = True
        self.server.force_exit = True
        if self.thread is not None:
            self.thread.join(timeout=30)
        logger.setLevel(level)


def launch(host: str | None = None, port: int | None = None, *, insecure: bool = False,
           assistant: Assistant | None = None, settings: Settings | None = None, block: bool = True) -> Server:
    """Start the UI and the HTTP API on 127.0.0.1 (or GRADIO_SERVER_NAME); never a public share link.

    One server and port: the API's routes (``/v1``, ``/api``, ``/healthz``, ``/docs``) and the Gradio UI
    mounted at ``/``. ``block=False`` returns the running server at once (``close()`` stops it).
    """
    import gradio as gr
    import uvicorn

    from .api import BodyLimit, build_api

    host = host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = port or int(os.environ.get("GRADIO_SERVER_PORT") or 7860)
    auth_env = os.environ.get("INTERP_QA_AUTH", "")
    auth = tuple(auth_env.split(":", 1)) if ":" in auth_env else None
    if not _is_loopback(host) and not auth and not insecure:
        raise ValueError(f"Refusing to serve on {host} without a password: set INTERP_QA_AUTH=user:password "
                         "(or pass --insecure if the network is trusted).")
    if assistant is None:
        from .assistant import Assistant

        assistant = Assistant(settings)
    # Read the index (and start loading the embedding model) while gradio imports; the
    # UI needs the passages to draw, and build_app waits for them.
    threading.Thread(target=_preload, args=(assistant,), name="index-load", daemon=True).start()
    blocks = build_app(assistant)
    token = os.environ.get("INTERP_QA_API_TOKEN") or None
    api = build_api(assistant, auth=auth, token=token)  # type: ignore[arg-type]
    app = gr.mount_gradio_app(api, blocks, path="/", auth=auth, show_error=False, css=CSS, head=HEAD,
                              ssr_mode=False, server_name=host, server_port=port)
    config = uvicorn.Config(BodyLimit(app), host=host, port=port, log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    url = f"http://{host}:{port}"
    print(f"interp-qa UI on {url} (API: {url}/v1, {url}/api, docs {url}/docs)", flush=True)
    if block:
        server.run()
        return Server(server, None, url)
    thread = threading.Thread(target=server.run, name="interp-qa-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive():
            raise OSError(f"The server could not start on {host}:{port} (is the port in use?).")
        if time.monotonic() > deadline:
            raise TimeoutError(f"The server did not start on {host}:{port} within 60 s.")
        time.sleep(0.05)
    return Server(server, thread, url)
