# The two README commands (make run, make test) and their helpers.
# Everything lands in $(BUILD); nothing is written into the source tree.
BUILD     ?= build
BUILD_ASAN ?= build-asan
GENERATOR ?= Ninja
CMAKE_ARGS ?=

.PHONY: all deps configure build run test test-asan fuzz install clean

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

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
