"""What the HTTP API adds to an answer: in-process `ask` against `POST /api/ask` on a running server.

    python bench/api_overhead.py [--rounds 3]

Both answer the same eval questions, warm (each question asked once more just before it is timed, so
both find its embedding cached), one at a time (httpx with keep-alive); prints p50/p95 of each.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    import httpx

    from interp_qa import Assistant
    from interp_qa.evaluation import DEFAULT_QUESTIONS, load_questions
    from interp_qa.ui import launch

    assistant = Assistant()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = launch(port=port, assistant=assistant, block=False)
    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS) if not q.history]
    for q in questions:  # warm both paths
        assistant.ask(q)
    inproc, http = [], []
    with httpx.Client(base_url=server.url, timeout=60) as client:
        client.post("/api/ask", json={"question": questions[0]})
        for _ in range(args.rounds):
            for q in questions:
                assistant.ask(q)  # both timed calls then find this question's embedding in the query cache
                t0 = time.perf_counter()
                assistant.ask(q)
                inproc.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                client.post("/api/ask", json={"question": q}).raise_for_status()
                http.append((time.perf_counter() - t0) * 1000)
    server.close()

    def p(xs: list[float], q: float) -> float:
        return round(sorted(xs)[int(q * (len(xs) - 1))], 2)

    report = {"questions": len(inproc), "in_process_p50_ms": round(statistics.median(inproc), 2),
              "in_process_p95_ms": p(inproc, 0.95), "api_ask_p50_ms": round(statistics.median(http), 2),
              "api_ask_p95_ms": p(http, 0.95),
              "added_p50_ms": round(statistics.median(http) - statistics.median(inproc), 2)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
