"""The Gradio web UI: a chat whose answers carry [n] markers and a panel of cited passages.

Also exposes ``/ask`` and ``/retrieve`` API endpoints (for ``gradio_client`` and scripts).
"""

from __future__ import annotations

import html
import ipaddress
import os
from typing import TYPE_CHECKING

from .settings import set_offline_switches

if TYPE_CHECKING:
    import gradio as gr

    from .assistant import Assistant
    from .settings import Settings
    from .types import Answer

EXAMPLES = [
    "How many features did Anthropic extract from Claude 3 Sonnet?",
    "Why might interpretability be insufficient for safety?",
    "What is an induction head?",
    "What are the key limitations of RLHF?",
    "How many people worked on Anthropic's interpretability team in 2024?",
]


def render_sources(answer: Answer) -> str:
    """Cited passages as Markdown; passage text is escaped so HTML in the corpus stays text."""
    if answer.abstained:
        topics = "\n".join(f"- {html.escape(t)}" for t in answer.closest_topics)
        return f"**Not in the corpus.** Closest topics it covers:\n\n{topics}" if topics else "**Not in the corpus.**"
    out = []
    for n, p in enumerate(answer.citations, 1):
        where = html.escape(f"{p.title} — {p.section}" if p.section else p.title)
        body = html.escape(p.text).replace("\n", "  \n")
        out.append(f"**[{n}] {where}**  \n<small>{html.escape(p.source)} · `{html.escape(p.id)}`</small>\n\n> {body}")
    return "\n\n".join(out) or "_No sources._"


def build_app(assistant: Assistant | None = None) -> gr.Blocks:
    set_offline_switches()
    import gradio as gr

    from .assistant import Assistant

    assistant = assistant or Assistant()
    n_passages = len(assistant.retriever)  # load model and index now, not on the first question

    def respond(message: str, chat: list[dict], asked: list[str]):
        chat = list(chat or [])
        asked = list(asked or [])
        try:
            answer = assistant.ask(message, history=asked or None)
        except ValueError as e:
            chat += [{"role": "user", "content": html.escape(message or "")},
                     {"role": "assistant", "content": f"⚠️ {html.escape(str(e))}"}]
            return chat, "", asked, ""
        chat += [{"role": "user", "content": html.escape(message)},
                 {"role": "assistant", "content": html.escape(answer.text)}]
        return chat, render_sources(answer), asked + [message], ""

    with gr.Blocks(title="interp-qa") as app:
        gr.Markdown(
            "# interp-qa\nAsk about the survey *Is Interpretability Sufficient for Safety?* and the papers "
            "it cites. Every answer cites passages [n] you can read on the right; when the corpus does not "
            f"say, the assistant says so. <small>{n_passages} passages indexed · "
            f"{html.escape(assistant.settings.embed_model)} · answers: {assistant.settings.llm}</small>"
        )
        asked = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Conversation", height=480, sanitize_html=True)
                box = gr.Textbox(label="Your question", lines=1,
                                 placeholder="e.g. How many features did OpenAI extract from GPT-4?",
                                 max_lines=4, autofocus=True)
                with gr.Row():
                    send = gr.Button("Ask", variant="primary")
                    clear = gr.Button("Clear chat")
                gr.Examples(EXAMPLES, inputs=box, label="Example questions")
            with gr.Column(scale=2):
                sources = gr.Markdown("_Cited passages appear here._", label="Sources", sanitize_html=True)
        send.click(respond, [box, chat, asked], [chat, sources, asked, box], api_visibility="private")
        box.submit(respond, [box, chat, asked], [chat, sources, asked, box], api_visibility="private")
        clear.click(lambda: ([], "_Cited passages appear here._", [], ""), None, [chat, sources, asked, box],
                    api_visibility="private")

        def ask(question: str, history: list[str] | None = None) -> dict:
            """Answer ``question`` (earlier questions in ``history``); returns the Answer as a dict."""
            try:
                return assistant.ask(question, history=history or None).model_dump()
            except ValueError as e:
                raise gr.Error(str(e)) from e

        def retrieve(question: str, top_k: int = 5) -> list[dict]:
            """The passages retrieved for ``question``, best first."""
            try:
                return [p.model_dump() for p in assistant.retrieve(question, top_k=int(top_k))]
            except ValueError as e:
                raise gr.Error(str(e)) from e

        gr.api(ask, api_name="ask")
        gr.api(retrieve, api_name="retrieve")
    app.queue(default_concurrency_limit=4)
    return app


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def launch(host: str | None = None, port: int | None = None, *, insecure: bool = False,
           assistant: Assistant | None = None, settings: Settings | None = None, block: bool = True):
    """Start the UI on 127.0.0.1 (or GRADIO_SERVER_NAME); never a public share link."""
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
    app = build_app(assistant)
    print(f"interp-qa UI on http://{host}:{port}", flush=True)
    return app.launch(server_name=host, server_port=port, share=False, auth=auth, prevent_thread_lock=not block,
                      show_error=False, quiet=True)
