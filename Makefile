# The two commands a new user needs: `make demo` and `make test`. Both install what is missing first.
SWIFT ?= swift
RELEASE_BIN = .build/release/eddy
DEBUG_BIN = .build/debug/eddy

.PHONY: demo test lint build release bench bench-parser migrations setup setup-test clean

demo: release
	$(RELEASE_BIN) demo

test: setup-test lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	EDDY_BIN=$(abspath $(DEBUG_BIN)) python3 -m pytest -q tests/e2e

# The Dockerfile, the Compose file and the Kubernetes manifests cannot run here: lint them.
lint: setup-test
	hadolint Dockerfile
	yamllint --strict docker-compose.yml deploy/k8s .yamllint.yaml
	kubernetes-validate --quiet deploy/k8s/*.yaml

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product eddy

# The peer (Quix Streams) lives in its own virtual environment, so `make test` never installs it.
BENCH_VENV = .build-bench/venv
bench: release setup-test
	test -x $(BENCH_VENV)/bin/python || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
	python3 bench/run.py --eddy $(RELEASE_BIN) --peer-python $(BENCH_VENV)/bin/python

# The login parser alone against JSONSerialization and JSONDecoder on the same 1,000,000 generated payloads.
bench-parser: setup
	$(SWIFT) build -c release --product ParserBench
	.build/release/ParserBench

# Regenerate Sources/Store/EmbeddedMigrations.swift after editing migrations/*.sql.
migrations:
	scripts/embed-migrations

setup:
	scripts/setup

setup-test:
	scripts/setup --test

clean:
	rm -rf .build
