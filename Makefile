# The two commands a new user needs: `make demo` and `make test`. Both install what is missing first.
SWIFT ?= swift
RELEASE_BIN = .build/release/eddy
DEBUG_BIN = .build/debug/eddy

.PHONY: demo test build release unit e2e bench migrations setup clean

demo: release
	$(RELEASE_BIN) demo

test: setup-test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	EDDY_BIN=$(abspath $(DEBUG_BIN)) python3 -m pytest -q tests/e2e

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product eddy

bench: release setup-test
	python3 bench/run.py --eddy $(RELEASE_BIN)

# Regenerate Sources/Store/EmbeddedMigrations.swift after editing migrations/*.sql.
migrations:
	scripts/embed-migrations

setup:
	scripts/setup

setup-test:
	scripts/setup --test

clean:
	rm -rf .build
