# dangxiao - one binary, one Makefile (STYLE 36).
#
#   make          build build/dangxiao (release) and its assets
#   make run      install what is missing, build, create a demo county
#                 database (build/demo.db) and serve it on 127.0.0.1:8080
#   make test     install what is missing, then unit, API (SQLite and a
#                 throwaway PostgreSQL, release and ASan/UBSan) and browser
#                 tests; ends with "N passed, N failed"
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
LDLIBS  = $(PKG_LIBS) -pthread -lm

REL_CFLAGS  := -O2 -g
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined

LIB_SRC := $(wildcard src/core/*.c src/http/*.c src/db/*.c src/domain/*.c \
                      src/api/*.c src/web/*.c)
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

.PHONY: all asan run test unit bench deps clean format fuzz

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

# libFuzzer over our own parsers (tests/fuzz/fuzz.c), built with clang.
FUZZ_FLAGS := -std=c17 -D_GNU_SOURCE -pthread -g -O1 \
              -fsanitize=fuzzer,address,undefined
build/fuzz/fuzz: $(LIB_SRC) build/gen/assets.c tests/fuzz/fuzz.c
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	@clang $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $@ $(LIB_SRC) build/gen/assets.c \
	    tests/fuzz/fuzz.c $(LDLIBS)

FUZZ_SECONDS ?= 60
fuzz: build/fuzz/fuzz
	@mkdir -p build/fuzz/corpus
	build/fuzz/fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    build/fuzz/corpus tests/fuzz/seeds

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
	    build/unit build/asan/unit build/fuzz/fuzz
	@tests/run.sh

bench: deps build/dangxiao
	@bench/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' \
	    'bench/*.c' 'tools/*.c')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
