# Culvert — see README.md. `make demo` and `make test` are the two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup demo test test-rust test-netns test-kotlin test-swift \
        test-rn test-dist test-drills test-drills-ci fuzz-smoke fuzz bench bindings

help:
	@echo "make demo   two Culvert tunnels in one process: handshake, traffic, report (no setup)"
	@echo "make test   install what is needed, then fmt, clippy and every test"
	@echo "other: setup test-rust test-netns test-kotlin test-swift test-rn test-dist test-drills fuzz bench bindings"

setup:
	@bash scripts/setup.sh

demo:
	@cargo run --quiet --release -p culvert-cli -- demo

test:
	@bash scripts/test-all.sh

test-rust:
	@bash scripts/test-rust.sh

test-netns:
	@bash scripts/test-netns.sh

test-kotlin:
	@bash scripts/test-kotlin.sh

test-swift:
	@bash scripts/test-swift.sh

test-rn:
	@bash scripts/test-rn.sh

test-dist:
	@bash scripts/test-dist.sh

test-drills:
	@bash scripts/test-drills.sh

test-drills-ci:
	@bash scripts/test-drills.sh --ci

fuzz-smoke:
	@bash scripts/fuzz.sh --smoke

fuzz:
	@bash scripts/fuzz.sh

bench:
	@bash scripts/bench.sh

bindings:
	@bash scripts/bindings.sh
