# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test pyc lint bench bench-search bench-scale clean browser redis score-claims

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The project's bytecode, written even where PYTHONDONTWRITEBYTECODE is set (as on these machines): the suite
# starts hundreds of interpreters (crawls, simulators), and each would otherwise compile our modules again,
# 0.26 s of CPU a start. Only changed files are compiled.
pyc: $(STAMP)
	@$(BIN)/python -m compileall -q -j0 archive crawler pipelines simulator xxgk >/dev/null

demo: $(STAMP) pyc
	$(BIN)/xxgk demo $(if $(PORT),--port $(PORT))

test: $(STAMP) pyc browser redis
	$(BIN)/python -m pytest -q -n auto --dist loadscope --no-loadscope-reorder

# The UI tests drive Debian's chromium (never a downloaded browser); CJK fonts make screenshots legible.
browser:
	@{ command -v chromium && dpkg -s fonts-wqy-zenhei; } >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }

# The scale-out tests start Debian's redis-server (never a downloaded one) on a free loopback port.
redis:
	@command -v redis-server >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# The claims extractor on the development corpus of real annual reports (CI clones ../shared beside the repo).
score-claims: $(STAMP)
	@python3 ../shared/fixtures/annual-reports/dev/score.py $(BIN)/xxgk --quiet

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/simulator_rps.py
	$(BIN)/python bench/crawl_catalog.py
	$(BIN)/python bench/parse_real_pages.py

# Builds a 1,000,000-document archive through the store once (about 13 min, 6.7 GB, cached in bench/.cache), then measures.
bench-search: $(STAMP)
	$(BIN)/python bench/search_speed.py --docs 1000000

# A province (300 agencies, 30 hosts, 40,000 documents) in full then nightly, and one against two Redis workers (~10 min).
bench-scale: $(STAMP) redis
	$(BIN)/python bench/scale_province.py --agencies 300 --hosts 30 --docs 40000 --redis-docs 10000

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-output
