# blogmap: one non-recursive GNU Makefile.
#   make            build ./build/blogmap
#   make demo       install missing Debian packages, build, crawl the sample blog
#   make test       install missing Debian packages, build, run every test
#   make check      test + ASan/UBSan/LSan rebuild in build-san/ + TSan crawl tests + hdr-check + lint
PKGS      := libcurl libxml-2.0 sqlite3 libcgraph libgvc inih
CC        ?= cc
PREFIX    ?= /usr/local
BUILD     ?= build
WARN      := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Werror
CPPFLAGS  += -D_GNU_SOURCE -Iinclude
CFLAGS    ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARN) $(CFLAGS) -pthread $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS    += $(PKG_LIBS) -lm -pthread

LIB_SRC   := $(sort $(wildcard crawler/*.c graph/*.c))
CLI_SRC   := $(sort $(wildcard cli/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/topics_default.o $(BUILD)/gen/report_assets.o
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Debian packages the build, tests and demo need (checked with dpkg-query);
# the tests also open maps in a headless browser.
DEB_PKGS  := build-essential pkg-config libcurl4-openssl-dev libxml2-dev libsqlite3-dev \
             libgraphviz-dev graphviz libinih-dev libcmocka-dev python3 sqlite3 ca-certificates \
             cppcheck
TEST_PKGS := chromium clang libclang-rt-14-dev valgrind
BENCH_PKGS := nginx wget2 wget httrack

.PHONY: all deps demo test check check-san check-tsan tsan unit e2e hdr-check lint san clean install bench bench-map bench-query \
        bench-crawl bench-parse bench-incremental docs-map fuzz fuzz-build fuzz-replay fuzz-merge
all: $(BUILD)/blogmap

$(BUILD)/blogmap: $(CLI_OBJ) $(BUILD)/libblogmap.a
	$(CC) $(LDFLAGS) $(EXTRA_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libblogmap.a $(LDLIBS)

$(BUILD)/libblogmap.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# The built-in topics.conf, compiled in as a string.
$(BUILD)/gen/topics_default.c: graph/topics.conf
	@mkdir -p $(dir $@)
	{ echo '#include "topicsInt.h"'; echo 'const char topics_builtin_conf[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/topics_default.o: $(BUILD)/gen/topics_default.c
	$(CC) $(CPPFLAGS) -Igraph $(ALL_CFLAGS) -c -o $@ $<

# The report's script and style sheet (graph/report_assets/), compiled in as
# strings named report_asset_<file>, dots as underscores; '?' is escaped so
# that no trigraph forms.
REPORT_ASSETS := graph/report_assets/app.js graph/report_assets/style.css
$(BUILD)/gen/report_assets.c: $(REPORT_ASSETS)
	@mkdir -p $(dir $@)
	{ echo '#include "reportInt.h"'; for f in $(REPORT_ASSETS); do \
	  echo "const char report_asset_$$(basename $$f | tr . _)[] ="; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/    "/' -e 's/$$/\\n"/' $$f; \
	  echo ';'; done; } > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/report_assets.o: $(BUILD)/gen/report_assets.c graph/reportInt.h
	$(CC) $(CPPFLAGS) -Igraph $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libblogmap.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(EXTRA_LDFLAGS) -o $@ $< $(BUILD)/libblogmap.a $(LDLIBS) -lcmocka

deps:
	@./tools/deps.sh $(DEB_PKGS)

demo: deps
	$(MAKE) all
	./examples/demo.sh $(BUILD)/blogmap

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

e2e: $(BUILD)/blogmap
	python3 tests/e2e/run.py --bin $(BUILD)/blogmap

# The README's test command: unit and end-to-end tests, then the same under
# ASan+UBSan+LSan, the header check and lint (everything `make check` runs).
test: deps
	@./tools/deps.sh $(TEST_PKGS)
	$(MAKE) unit e2e
	$(MAKE) check-san check-tsan fuzz-replay hdr-check lint unit-valgrind

# The unit tests under valgrind (matrix M03): any error or definite leak fails.
unit-valgrind: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== valgrind $$t"; \
	    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite $$t; done

SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
san:
	$(MAKE) BUILD=build-san CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="-fsanitize=address,undefined" \
	    build-san/blogmap $(UNIT_SRC:tests/unit/%.c=build-san/tests/%)

check: test

# The crawl's two threads (the loop and the parse worker) under
# ThreadSanitizer (matrix M06: MSan is not feasible, TSan is): the end-to-end
# tests that crawl, in a TSan build in build-tsan/. Any report fails the run.
TSAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
TSAN_TESTS := test_faults test_feeds HostileServerTest test_limits test_matrix_store test_recrawl \
              test_resume test_wp_blog test_duplicates test_sample_blog
tsan:
	$(MAKE) BUILD=build-tsan CFLAGS="$(TSAN_FLAGS)" EXTRA_LDFLAGS="-fsanitize=thread" build-tsan/blogmap

check-tsan: tsan
	TSAN_OPTIONS=halt_on_error=1:exitcode=66:suppressions=$(CURDIR)/tests/tsan.supp \
	    python3 tests/e2e/run.py --bin build-tsan/blogmap --sanitized $(TSAN_TESTS:%=-k %)

check-san: san
	@set -e; export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; \
	for t in $(UNIT_SRC:tests/unit/%.c=build-san/tests/%); do echo "== $$t"; $$t; done; \
	python3 tests/e2e/run.py --bin build-san/blogmap --sanitized

# Fuzzing: libFuzzer targets (tests/fuzz/fuzz_*.c) built with clang, ASan and
# UBSan in build-fuzz/. Seed corpora are in tests/fuzz/corpus/TARGET/ (committed);
# what a run finds goes to build-fuzz/corpus/TARGET/ (fuzz-merge keeps the inputs
# that add coverage), crashes to build-fuzz/crash-TARGET-*.
#   make fuzz [FUZZ_SECONDS=600]   each target for FUZZ_SECONDS
#   make fuzz-replay               every corpus input once (part of make test)
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=all
FUZZ_SECONDS ?= 600
FUZZ_ENV     := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
                LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

$(BUILD)/tests/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libblogmap.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	    $(BUILD)/libblogmap.a $(LDLIBS)

fuzz-build:
	@./tools/deps.sh clang libclang-rt-14-dev
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" $(FUZZ_TARGETS:%=build-fuzz/tests/%)

fuzz-replay: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do printf '== %s: %s inputs: ' $$t "$$(ls tests/fuzz/corpus/$$t | wc -l)"; \
	    if ! $(FUZZ_ENV) build-fuzz/tests/$$t -runs=0 tests/fuzz/corpus/$$t > build-fuzz/replay-$$t.log 2>&1; \
	    then echo FAILED; cat build-fuzz/replay-$$t.log; exit 1; fi; tail -1 build-fuzz/replay-$$t.log; done

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do mkdir -p build-fuzz/corpus/$$t; \
	    echo "== $$t for $(FUZZ_SECONDS) s (log: build-fuzz/fuzz-$$t.log)"; \
	    if ! $(FUZZ_ENV) build-fuzz/tests/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=build-fuzz/crash-$$t- build-fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	        > build-fuzz/fuzz-$$t.log 2>&1; then tail -40 build-fuzz/fuzz-$$t.log; exit 1; fi; \
	    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' build-fuzz/fuzz-$$t.log; done

fuzz-merge: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do mkdir -p build-fuzz/corpus/$$t; \
	    $(FUZZ_ENV) build-fuzz/tests/$$t -merge=1 tests/fuzz/corpus/$$t build-fuzz/corpus/$$t \
	        2>&1 | tail -1; done

hdr-check:
	@set -e; for h in include/blogmap/*.h; do \
	    printf '#include "%s"\n' "$${h#include/}" | \
	    $(CC) $(CPPFLAGS) $(WARN) $(PKG_CFLAGS) -x c -fsyntax-only - ; done; echo "headers ok"

lint:
	@./tools/lint.sh

# The sample blog's map in docs/, redrawn as the demo draws it.
docs-map: $(BUILD)/blogmap
	DEMO_DIR=$(BUILD)/demo ./examples/demo.sh $(BUILD)/blogmap >/dev/null
	cp $(BUILD)/demo/map.png docs/sample-map.png
	cp $(BUILD)/demo/map.svg docs/sample-map.svg

$(BUILD)/bench/mkdb: bench/mkdb.c $(BUILD)/libblogmap.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libblogmap.a $(LDLIBS)

$(BUILD)/bench/parse-bench: bench/parse-bench.c $(BUILD)/libblogmap.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libblogmap.a $(LDLIBS)

# Benchmarks: each runs its peer in the same run and prints the ratio.
bench: bench-map bench-query bench-crawl bench-parse bench-incremental
bench-crawl: $(BUILD)/blogmap
	@./tools/deps.sh $(BENCH_PKGS)
	./bench/crawl-bench.sh 5000 $(BUILD)/blogmap; s=$$?; ./bench/rss-bench.sh 20000 $(BUILD)/blogmap && exit $$s
bench-incremental: $(BUILD)/blogmap
	@./tools/deps.sh $(BENCH_PKGS)
	./bench/incremental-bench.py 5000 $(BUILD)/blogmap
bench-parse: $(BUILD)/blogmap $(BUILD)/bench/parse-bench
	./bench/parse-bench.sh 5000 $(BUILD)/bench/parse-bench
bench-query: $(BUILD)/blogmap $(BUILD)/bench/mkdb
	./bench/query-bench.sh $(BUILD)/blogmap $(BUILD)/bench/mkdb
bench-map: $(BUILD)/blogmap
	./bench/map-bench.sh 2000 $(BUILD)/blogmap

install: $(BUILD)/blogmap
	install -D -m 755 $(BUILD)/blogmap $(DESTDIR)$(PREFIX)/bin/blogmap
	install -D -m 644 docs/blogmap.1 $(DESTDIR)$(PREFIX)/share/man/man1/blogmap.1

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
