# ait: the one entry point (GNU make).
#
#   make              build/aitc, build/libait.a and build/mini-redis (sample 10)
#   make demo         build, then run every sample (samples/*/)
#   make test         install what the tests need (scripts/deps.sh), run every suite
#   make bench        benchmarks (to come)
#   make install PREFIX=DIR
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
               -Wno-sign-compare -Wno-implicit-fallthrough
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

.PHONY: all demo test bench install clean regen golden-update asan fuzz
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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/ait
	install -m 755 $(BUILD)/aitc $(DESTDIR)$(PREFIX)/bin/aitc
	install -m 644 $(BUILD)/libait.a $(DESTDIR)$(PREFIX)/lib/libait.a
	install -m 644 runtime/include/*.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' ait.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ait.pc
	install -m 644 ait.mk cmake/ait.cmake $(DESTDIR)$(PREFIX)/share/ait/

clean:
	rm -rf build

# libFuzzer over aitc's whole pipeline (tests/fuzz/fuzz_aitc.c), seeded with
# every .ait file here; `make test` runs it for 10 seconds.
FUZZ_SECONDS ?= 300
fuzz: all
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/run.sh fuzz
