"""The web UI in a real browser: Debian's Chromium driven by Playwright, against a real Gradio server.

Screenshots of each state are saved under test-artifacts/ui/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interp_qa.ui import launch

from .conftest import REPO, free_port, says

CHROMIUM = "/usr/bin/chromium"
# Flags for this machine's closed network: no background connections, no sandbox as root.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "test-artifacts" / "ui"


@pytest.fixture(scope="module")
def url(assistant):
    port = free_port()
    app = launch(port=port, assistant=assistant, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(url)
    pg.wait_for_selector("#question textarea", timeout=60_000)
    yield pg
    context.close()


# Answers so far: citation links plus plainly stated abstentions.
ANSWERS_JS = ("document.querySelectorAll('#chat a.cite').length + [...document.querySelectorAll('#chat strong')]"
              ".filter(s => s.textContent.includes('The corpus does not say')).length")


def ask(pg, question: str) -> None:
    before = pg.evaluate(ANSWERS_JS)
    pg.fill("#question textarea", question)
    pg.press("#question textarea", "Enter")  # keyboard only
    pg.wait_for_function(f"n => ({ANSWERS_JS}) > n", arg=before, timeout=60_000)


def test_a_streamed_cited_answer(page):
    # Every text the answer bubble shows on its way, recorded as it changes.
    page.evaluate("""() => {
        window.__texts = [];
        new MutationObserver(() => {
            const bots = document.querySelectorAll('#chat .bot-row .message-content');
            if (bots.length) window.__texts.push(bots[bots.length - 1].innerText.trim());
        }).observe(document.querySelector('#chat'), {subtree: true, childList: true, characterData: true});
    }""")
    ask(page, "How many features did Anthropic extract from Claude 3 Sonnet?")
    page.screenshot(path=SHOTS / "1-answer.png")
    final = page.locator("#chat .bot-row .message-content").last.inner_text().strip()
    assert says(final, 34)
    partial = {t for t in page.evaluate("window.__texts") if t and t != "…" and t != final}
    # It grew piece by piece: at least three different partial texts, each the start of the final answer.
    assert len(partial) >= 3, partial
    for t in partial:
        assert final.startswith(t) and len(t) < len(final), (t, final)


def test_a_section_answer_is_a_list_with_a_citation_per_item(page):
    ask(page, "What are the key cruxes in this debate?")
    items = page.locator("#chat li")
    items.first.wait_for(timeout=10_000)
    assert items.count() == 4
    for k in range(4):
        assert items.nth(k).locator("a.cite").count() == 1  # each crux cites its own passage
    assert "more intelligent than our own" in items.first.inner_text()
    page.screenshot(path=SHOTS / "2-section-list.png")


def test_clicking_a_citation_opens_the_passage_with_its_sentence_marked(page):
    ask(page, "What is an induction head?")
    page.locator("#chat a.cite").first.click()
    active = page.locator("#sources .src.active")
    active.wait_for(timeout=10_000)
    assert active.locator("mark").count() >= 1
    assert "two-attention-head circuit" in active.locator("mark").first.inner_text()
    assert "induction" in active.inner_text().lower()
    page.screenshot(path=SHOTS / "2-citation-opened.png")


def test_an_unanswerable_question_abstains_and_offers_topics(page):
    ask(page, "What is the boiling point of water on Mars?")
    assert "The corpus does not say" in page.inner_text("#chat")
    topics = page.locator("#topics button")
    topics.first.wait_for(timeout=10_000)
    assert topics.count() >= 1
    page.screenshot(path=SHOTS / "3-abstained.png")
    asked = page.locator("#chat").inner_text().count("What does the corpus say about")
    topics.first.click()  # a suggestion asks it
    page.wait_for_function(
        "n => document.querySelector('#chat').innerText.split('What does the corpus say about').length - 1 > n",
        arg=asked, timeout=60_000)


def test_html_in_a_question_is_shown_as_text(page):
    ask(page, '<img src=x onerror="window.__xss=1"><b>bold</b> What is an induction head?')
    assert page.evaluate("window.__xss") is None
    text = page.inner_text("#chat")
    assert "<img src=x" in text and "<b>bold</b>" in text
    assert page.locator("#chat img[src='x']").count() == 0
    page.screenshot(path=SHOTS / "4-html-as-text.png")


def test_corpus_and_evaluation_tabs(page, tmp_path, monkeypatch):
    import json

    from interp_qa import ui
    from interp_qa.evaluation import format_table, write_outputs

    page.get_by_role("tab", name="Corpus").click()
    page.locator("#corpus-view .src").first.wait_for(timeout=10_000)
    assert page.locator("#corpus-view .src").count() >= 1
    page.screenshot(path=SHOTS / "5-corpus.png")
    # A results fixture: the tab draws the report's table from it, after Reload.
    results = {"created": "2026-11-26T00:00:00", "retrieval": {"hybrid+rerank": {
        "hit@1": 0.883, "hit@3": 0.961, "hit@5": 0.971, "mrr": 0.921, "ndcg@5": 0.929, "mean_passage_chars": 254,
        "p50_ms": 18.8, "p95_ms": 27.6}}, "failures": [],
        "llm_judged": {"faithfulness": None, "why_absent": "no model"}}
    assert "hybrid+rerank    0.883" in format_table(results)
    write_outputs(results, tmp_path)
    json.loads((tmp_path / "latest.json").read_text())
    monkeypatch.setattr(ui, "EVAL_DIR", tmp_path)
    page.get_by_role("tab", name="Evaluation").click()
    page.get_by_role("button", name="Reload results").click()
    page.wait_for_function("document.querySelector('#eval-report').innerText.includes('2026-11-26T00:00:00')",
                           timeout=10_000)  # the fixture's report, not one a local `make eval` left
    report = page.inner_text("#eval-report")
    assert "Results from 2026-11-26T00:00:00" in report and "0.883" in report and "0.921" in report
    page.screenshot(path=SHOTS / "6-evaluation.png")


def test_corpus_tab_browses_documents_sections_and_opens_an_id(page, assistant):
    import json

    r = assistant.retriever
    source, title = next((s, t) for s, t, _ in r.documents() if s.startswith("references/"))
    passages = r.document(source)
    sections = list(dict.fromkeys(p.section or "(top)" for p in passages))
    assert len(sections) >= 2
    page.get_by_role("tab", name="Corpus").click()
    page.locator("#corpus-view .src").first.wait_for(timeout=10_000)

    def view_has(pid: str) -> None:
        page.wait_for_function(f"document.querySelector('#corpus-view').innerText.includes({json.dumps(pid)})",
                               timeout=10_000)

    page.locator("#corpus-doc input").click()
    page.get_by_role("option", name=title, exact=True).click()
    first = [p for p in passages if (p.section or "(top)") == sections[0]]
    view_has(first[0].id)  # the document's first section
    assert page.locator("#corpus-view .src").count() == len(first)
    page.locator("#corpus-section input").click()
    page.get_by_role("option", name=sections[1], exact=True).click()
    second = [p for p in passages if (p.section or "(top)") == sections[1]]
    view_has(second[0].id)
    assert first[0].id not in page.inner_text("#corpus-view")
    assert page.locator("#corpus-view .src").count() == len(second)
    # Open by id: a survey passage, from another document than the one shown.
    target = assistant.retrieve("induction heads", top_k=1)[0]
    page.fill("#corpus-id textarea", target.id)
    page.press("#corpus-id textarea", "Enter")
    view_has(target.id)
    assert page.locator("#corpus-view .src").count() == 1
    page.fill("#corpus-id textarea", "corpus/nowhere#nothing")
    page.press("#corpus-id textarea", "Enter")
    page.wait_for_function("document.querySelector('#corpus-view').innerText.includes('No passage with id')",
                           timeout=10_000)


def test_phone_width_and_dark_theme(browser, url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    pg = context.new_page()
    pg.goto(url + "?__theme=dark")
    pg.wait_for_selector("#question textarea", timeout=60_000)
    ask(pg, "How many features did OpenAI extract from GPT-4?")
    pg.locator("#chat a.cite").first.click()
    pg.locator("#sources .src.active").wait_for(timeout=10_000)
    # Nothing is wider than the screen, and the answer can be read.
    assert pg.evaluate("document.documentElement.scrollWidth") <= 400
    assert says(pg.inner_text("#chat"), 16)
    pg.screenshot(path=SHOTS / "7-phone-dark.png", full_page=True)
    context.close()


def test_bad_questions_get_a_plain_message_never_a_trace(page):
    warnings = "document.querySelector('#chat').innerText.split('⚠️').length - 1"
    page.fill("#question textarea", "why? " * 20_000)  # 100 KB
    page.press("#question textarea", "Enter")
    page.wait_for_function(f"() => ({warnings}) >= 1", timeout=60_000)
    assert "100000 characters long; the limit is 2000" in page.inner_text("#chat")
    # Control characters and look-alike letters (a Cyrillic А, a Greek Ο) still get the answer.
    ask(page, "\x07\x1b[0m How many features did Оpen\u0410I extract from GPT-4?")
    assert says(page.inner_text("#chat"), 16)
    body = page.inner_text("body")
    assert "Traceback" not in body and "Error" not in body.replace("Error analysis", "")
    page.screenshot(path=SHOTS / "8-bad-questions.png")


def test_html_in_a_corpus_passage_is_shown_as_text(browser, tmp_path_factory):
    from interp_qa import Assistant, Settings

    corpus = tmp_path_factory.mktemp("evil-corpus")
    (corpus / "evil.md").write_text(
        "# Evil notes\n\n## Payloads\n\n"
        'The zebra metric <img src=x onerror="window.pwned=1"> is <script>window.pwned=2</script> 42 stripes.\n'
    )
    data = tmp_path_factory.mktemp("evil-data")
    evil = Assistant(Settings(data_dir=data, corpus_paths=[corpus], collection="evil_docs"), auto_ingest=False)
    evil.ingest()
    port = free_port()
    app = launch(port=port, assistant=evil, block=False)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    try:
        pg.goto(f"http://127.0.0.1:{port}/")
        pg.wait_for_selector("#question textarea", timeout=60_000)
        ask(pg, "How many stripes does the zebra metric have?")
        pg.locator("#chat a.cite").first.click()
        source = pg.locator("#sources .src.active")
        source.wait_for(timeout=10_000)
        assert pg.evaluate("window.pwned") is None
        assert '<img src=x onerror="window.pwned=1">' in source.inner_text()
        assert "<script>window.pwned=2</script>" in source.inner_text()
        assert pg.locator("#sources img, #chat img[src='x']").count() == 0
        pg.get_by_role("tab", name="Corpus").click()
        pg.locator("#corpus-view .src").first.wait_for(timeout=10_000)
        assert pg.evaluate("window.pwned") is None and "<script>" in pg.inner_text("#corpus-view")
        pg.screenshot(path=SHOTS / "9-html-in-corpus.png")
    finally:
        context.close()
        app.close()


def test_examples_settings_clear_and_opening_a_passage_by_id(page, assistant):
    # An example is asked with one click.
    page.get_by_text("What is an induction head?", exact=True).first.click()
    page.wait_for_selector("#chat a.cite", timeout=60_000)
    assert "induction heads" in page.inner_text("#chat")
    # Clear empties the conversation and the sources.
    page.locator("#clear").click()
    page.wait_for_function("document.querySelectorAll('#chat .bot-row').length === 0", timeout=10_000)
    assert page.locator("#sources .src").count() == 0
    # The retrieval mode setting changes the answer.
    question = "What are the weaknesses of RLHF?"  # the hybrid digest, or the approaches' rows by BM25 alone
    default, bm25 = assistant.ask(question), assistant.ask(question, mode="bm25")
    assert default.text != bm25.text
    page.get_by_role("button", name="Settings ▼").click()
    mode = page.get_by_label("Retrieval mode")
    mode.click()
    page.get_by_role("option", name="bm25", exact=True).click()
    ask(page, question)
    shown = page.locator("#chat .bot-row .message-content").last.inner_text()
    def first_item(text: str) -> str:  # the first listed line, as the chat shows it (no "- ", no marker)
        return next(ln for ln in text.splitlines() if ln.startswith("- ")).split(" [", 1)[0].lstrip("- ")

    assert first_item(bm25.text) in shown and first_item(default.text) not in shown, (shown, default.text)
    # The Corpus tab opens a passage by its id.
    page.get_by_role("tab", name="Corpus").click()
    pid = "corpus/survey#key-cruxes-key-questions-can-we-interpret-cognition-more-int-1"
    page.get_by_label("Open a passage by id").fill(pid)
    page.get_by_label("Open a passage by id").press("Enter")
    page.wait_for_function(f"document.querySelector('#corpus-view').innerText.includes({pid!r})", timeout=10_000)
    assert "Like a dog can't understand calculus" in page.inner_text("#corpus-view")
    page.screenshot(path=SHOTS / "7-passage-by-id.png")
