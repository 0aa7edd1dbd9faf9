# The two README commands (make run, make test) and their helpers.
# Everything lands in $(BUILD); nothing is written into the source tree.
BUILD     ?= build
BUILD_ASAN ?= build-asan
GENERATOR ?= Ninja
CMAKE_ARGS ?=

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := expression model_file csv checkpoint schedule optimizer_file
# Sanitizer runs: stop at the first error; the conformance checks' own crashing children must die
# by their signal, so ASan leaves SIGSEGV/SIGBUS to them.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:handle_segv=0:handle_sigbus=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all deps configure build run test test-asan fuzz report format format-check clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G $(GENERATOR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD)

run: build
	$(BUILD)/bin/cgp-run --optimizer adam.so

test: build
	ctest --test-dir $(BUILD) --output-on-failure

# The course report's whole optimizer study (tables and figures) into $(BUILD)/report.
report: build
	examples/report/make-report.sh $(BUILD)/report

# The whole suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -G $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCGP_SANITIZE=address,undefined >/dev/null
	@cmake --build $(BUILD_ASAN)
	$(ASAN_ENV) ctest --test-dir $(BUILD_ASAN) --output-on-failure

# libFuzzer on the parser, the model-file loader, the CSV loader, the checkpoint loader, the
# schedule spelling and the optimizer-file parser,
# FUZZ_SECONDS each; new corpus entries and crash artifacts stay in build-fuzz/.
fuzz:
	@scripts/install-deps.sh fuzz
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -G $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCGP_FUZZ=ON >/dev/null
	@cmake --build build-fuzz
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t build-fuzz/artifacts/$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  build-fuzz/bin/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/artifacts/$$t/ build-fuzz/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# The C and C++ sources that git tracks, in the style of .clang-format: `format` rewrites them,
# `format-check` lists those that differ and fails if any does.
CLANG_FORMAT ?= clang-format
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' '*.cpp' '*.hpp' ':!:tests/abi/frozen/*')

format:
	@scripts/install-deps.sh format
	@$(CLANG_FORMAT) --style=file -i $(FORMAT_FILES)

format-check:
	@scripts/install-deps.sh format
	@differ=0; for f in $(FORMAT_FILES); do \
	  $(CLANG_FORMAT) --style=file "$$f" | cmp -s - "$$f" || { echo "$$f"; differ=$$((differ + 1)); }; \
	done; \
	if [ $$differ -ne 0 ]; then echo "$$differ files differ from .clang-format; run make format" >&2; exit 1; fi

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) build-fuzz
