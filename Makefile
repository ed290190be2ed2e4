# dangxiao - one binary, one Makefile (STYLE 36).
#
#   make          build build/dangxiao (release) and its assets
#   make run      install what is missing, build, create a demo county
#                 database (build/demo.db) and serve it on 127.0.0.1:8080
#   make test     install what is missing, then unit, API (SQLite and a
#                 throwaway PostgreSQL, release and ASan/UBSan) and browser
#                 tests; ends with "N passed, N failed"
#   make fuzz     every libFuzzer target (build/fuzz/<name>) for
#                 FUZZ_SECONDS (600) each
#   make bench    wrk against the real server and a bare libmicrohttpd one
#   make asan     build build/asan/dangxiao with ASan + UBSan

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium libcrypto icu-uc icu-i18n xlsxwriter minizip expat libqrencode
WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
           -Wsign-compare -Wtype-limits -fno-common
BASE    := -std=c17 -D_GNU_SOURCE -pthread $(WARN) -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS  = $(PKG_LIBS) -lcrack -pthread -lm

REL_CFLAGS  := -O2 -g
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined

LIB_SRC := $(wildcard src/core/*.c src/http/*.c src/db/*.c src/domain/*.c \
                      src/app/*.c src/api/*.c src/web/*.c) \
                      src/routes.c
GEN_SRC := build/gen/assets.c

REL_OBJ  := $(LIB_SRC:%.c=build/obj/%.o) build/obj/gen/assets.o
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/obj/%.o) build/asan/obj/gen/assets.o

UNIT_SRC := $(wildcard tests/unit/*.c) $(wildcard tests/fake/*.c)

# Files embedded in the binary: name=path. Front-end assets come from npm
# (package-lock.json); our own CSS and the translation catalog from here.
ASSETS := htmx.min.js=node_modules/htmx.org/dist/htmx.min.js \
          echarts.min.js=node_modules/echarts/dist/echarts.common.min.js \
          charts.js=static/charts.js \
          app.css=static/app.css \
          zh_CN.mo=build/gen/zh_CN.mo

.PHONY: all asan run test unit bench deps clean format fuzz fuzz-build

all: build/dangxiao

deps:
	@scripts/deps.sh

build/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(BASE) $(REL_CFLAGS) $(PKG_CFLAGS) -Ibuild/gen -c -o $@ $<

build/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(BASE) $(ASAN_CFLAGS) $(PKG_CFLAGS) -Ibuild/gen -c -o $@ $<

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(BASE) $(REL_CFLAGS) -c -o $@ $<

build/asan/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(BASE) $(ASAN_CFLAGS) -c -o $@ $<

build/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -o $@ $<

build/gen/zh_CN.mo: po/zh_CN.po
	@mkdir -p $(@D)
	@msgfmt --check-format -o $@ $<

build/gen/assets.c: build/tools/embed static/app.css static/charts.js \
                    build/gen/zh_CN.mo node_modules/htmx.org/dist/htmx.min.js \
                    node_modules/echarts/dist/echarts.common.min.js
	@mkdir -p $(@D)
	build/tools/embed $(ASSETS) > $@.tmp && mv $@.tmp $@

node_modules/htmx.org/dist/htmx.min.js \
node_modules/echarts/dist/echarts.common.min.js: package-lock.json
	@scripts/deps.sh
	@touch $@

build/dangxiao: $(REL_OBJ) build/obj/src/main.o
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS)

build/asan/dangxiao: $(ASAN_OBJ) build/asan/obj/src/main.o
	@echo "  LINK    $@"
	@$(CC) -fsanitize=address,undefined -o $@ $^ $(LDLIBS)

asan: build/asan/dangxiao

build/unit: $(REL_OBJ) $(UNIT_SRC:%.c=build/obj/%.o)
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS) -lcmocka

build/asan/unit: $(ASAN_OBJ) $(UNIT_SRC:%.c=build/asan/obj/%.o)
	@echo "  LINK    $@"
	@$(CC) -fsanitize=address,undefined -o $@ $^ $(LDLIBS) -lcmocka

# libFuzzer targets, one binary each: tests/fuzz/fuzz_<name>.c becomes
# build/fuzz/<name>, seeded from tests/fuzz/seeds/<name>/ (any new
# fuzz_*.c is picked up). The server's objects are built once with clang
# for all of them (build/fuzz/obj).
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES  := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BIN    := $(FUZZ_NAMES:%=build/fuzz/%)
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -pthread -g -O1 $(WARN) \
               -Wno-unused-command-line-argument $(FUZZ_SAN) \
               -fsanitize=fuzzer-no-link
FUZZ_OBJ    := $(LIB_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/assets.o
# The stand-ins replace libmicrohttpd's header lookup for a request with no
# connection; the http target runs a real daemon, so it links without them.
FUZZ_FAKE   := $(patsubst %.c,build/fuzz/obj/%.o,$(wildcard tests/fake/*.c))

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	@clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -Ibuild/gen -MMD -MP -c -o $@ $<

build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	@clang -std=c17 -g -O1 $(FUZZ_SAN) -c -o $@ $<

$(filter-out build/fuzz/http,$(FUZZ_BIN)): build/fuzz/%: \
        build/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_OBJ) $(FUZZ_FAKE)
	@echo "  FUZZ    $@"
	@clang $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

build/fuzz/http: build/fuzz/obj/tests/fuzz/fuzz_http.o $(FUZZ_OBJ)
	@echo "  FUZZ    $@"
	@clang $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

# make fuzz: every target for FUZZ_SECONDS (default 600) each, one after
# the other; new inputs go to build/fuzz/corpus/<name>, crashes to
# build/fuzz/crash-<name>-*.
FUZZ_SECONDS ?= 600
fuzz: $(FUZZ_BIN)
	@for n in $(FUZZ_NAMES); do \
	    mkdir -p build/fuzz/corpus/$$n tests/fuzz/seeds/$$n; \
	    echo "== fuzz $$n for $(FUZZ_SECONDS) s"; \
	    build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -artifact_prefix=build/fuzz/crash-$$n- \
	        build/fuzz/corpus/$$n tests/fuzz/seeds/$$n || exit 1; \
	done

run: deps build/dangxiao
	@test -f build/demo.db || { rm -f build/demo-logins.txt && \
	    build/dangxiao init --db build/demo.db && \
	    build/dangxiao demo --db build/demo.db --scale county --seed 1 \
	        > build/demo-logins.txt; }
	@cat build/demo-logins.txt
	@echo "Serving http://127.0.0.1:8080 (Ctrl-C stops)"
	build/dangxiao serve --db build/demo.db --listen 127.0.0.1:8080

test: deps
	@$(MAKE) --no-print-directory -s build/dangxiao build/asan/dangxiao \
	    build/unit build/asan/unit $(FUZZ_BIN)
	@tests/run.sh

bench: deps build/dangxiao
	@bench/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' \
	    'tests/fuzz/*.c' 'tests/fake/*.c' \
	    'bench/*.c' 'tools/*.c')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
