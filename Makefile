# sslgloss: the two commands of the README, and the few others a developer needs.
#   make serve      set up, then serve the site (http://127.0.0.1:8000) with its live demos (:8501)
#   make test       set up, then run the default test suite (unit, site build, demos, browser)
#   make test-slow  the slow checks too (training to quality, long fuzzing, load)
#   make bench      install .[bench] (the peer plugin), run the benchmarks (prints a table, writes benchmarks/results.json)
#   make train      retrain the default models from scratch (`sslgloss train all --preset release`: next-word, then masked from it)

VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.sslgloss-installed
# Jane Austen's novels for the training corpus: the data files of Debian's r-cran-janeaustenr,
# unpacked into the venv (the package itself would pull in R, which nothing here needs).
AUSTEN  = $(VENV)/share/sslgloss/janeaustenr/data/Rdata.rdb

.PHONY: setup system-deps serve site test test-slow bench train clean

setup: system-deps $(STAMP) $(AUSTEN)

# Debian packages: Chromium for the browser tests, WordNet as the training corpus,
# nginx for the test of two demo replicas behind a reverse proxy.
system-deps:
	@missing=""; \
	for pkg in chromium chromium-driver wordnet-base nginx-light; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

# The full install: the package with every extra (`demos`: torch, Streamlit, sentence-transformers...;
# `test`). torch is pinned first to the CPU build so that no dependency pulls a multi-GB CUDA build.
# A writer who only edits terms needs none of it: `pip install -e .` (see README.md, "A light install").
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[demos,test]'
	touch $(STAMP)

$(AUSTEN): | $(STAMP)
	@set -e; tmp=$$(mktemp -d); chmod a+rwx $$tmp; dest=$(abspath $(VENV))/share/sslgloss; \
	SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	cd $$tmp; apt-get download -q r-cran-janeaustenr >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && apt-get download -q r-cran-janeaustenr; }; \
	dpkg-deb -x r-cran-janeaustenr_*.deb unpacked; \
	rm -rf $$dest/janeaustenr; mkdir -p $$dest; \
	cp -r unpacked/usr/lib/R/site-library/janeaustenr $$dest/; \
	cp unpacked/usr/share/doc/r-cran-janeaustenr/copyright $$dest/janeaustenr/COPYRIGHT; \
	cd /; rm -rf $$tmp; echo "unpacked Jane Austen's novels (r-cran-janeaustenr) into $$dest/janeaustenr"

serve: setup
	$(BIN)/sslgloss serve

site: setup
	$(BIN)/mkdocs build --strict

# SSLGLOSS_TEST_CACHE: the tests' cache folder (tests/conftest.py), kept between runs inside the venv
test: setup
	$(BIN)/ruff check .
	SSLGLOSS_TEST_CACHE=$(abspath $(VENV))/test-cache $(BIN)/python -m pytest

test-slow: setup
	SSLGLOSS_TEST_CACHE=$(abspath $(VENV))/test-cache $(BIN)/python -m pytest -m "slow or not slow"

bench: setup
	$(BIN)/pip install -q -e '.[demos,test,bench]'
	$(BIN)/python -m benchmarks

train: setup
	$(BIN)/sslgloss train all --preset release

clean:
	rm -rf site .pytest_cache tests/artifacts
