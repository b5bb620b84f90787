# Herald: every entry point a developer or CI needs. `make setup` installs what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Test files, compiled: each sits beside what it tests, as *.test.ts.
TEST_GLOBS := $(foreach d,shared controller speaker e2e,'$(d)/dist/**/*.test.js')

.PHONY: help setup build test test-unit demo bench fuzz lint clean lab-clean

help:
	@echo "make demo    set up and run the lab: router, nodes, a Service getting an address and announced over BGP (DEMO_ARGS=\"--mode l2\" for layer 2)"
	@echo "make test    set up and run every test"
	@echo "make bench   benchmarks, each next to its baseline"
	@echo "make lint    type-check and eslint"
	@echo "make clean   remove build output and any lab left behind"

setup:
	@scripts/setup.sh

build: setup

test: setup
	npx mocha $(TEST_GLOBS)

# Only the pure tests: no network namespaces, no routers, no API server.
test-unit: setup
	npx mocha $(TEST_GLOBS) --grep '@lab' --invert

demo: setup
	node e2e/dist/demo/main.js $(DEMO_ARGS)

bench: setup
	@scripts/bench.sh

# The BGP codec against mutated messages: no throw, no slow message. FUZZ_ARGS="--iterations 5000000 --seed 7".
fuzz: build
	node speaker/dist/bgp/codec/fuzz.js $(FUZZ_ARGS)

lint: setup
	npx eslint .

lab-clean:
	node e2e/dist/lab/cli.js clean

clean:
	-node e2e/dist/lab/cli.js clean 2>/dev/null
	rm -rf */dist *.tsbuildinfo */*.tsbuildinfo
