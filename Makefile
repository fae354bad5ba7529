# The two commands a new user needs: `make demo` and `make test`. Both install what is missing first.
SWIFT ?= swift
RELEASE_BIN = .build/release/eddy
DEBUG_BIN = .build/debug/eddy
# The commit `eddy --version` names (Package.swift reads it; SwiftPM keeps the manifest's reading of git
# from the first build, and reads the environment every time).
EDDY_GIT_COMMIT ?= $(shell c=$$(git rev-parse HEAD 2>/dev/null) && { git diff --quiet HEAD -- || c="$$c-dirty"; echo "$$c"; })
export EDDY_GIT_COMMIT

.PHONY: demo test test-sanitize lint build release bench bench-parser soak fuzz migrations setup setup-test clean

demo: release
	$(RELEASE_BIN) demo

test: setup-test lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	EDDY_BIN=$(abspath $(DEBUG_BIN)) python3 -m pytest -q tests/e2e

# The Swift tests under ThreadSanitizer, then AddressSanitizer, each built in its own folder. Too slow
# for CI's budget on 2 cores (docs/development.md): run it before merging a change to threads or memory.
SANITIZED_TESTS ?= PrimitivesTests|EngineTests|KafkaTests|StoreTests|LoginsTests
# librdkafka starts its threads with C11 thrd_create, which TSan does not intercept: a small preloaded
# library starts them through pthread_create (scripts/tsan/thrd_create.c).
test-sanitize: setup-test
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	cc -shared -fPIC -O1 -o .build-tsan/thrd_create.so scripts/tsan/thrd_create.c -lpthread
	LD_PRELOAD=$(abspath .build-tsan/thrd_create.so) TSAN_OPTIONS=halt_on_error=1 SWIFT_BACKTRACE=enable=no \
		$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --no-parallel --filter "$(SANITIZED_TESTS)"
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(abspath scripts/asan/lsan.supp) SWIFT_BACKTRACE=enable=no \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --no-parallel --filter "$(SANITIZED_TESTS)"

# The Dockerfile, the Compose file, the Kubernetes manifests, the GitHub workflows and the alert rules
# cannot run here: lint them. kubernetes-validate checks the rendered kustomizations (base and overlays)
# strictly; it has no schema for the CRDs (it warns and skips them), so a missing schema fails the lint
# for any other kind, and the PrometheusRule's groups go through promtool.
K8S_DIRS = deploy/k8s/base deploy/k8s/overlays/staging deploy/k8s/overlays/production
K8S_CRD_KINDS = ServiceMonitor|PrometheusRule|ScaledObject|TriggerAuthentication
lint: setup-test
	hadolint Dockerfile
	yamllint --strict docker-compose.yml deploy/k8s deploy/prometheus .github workloads .yamllint.yaml
	actionlint
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for dir in $(K8S_DIRS); do \
	  echo "kubectl kustomize $$dir | kubernetes-validate --strict"; \
	  kubectl kustomize "$$dir" > "$$tmp/all.yaml"; \
	  rc=0; kubernetes-validate --strict --quiet "$$tmp/all.yaml" > "$$tmp/out" || rc=$$?; \
	  sed "s#$$tmp/all.yaml#$$dir#" "$$tmp/out"; \
	  if [ $$rc -ne 0 ] || grep "Couldn't find schema" "$$tmp/out" | grep -qvE "kind ($(K8S_CRD_KINDS)) "; then \
	    echo "lint: $$dir: a resource is invalid, or has no schema and is no known CRD" >&2; exit 1; \
	  fi; \
	done; \
	echo "promtool check rules (the PrometheusRule's spec)"; \
	kubectl kustomize deploy/k8s/base | python3 -c 'import sys, yaml; \
	  [yaml.safe_dump(d["spec"], sys.stdout) for d in yaml.safe_load_all(sys.stdin) if d and d["kind"] == "PrometheusRule"]' \
	  > "$$tmp/prometheusrule.yml"; \
	promtool check rules "$$tmp/prometheusrule.yml"
	promtool check rules deploy/prometheus/rules.yml
	promtool test rules deploy/prometheus/rules-test.yml

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product eddy

# The peer (Quix Streams) lives in its own virtual environment, so `make test` never installs it.
BENCH_VENV = .build-bench/venv
bench: release setup-test
	test -x $(BENCH_VENV)/bin/python || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
	cc -O2 -o .build-bench/sqlite_alone bench/sqlite_alone.c -lsqlite3 -lpthread
	python3 bench/run.py --eddy $(RELEASE_BIN) --peer-python $(BENCH_VENV)/bin/python --sqlite-alone .build-bench/sqlite_alone \
		$(if $(BASELINE),--baseline-eddy $(BASELINE))

# 30 minutes of events with retention on, three kill -9 and a broker outage; plots and fails on growth or an
# audit difference (bench/soak.py). Not part of `make test`. SOAK_MINUTES=5 for a short run.
soak: release setup-test
	python3 -c "import matplotlib" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check -r bench/soak-requirements.txt
	python3 bench/soak.py --eddy $(RELEASE_BIN) --out .build-soak

# The login parser alone against JSONSerialization and JSONDecoder on the same 1,000,000 generated payloads.
bench-parser: setup
	$(SWIFT) build -c release --product ParserBench
	.build/release/ParserBench

# libFuzzer against the JSON scanner, comparing it with JSONSerialization (docs/development.md). An input
# that finds a disagreement or a bad read lands in .build-fuzz/ as crash-<sha1>. Swift's own crash
# backtracer is off: it can hang in the fuzzer's process, and libFuzzer prints the stack itself.
FUZZ_SECONDS ?= 60
FUZZ_DIR = .build-fuzz
FUZZ_FLAGS = -O -sanitize=fuzzer,address -parse-as-library
fuzz:
	mkdir -p $(FUZZ_DIR)/corpus
	swiftc $(FUZZ_FLAGS) -module-name JSONScanning -emit-module -emit-module-path $(FUZZ_DIR)/JSONScanning.swiftmodule \
		-emit-library -static -o $(FUZZ_DIR)/libJSONScanning.a Sources/JSONScanning/*.swift
	swiftc $(FUZZ_FLAGS) -module-name JSONTestSupport -I $(FUZZ_DIR) -emit-module \
		-emit-module-path $(FUZZ_DIR)/JSONTestSupport.swiftmodule -emit-library -static \
		-o $(FUZZ_DIR)/libJSONTestSupport.a Tests/JSONTestSupport/*.swift
	swiftc $(FUZZ_FLAGS) -I $(FUZZ_DIR) fuzz/JSONScannerFuzz.swift -o $(FUZZ_DIR)/json-scanner-fuzz \
		$(FUZZ_DIR)/libJSONTestSupport.a $(FUZZ_DIR)/libJSONScanning.a
	cd $(FUZZ_DIR) && SWIFT_BACKTRACE=enable=no ./json-scanner-fuzz -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 -timeout=10 -dict=../fuzz/json.dict corpus ../fuzz/seeds

# After adding a migration: migrations/engine/*.sql -> Sources/Store/EngineMigrations.swift,
# migrations/logins/*.sql -> Sources/Logins/LoginsMigrations.swift.
migrations:
	scripts/embed-migrations

setup:
	scripts/setup

setup-test:
	scripts/setup --test

clean:
	rm -rf .build
