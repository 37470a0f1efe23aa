# Pendopo.  `make run` sets up and serves; `make test` runs every test.
CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium libpq libqrencode zlib libcurl pwquality libjpeg libpng libcmark libbrotlienc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -Isrc/core $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lm -lpthread
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

REGIONS_CSV ?= ../shared/data/wilayah.csv
DB          ?= var/pendopo.db
LISTEN      ?= 127.0.0.1:8080

SRC      := $(sort $(wildcard src/core/*.c src/*/*.c))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
OBJ      := $(LIB_SRC:%.c=build/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build-asan/%.o)
UNIT     := $(sort $(wildcard tests/unit/*_test.c))
FUZZ_CC  ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_OBJ := $(LIB_SRC:%.c=build-fuzz/%.o)
FUZZ     := $(sort $(patsubst fuzz/%.c,build-fuzz/fuzz_%,$(wildcard fuzz/*.c)))
FUZZ_SECONDS ?= 60

.PHONY: all deps run test test-lane-pg unit static api api-pg e2e cluster asan valgrind fuzz fuzz-smoke bench clean
all: build/pendopo

build/%.o: %.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
build-asan/%.o: %.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

# libFuzzer targets: the library built by clang with coverage counters and
# the sanitizers, each target linked with libFuzzer's main.
build-fuzz/%.o: %.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@
build-fuzz/libpendopo.a: $(FUZZ_OBJ)
	ar rcs $@ $^
build-fuzz/fuzz_%: fuzz/%.c fuzz/fuzz.h src/modules.h build-fuzz/libpendopo.a
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -Isrc/core $< build-fuzz/libpendopo.a $(LDLIBS) -o $@

build/libpendopo.a: $(OBJ)
	ar rcs $@ $^
build-asan/libpendopo.a: $(ASAN_OBJ)
	ar rcs $@ $^
# The binaries link the objects themselves, not the archive, so that two
# modules defining the same symbol fail the link instead of one silently
# winning.
build/pendopo: build/src/main.o $(OBJ)
	$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@
build-asan/pendopo: build-asan/src/main.o $(ASAN_OBJ)
	$(CC) $(CFLAGS) $(SAN) $^ $(LDLIBS) -o $@

build/tests/%: tests/unit/%.c build/libpendopo.a tests/unit/testdb.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(filter-out %.h,$^) $(LDLIBS) -lcmocka -o $@
build-asan/tests/%: tests/unit/%.c build-asan/libpendopo.a tests/unit/testdb.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) $(filter-out %.h,$^) $(LDLIBS) -lcmocka -o $@

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh "$(DB)" "$(LISTEN)" "$(REGIONS_CSV)"

unit: $(UNIT:tests/unit/%.c=build/tests/%)
	@for t in $^; do echo "== $$t"; $$t || exit 1; done

# Checks that need no server: the web dictionaries and the error codes.
static:
	node --test tests/static/

api: all
	node --test --test-concurrency=2 tests/api/


# The API suite again on a throwaway PostgreSQL server, with the unit tests
# that have a PostgreSQL half (they skip it when PENDOPO_TEST_PG is unset).
api-pg: all build/tests/search_test build/tests/db_test build/tests/letters_test build/tests/audit_test
	scripts/with-postgres.sh sh -c 'build/tests/search_test && build/tests/db_test && build/tests/letters_test && build/tests/audit_test && node --test --test-concurrency=2 tests/api/'

e2e: all
	node --test --test-concurrency=1 tests/e2e/

# The scale-out deployment for real: a PostgreSQL primary and streaming
# replica, two instances, nginx in front (tests/cluster/).
cluster: all
	node --test --test-concurrency=1 tests/cluster/

asan: build-asan/pendopo $(UNIT:tests/unit/%.c=build-asan/tests/%)
	@for t in $(UNIT:tests/unit/%.c=build-asan/tests/%); do echo "== $$t"; $$t || exit 1; done
	PENDOPO_BIN=build-asan/pendopo ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		node --test --test-concurrency=2 tests/api/

# Everything is built first, two compilers at a time.  The browser suite
# then runs alone: beside the sanitizers' suite a page step once waited
# past its 10 s.  The API suites then run in two lanes side by side: on
# SQLite under the sanitizers (the plain SQLite run repeated the very same
# checks: the plain binary is what the browser, PostgreSQL and cluster
# suites run), beside PostgreSQL's then the nginx cluster.  Test servers
# take free ports and temporary directories, so the lanes share nothing;
# each suite's output is printed whole when it ends (-O).
TEST_BUILD := all $(UNIT:tests/unit/%.c=build/tests/%) build-asan/pendopo \
	$(UNIT:tests/unit/%.c=build-asan/tests/%) $(FUZZ)

test: deps
	@$(MAKE) --no-print-directory -j2 $(TEST_BUILD)
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory static
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory -j2 -O asan test-lane-pg
	@echo "make test: all suites passed"

test-lane-pg:
	@$(MAKE) --no-print-directory api-pg
	@$(MAKE) --no-print-directory cluster

# Foundation first, then each service's own benchmark; every one ends its
# figures with BENCH lines.
# The unit tests once under valgrind's memcheck (the build without
# sanitizers): any memory error or definite leak fails.
valgrind: $(UNIT:tests/unit/%.c=build/tests/%)
	@for t in $^; do echo "== $$t"; valgrind -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite $$t >/dev/null || exit 1; done

# Every fuzz target on its corpus, FUZZ_SECONDS each; prints executions and
# crashes per target and fails on a crash (its input in build-fuzz/crashes/).
fuzz: $(FUZZ)
	fuzz/run.sh $(FUZZ_SECONDS) $^

# The same inside make test, but the same 5,000 inputs a target every
# time (seed 1), so that a CI run fails on a change, not on a new find:
# finding is make fuzz's work.
fuzz-smoke: $(FUZZ)
	FUZZ_RUNS=5000 fuzz/run.sh 10 $^

bench: deps
	@$(MAKE) --no-print-directory all build/libpendopo.a build/libpendopo.a
	bench/run.sh
	bench/pg.sh
	bench/cluster.sh
	bench/complaints.sh
	bench/queue.sh
	bench/data.sh
	bench/permits.sh
	bench/survey.sh
	bench/villages.sh
	bench/channels.sh
	node bench/weight.mjs

clean:
	rm -rf build build-asan build-fuzz
