# juggle — a plain GNU Makefile.
#
#   make            build build/juggle
#   make run        install missing packages, build, open the TUI on the default scene
#   make test       install missing packages, build, run every test
#   make bench      benchmarks (numbers, not pass/fail)
#   make lint       clang-format check, cppcheck, and the core include rule
#   make deps       install the Debian packages pkg-config cannot find

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
VERSION := 0.1.0
SCENE   ?= sleep

PKGS      := ncursesw libuv libcurl jansson inih libmicrohttpd
TEST_PKGS := cmocka

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT      ?= -O2 -g
CPPFLAGS += -Isrc -D_GNU_SOURCE -DJUGGLE_VERSION='"$(VERSION)"' \
            -DJUGGLE_DATADIR='"$(PREFIX)/share/juggle"'
CFLAGS   += -std=c11 $(WARN) $(OPT) -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

LIB_SRCS  := $(wildcard src/core/*.c src/headless/*.c src/exec/*.c src/ui/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(BUILD)/obj/src/main.o
LIB       := $(BUILD)/libjuggle.a
BIN       := $(BUILD)/juggle

TEST_SRCS := $(wildcard tests/*/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(BENCH_SRCS))

# Debian package for each pkg-config module and each tool the tests use.
DEB_ncursesw      := libncurses-dev
DEB_libuv         := libuv1-dev
DEB_libcurl       := libcurl4-openssl-dev
DEB_jansson       := libjansson-dev
DEB_inih          := libinih-dev
DEB_libmicrohttpd := libmicrohttpd-dev
DEB_cmocka        := libcmocka-dev
TOOLS             := pkg-config:pkg-config tmux:tmux python3:python3

.PHONY: all run test check bench lint deps clean golden-update install

all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -Itests -o $@ $< $(LIB) \
	    $(LDFLAGS) $(TEST_LIBS) $(LDLIBS)

deps:
	@missing=""; \
	for m in $(PKGS) $(TEST_PKGS); do \
	    pkg-config --exists $$m 2>/dev/null || missing="$$missing $$(echo '$(foreach m,$(PKGS) $(TEST_PKGS),$(m)=$(DEB_$(m)))' | tr ' ' '\n' | sed -n "s/^$$m=//p")"; \
	done; \
	for t in $(TOOLS); do \
	    command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "make deps: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "make deps: these Debian packages are missing:$$missing"; \
	     echo "make deps: run: sudo apt-get install -y$$missing"; exit 1; fi; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing </dev/null

run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) $(SCENE)

test: deps
	@$(MAKE) --no-print-directory all tests
	@tests/run.sh $(BUILD)

check: test

.PHONY: tests
tests: $(BIN) $(TEST_BINS) $(BENCH_BINS)

bench: deps
	@$(MAKE) --no-print-directory all tests
	@tests/bench/run.sh $(BUILD)

golden-update: all
	@tests/cli/golden.sh $(BUILD) --update

lint:
	@echo "clang-format:"; clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')
	@echo "cppcheck:"; cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=missingIncludeSystem -Isrc src
	@echo "core includes:"; ! grep -rnE '#include *[<"](ncurses|curses|uv|curl/)' src/core

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d)
