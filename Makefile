# kanshiki — build, test, fuzz, bench.
#   make          release build at build/kanshiki
#   make check    install deps, build under ASan+UBSan, run every test (last line: N passed, N failed)
#   make demo     install deps, build, investigate the bundled example incident
#   make fuzz     build and run each libFuzzer harness for FUZZ_SECONDS (default 60)
#   make bench    run the benchmarks against the peer tools (zcat, jq, ...)
CC      ?= gcc
FUZZCC  ?= clang
PKGS    := sqlite3 libarchive zlib libzstd liblzma libcrypto libsodium libewf libqcow libvmdk libvhdi yaml-0.1 libpcre2-8 liblz4 yara
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS    := $(PKG_LIBS) -lbz2 -lpthread -lm
# One missing library would make pkg-config print nothing at all: name it instead.
ifneq ($(filter deps clean,$(MAKECMDGOALS)),deps)
PKG_MISSING := $(shell for p in $(PKGS); do pkg-config --exists $$p || echo $$p; done)
ifneq ($(PKG_MISSING),)
$(warning missing libraries (pkg-config): $(PKG_MISSING) -- run 'make deps' (scripts/install-deps.sh) as root)
endif
endif
WARN    := -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 -Wno-format-truncation -Wno-unused-parameter
CSTD    := -std=c17 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
CFLAGS  ?= -O2 -g
ALL_CFLAGS := $(CSTD) $(WARN) $(CFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DEFS    := -DKS_VERSION='"$(VERSION)"' -DKS_GIT_REV='"$(GIT_REV)"'

LIB_SRC  := $(shell find src -name '*.c' ! -path 'src/cli/*' | sort)
CLI_SRC  := $(shell find src/cli -name '*.c' | sort)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))

REL_OBJ  := $(patsubst %.c,build/obj/%.o,$(LIB_SRC) $(CLI_SRC))
ASAN_LIB := $(patsubst %.c,build/asan/obj/%.o,$(LIB_SRC))
ASAN_CLI := $(patsubst %.c,build/asan/obj/%.o,$(CLI_SRC))
ASAN_UNIT:= $(patsubst %.c,build/asan/obj/%.o,$(UNIT_SRC))
FUZZ_LIB := $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
TOOL_BIN := $(patsubst tests/tools/%.c,build/asan/tools/%,$(TOOL_SRC))
REPLAY_BIN := $(patsubst tests/fuzz/%.c,build/asan/replay/%,$(FUZZ_SRC))

.PHONY: all deps check test demo fuzz fuzz-build bench clean asan
# Keep intermediate objects (fuzz and replay builds would otherwise recompile everything).
.SECONDARY:
all: build/kanshiki

deps:
	@bash scripts/install-deps.sh

build/kanshiki: $(REL_OBJ)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(DEFS) -c -o $@ $<

asan: build/asan/kanshiki build/asan/ks_unit $(TOOL_BIN) $(REPLAY_BIN)

# Each fuzz harness as a plain ASan program that replays files (seeds, kept crashes).
build/asan/replay/%: build/asan/obj/tests/fuzz/%.o build/asan/obj/tests/fuzz/replay_main.o $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

# Small test programs (tests/tools/NAME.c -> build/asan/tools/NAME), linked with the library.
build/asan/tools/%: build/asan/obj/tests/tools/%.o $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

build/asan/kanshiki: $(ASAN_LIB) $(ASAN_CLI)
	@echo "  LD      $@"
	@$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

# CLI modules without a terminal or a store behind them are unit-tested too.
ASAN_UNIT_CLI := build/asan/obj/src/cli/table.o
build/asan/ks_unit: $(ASAN_LIB) $(ASAN_UNIT_CLI) $(ASAN_UNIT)
	@echo "  LD      $@"
	@$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(CSTD) $(WARN) -Isrc -Itests/unit $(PKG_CFLAGS) -MMD -MP $(ASAN_FLAGS) $(DEFS) -c -o $@ $<

# libFuzzer harnesses: clang, coverage + ASan + UBSan.
fuzz-build: $(FUZZ_BIN)
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD fuzz $@"
	@$(FUZZCC) $(CSTD) -g -O1 -Isrc -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -o $@ $^ $(LIBS)
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZCC) $(CSTD) -Wall -Wextra -Werror -Wno-unused-parameter -Isrc $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer-no-link,address,undefined $(DEFS) -c -o $@ $<

FUZZ_SECONDS ?= 60
fuzz: deps fuzz-build
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)

check: deps
	@$(MAKE) --no-print-directory all asan
	@bash tests/run.sh

test: all asan
	@bash tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@bash scripts/demo.sh

bench: deps all
	@bash bench/run.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
