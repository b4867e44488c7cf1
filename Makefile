# ait: the one entry point (GNU make).
#
#   make              build/aitc, build/libait.a and build/mini-redis (sample 10)
#   make demo         build, then run every sample (samples/*/)
#   make test         install what the tests need (scripts/deps.sh), run every suite
#   make bench        C against Rust (bench/run.py): writes docs/BENCHMARKS.md
#   make install PREFIX=DIR   bin/aitc, lib/libait.a (+ libait-asan.a,
#                     libait-tsan.a), include/, lib/pkgconfig/ait*.pc,
#                     lib/cmake/ait/, share/ait/ait.mk
#   make regen        regenerate generator/bootstrap from grammar/ (needs re2c, lemon)
#   make golden-update  rewrite tests/golden/*.expected.{h,c} from the current aitc
#   make clean
#
# BUILD names the output directory; `make asan` builds the sanitizer
# copies of the libraries the tests use into build/asan with clang.

VERSION := 0.1.0
PREFIX  ?= /usr/local
BUILD   ?= build

CC      ?= cc
CFLAGS  ?= -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -g
# Sanitizer builds (make asan) add these.
SANFLAGS ?=
# The lexer and parser that re2c and lemon generate are not written to
# pass every warning; only these few are relaxed for them.
BOOT_CFLAGS := -Wno-unused-parameter -Wno-unused-variable -Wno-unused-function \
               -Wno-sign-compare -Wno-implicit-fallthrough -DNDEBUG
ALL_CFLAGS = $(CFLAGS) $(SANFLAGS) -MMD -MP

GEN_SRC  := $(filter-out generator/main.c,$(wildcard generator/*.c))
BOOT_SRC := $(wildcard generator/bootstrap/*.c)
RT_SRC   := $(wildcard runtime/*.c)

GEN_OBJ  := $(GEN_SRC:%.c=$(BUILD)/%.o)
BOOT_OBJ := $(BOOT_SRC:%.c=$(BUILD)/%.o)
RT_OBJ   := $(RT_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/generator/main.o

GEN_INC := -Igenerator -Igenerator/bootstrap
RT_INC  := -Iruntime/include -Iruntime

.PHONY: all demo test bench install clean regen golden-update asan fuzz sanitizer-libs
.DELETE_ON_ERROR:

all: $(BUILD)/aitc $(BUILD)/libait.a $(BUILD)/mini-redis

$(BUILD)/aitc: $(MAIN_OBJ) $(BUILD)/libaitc.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^

# The generator without its main, for aitc and the unit tests.
$(BUILD)/libaitc.a: $(GEN_OBJ) $(BOOT_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libait.a: $(RT_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/generator/bootstrap/%.o: generator/bootstrap/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(BOOT_CFLAGS) $(GEN_INC) -c -o $@ $<

$(BUILD)/generator/%.o: generator/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(GEN_INC) -c -o $@ $<

$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -pthread $(RT_INC) -c -o $@ $<

# Sample 10, the Redis-protocol server, as a program users and the
# benchmarks start: build/mini-redis --port N [--workers W] [--aof FILE].
MR_DIR  := samples/10-mini-redis
MR_AIT  := $(MR_DIR)/store.ait $(MR_DIR)/server.ait
MR_C    := $(filter-out $(MR_DIR)/main.c,$(wildcard $(MR_DIR)/*.c))
MR_GEN  := $(BUILD)/samples/mini-redis-gen

$(BUILD)/mini-redis: $(BUILD)/aitc $(BUILD)/libait.a $(MR_AIT) $(MR_C) $(MR_DIR)/main.c $(wildcard $(MR_DIR)/*.h)
	@mkdir -p $(MR_GEN)
	$(BUILD)/aitc -o $(MR_GEN) $(MR_AIT)
	$(CC) $(CFLAGS) -Iruntime/include -I$(MR_GEN) -I$(MR_DIR) $(MR_GEN)/store.c $(MR_GEN)/server.c \
	    $(MR_DIR)/main.c $(MR_C) $(BUILD)/libait.a -pthread -o $@

-include $(wildcard $(BUILD)/generator/*.d $(BUILD)/generator/bootstrap/*.d $(BUILD)/runtime/*.d)

# Sanitizer copies of both libraries, for the unit and end-to-end tests.
asan:
	$(MAKE) BUILD=build/asan CC=clang \
	    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    build/asan/libait.a build/asan/libaitc.a

demo:
	@scripts/deps.sh demo
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -s asan
	@tests/run.sh

golden-update: all
	@tests/run.sh --update-golden

bench:
	@$(MAKE) --no-print-directory all
	@python3 bench/run.py

regen:
	grammar/regen.sh generator/bootstrap

# libait built with a sanitizer, installed beside the normal one:
# build/san-asan/libait.a and build/san-tsan/libait.a, with $(SAN_CC) (by
# default the compiler of the build). A compiler that lacks the sanitizer
# is reported and skipped, so install still works without it.
SAN_CC ?= $(CC)
ASAN_LIB_FLAGS := -fsanitize=address -fno-omit-frame-pointer
TSAN_LIB_FLAGS := -fsanitize=thread
sanitizer-libs:
	@for v in asan tsan; do \
	    if [ $$v = asan ]; then f="$(ASAN_LIB_FLAGS)"; else f="$(TSAN_LIB_FLAGS)"; fi; \
	    if printf 'int main(void) { return 0; }\n' | \
	        $(SAN_CC) $$f -x c - -o $(BUILD)/.san-probe 2>/dev/null; then \
	        $(MAKE) --no-print-directory -s BUILD=$(BUILD)/san-$$v CC="$(SAN_CC)" \
	            CFLAGS="$(filter-out -Werror,$(CFLAGS))" \
	            SANFLAGS="$$f" $(BUILD)/san-$$v/libait.a || exit 1; \
	    else \
	        echo "note: $(SAN_CC) has no $$f: libait-$$v.a is not built"; \
	    fi; \
	done; rm -f $(BUILD)/.san-probe

# pc NAME LIB WHAT SANFLAGS: writes lib/pkgconfig/NAME.pc.
pc = sed -e 's|@NAME@|$(1)|' -e 's|@LIB@|$(2)|' -e 's|@WHAT@|$(3)|' \
         -e 's|@SANFLAGS@|$(if $(4), $(4))|' -e 's|@SANLIBS@|$(if $(4), $(firstword $(4)))|' \
         -e 's|@VERSION@|$(VERSION)|' ait.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/$(1).pc

install: all sanitizer-libs
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/lib/cmake/ait $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/ait
	install -m 755 $(BUILD)/aitc $(DESTDIR)$(PREFIX)/bin/aitc
	install -m 644 $(BUILD)/libait.a $(DESTDIR)$(PREFIX)/lib/libait.a
	install -m 644 runtime/include/*.h $(DESTDIR)$(PREFIX)/include/
	$(call pc,ait,libait.a,,)
	@if [ -f $(BUILD)/san-asan/libait.a ]; then set -x; \
	    install -m 644 $(BUILD)/san-asan/libait.a $(DESTDIR)$(PREFIX)/lib/libait-asan.a; \
	    $(call pc,ait-asan,libait-asan.a, (built with AddressSanitizer),$(ASAN_LIB_FLAGS)); fi
	@if [ -f $(BUILD)/san-tsan/libait.a ]; then set -x; \
	    install -m 644 $(BUILD)/san-tsan/libait.a $(DESTDIR)$(PREFIX)/lib/libait-tsan.a; \
	    $(call pc,ait-tsan,libait-tsan.a, (built with ThreadSanitizer),$(TSAN_LIB_FLAGS)); fi
	install -m 644 ait.mk $(DESTDIR)$(PREFIX)/share/ait/
	install -m 644 cmake/aitConfig.cmake $(DESTDIR)$(PREFIX)/lib/cmake/ait/
	sed -e 's|@VERSION@|$(VERSION)|g' cmake/aitConfigVersion.cmake.in \
	    > $(DESTDIR)$(PREFIX)/lib/cmake/ait/aitConfigVersion.cmake

clean:
	rm -rf build

# Both fuzzers, FUZZ_SECONDS each, one after the other: libFuzzer over
# aitc's whole pipeline (tests/fuzz/fuzz_aitc.c, seeded with every .ait
# file here, tests/fuzz/ait.dict), then the structure-aware generator
# (tests/fuzz/gen_run.sh: random programs compiled, run under ASan/UBSan
# and checked against their meaning). `make test` runs each briefly.
# FUZZ_LOG=FILE keeps libFuzzer's log (executions, cov:, ft:); GEN_LOG=FILE
# gen_run.sh's (batches run, failures and the seeds that reproduce them).
FUZZ_SECONDS ?= 300
fuzz: all
	@$(MAKE) --no-print-directory -s asan
	FUZZ_SECONDS=$(FUZZ_SECONDS) GEN_SECONDS=$(FUZZ_SECONDS) bash tests/run.sh fuzz gen
