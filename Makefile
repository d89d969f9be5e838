# juggle — a plain GNU Makefile.
#
#   make            build build/juggle
#   make run        install missing packages, build, open the TUI on the default scene
#   make test       install missing packages, build, run every test
#   make bench      benchmarks (numbers, not pass/fail; installs python3-simpy, their peer)
#   make lint       clang-format check, cppcheck, and the core include rule
#   make deps       install the Debian packages pkg-config cannot find
#   make asan | tsan | valgrind | fuzz | install   see "Hardening and release" below
#   make torture    the long tests (tests/*/torture_*.sh), not in make test

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
VERSION := 1.0.0
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
# juggle itself loads libcurl and libmicrohttpd when first used
# (src/exec/dynlib.c): linked in, they cost every start about 4 ms. Their
# sonames, as the libraries built against say; tests link them as usual.
LAZY_LIBS := libcurl libmicrohttpd
BIN_LIBS   = $(filter-out $(shell pkg-config --libs-only-l $(LAZY_LIBS) 2>/dev/null),$(PKG_LIBS)) \
             -lpthread -lm -ldl
soname     = $(shell objdump -p "$$(pkg-config --variable=libdir $(1))/$(1).so" 2>/dev/null | \
                 awk '$$1 == "SONAME" {print $$2}')

LIB_SRCS  := $(wildcard src/core/*.c src/headless/*.c src/exec/*.c src/ui/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,src/main.c $(wildcard src/cmd_*.c))
LIB       := $(BUILD)/libjuggle.a
BIN       := $(BUILD)/juggle
TRACER    := $(BUILD)/python/juggle_tracer.py $(BUILD)/python/sitecustomize.py

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
TOOLS             := pkg-config:pkg-config tmux:tmux python3:python3 rsvg-convert:librsvg2-bin

.PHONY: all run test check bench lint deps clean golden-update install

all: $(BIN) $(TRACER)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(BIN_LIBS)

$(BUILD)/obj/src/exec/dynlib.o: CPPFLAGS += -DJUGGLE_CURL_SO='"$(or $(call soname,libcurl),libcurl.so.4)"' \
    -DJUGGLE_MHD_SO='"$(or $(call soname,libmicrohttpd),libmicrohttpd.so.12)"'

# The tracer with its byte-code beside it: juggle watch loads this copy
# unless assets/ holds a newer source (where PYTHONDONTWRITEBYTECODE is set,
# Python would compile the source again on every run). No python3: the copy
# alone, compiled on each run.
$(TRACER): $(BUILD)/python/%: assets/%
	@mkdir -p $(dir $@)
	@echo "  PYC     $@"
	@cp $< $@
	@-python3 -m py_compile $@ 2>/dev/null

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

bench: deps bench-deps
	@$(MAKE) --no-print-directory all tests
	@tests/bench/run.sh $(BUILD)

# The benchmarks' peers, for bench only (never needed by make test): SimPy 2
# for the listed-scene benchmark. Installed when missing and possible; the
# benchmark says so and prints juggle's figures alone otherwise.
BENCH_DEBS := python3-simpy python3-aiohttp
.PHONY: bench-deps
bench-deps:
	@missing=""; for d in $(BENCH_DEBS); do \
	    dpkg -s $$d >/dev/null 2>&1 || missing="$$missing $$d"; done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "make bench: not installed:$$missing (their figures are skipped)"; exit 0; fi; \
	echo "make bench: installing$$missing"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $$missing </dev/null >/dev/null 2>&1 || echo "make bench: could not install$$missing"

golden-update: all
	@tests/cli/golden.sh $(BUILD) --update

lint:
	@echo "clang-format:"; clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')
	@echo "cppcheck:"; cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=missingIncludeSystem -Isrc src
	@echo "core includes:"; ! grep -rnE '#include *[<"](ncurses|curses|uv|curl/)' src/core
	@echo "exec includes no sink:"; ! grep -rnE '#include *"(\.\./)?(headless|ui)/' src/exec
	@echo "workloads ask capabilities:"; ! grep -nE 'strategy_find\("' src/core/work_*.c

# ---- Hardening and release (issue 7) ----
#   make asan       every test under AddressSanitizer + UBSan (build-asan/)
#   make tsan       the real-execution tests under ThreadSanitizer (build-tsan/)
#   make valgrind   the headless examples under memcheck
#   make fuzz       each libFuzzer target for FUZZ_TIME seconds (clang, build-fuzz/)
#   make install    PREFIX=/usr/local DESTDIR=
# Sanitizer reports go to files (log_path) as well as failing the process, so
# a report from a juggle that a shell test runs cannot go unnoticed.
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
FUZZ_TIME  ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
EXEC_TESTS   := $(patsubst tests/%.c,build-tsan/tests/%,$(wildcard tests/exec/test_*.c))
SAN_REPORTS   = rm -rf $(1)/reports && mkdir -p $(1)/reports
SAN_CHECK     = if ls $(1)/reports/* >/dev/null 2>&1; then \
                    echo "$(2): sanitizer reports:"; cat $(1)/reports/*; exit 1; fi; \
                echo "$(2): no sanitizer reports"; exit $$rc

.PHONY: asan tsan valgrind fuzz uninstall FORCE

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT='-O1 -g $(ASAN_FLAGS)' \
	    LDFLAGS='$(ASAN_FLAGS)' all tests
	@$(call SAN_REPORTS,build-asan)
	@ASAN_OPTIONS=detect_leaks=1:log_path=$(CURDIR)/build-asan/reports/asan \
	    UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/build-asan/reports/ubsan \
	    tests/run.sh build-asan; rc=$$?; $(call SAN_CHECK,build-asan,asan)

tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT='-O1 -g $(TSAN_FLAGS)' \
	    LDFLAGS='$(TSAN_FLAGS)' all $(EXEC_TESTS)
	@$(call SAN_REPORTS,build-tsan)
	@export TSAN_OPTIONS='halt_on_error=1 second_deadlock_stack=1 log_path=$(CURDIR)/build-tsan/reports/tsan'; \
	fail=0; for t in $(EXEC_TESTS) tests/exec/test_*.sh; do \
	    [ -e "$$t" ] || continue; \
	    case $$t in *.sh) cmd="bash $$t build-tsan";; *) cmd=$$t;; esac; \
	    log=build-tsan/$$(basename $$t).log; \
	    if timeout 900 $$cmd >$$log 2>&1 </dev/null; then echo "ok    $$t"; \
	    else echo "FAIL  $$t"; sed 's/^/    | /' $$log; fail=1; fi; \
	done; rc=$$fail; $(call SAN_CHECK,build-tsan,tsan)

valgrind: all
	@tests/valgrind.sh $(BUILD)

fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT='-O1 -g $(FUZZ_FLAGS)' \
	    LDFLAGS='$(ASAN_FLAGS)' $(FUZZ_TARGETS:%=build-fuzz/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
	    c=$${t#fuzz_}; mkdir -p build-fuzz/corpus/$$c build-fuzz/artifacts; \
	    dict=; [ -f tests/fuzz/$$c.dict ] && dict=-dict=tests/fuzz/$$c.dict; \
	    echo "fuzz: $$t for $(FUZZ_TIME) s (corpus tests/fuzz/corpus/$$c)"; \
	    build-fuzz/fuzz/$$t -max_total_time=$(FUZZ_TIME) -timeout=20 -rss_limit_mb=4096 $$dict \
	        -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/$$c- \
	        build-fuzz/corpus/$$c tests/fuzz/corpus/$$c >build-fuzz/$$t.log 2>&1 \
	    || { tail -80 build-fuzz/$$t.log; echo "fuzz: $$t FAILED; the input is in build-fuzz/artifacts/"; exit 1; }; \
	    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' build-fuzz/$$t.log; \
	done

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $<"
	@$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -fsanitize=fuzzer -Itests -o $@ $< $(LIB) \
	    $(LDFLAGS) $(LDLIBS)

# ---- Torture (issue 11): long, large tests, each a script printing "N passed, N failed" ----
TORTURE_SCRIPTS += tests/exec/torture_serve_slow.sh
# Signals at random points of recordings, closed pipes, full disks, many
# writers to one path (ROUNDS=N scales it).
TORTURE_SCRIPTS += tests/trace/torture_record.sh

.PHONY: torture
torture: deps
	@$(MAKE) --no-print-directory all tests
	@fail=0; for t in $(TORTURE_SCRIPTS); do \
	    echo "torture: $$t"; bash $$t $(BUILD) || fail=1; \
	done; exit $$fail

# scene.o and watch.o hold JUGGLE_DATADIR: rebuild them whenever PREFIX changes.
$(BUILD)/obj/src/core/scene.o $(BUILD)/obj/src/exec/watch.o: $(BUILD)/prefix
$(BUILD)/prefix: FORCE
	@mkdir -p $(BUILD) && echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' >$@
FORCE:

INSTALL_DIRS := bin share/juggle/scenes share/man/man1 share/bash-completion/completions

install: all
	install -d $(INSTALL_DIRS:%='$(DESTDIR)$(PREFIX)'/%)
	install -m 755 $(BIN) '$(DESTDIR)$(PREFIX)/bin/juggle'
	install -m 644 scenes/*.ini '$(DESTDIR)$(PREFIX)/share/juggle/scenes/'
	install -m 644 assets/juggle_tracer.py assets/sitecustomize.py '$(DESTDIR)$(PREFIX)/share/juggle/'
	@# compiled once here: users cannot write beside an installed tracer
	-python3 -m py_compile '$(DESTDIR)$(PREFIX)/share/juggle/juggle_tracer.py' \
	    '$(DESTDIR)$(PREFIX)/share/juggle/sitecustomize.py'
	install -m 644 assets/juggle.1 '$(DESTDIR)$(PREFIX)/share/man/man1/juggle.1'
	install -m 644 assets/juggle.bash-completion \
	    '$(DESTDIR)$(PREFIX)/share/bash-completion/completions/juggle'

uninstall:
	rm -f '$(DESTDIR)$(PREFIX)/bin/juggle' '$(DESTDIR)$(PREFIX)/share/man/man1/juggle.1' \
	    '$(DESTDIR)$(PREFIX)/share/bash-completion/completions/juggle'
	rm -rf '$(DESTDIR)$(PREFIX)/share/juggle'

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BINS:=.d)
