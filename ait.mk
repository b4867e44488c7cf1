# ait.mk: GNU make rules for .ait files (installed as PREFIX/share/ait/ait.mk).
#
#   AIT_FILES := store.ait server.ait        # the .ait files to generate
#   include $(HOME)/.local/share/ait/ait.mk
#   CFLAGS += $(AIT_CFLAGS)
#   app: main.o $(AIT_OBJS)
#           $(CC) $(LDFLAGS) -o $@ $^ $(AIT_LIBS)
#   $(call ait_depend,main.o)                # main.o includes generated headers
#
# Set before the include (all optional):
#   AIT_FILES     the .ait files (paths); each NAME.ait gives $(AIT_OUT)/NAME.{h,c}
#   AIT_OUT       where generated code goes (default: gen)
#   AITFLAGS      more aitc options (-I DIR, -Werror, --no-line...)
#   AITC          the aitc to run (default: the one installed beside this file)
#   AIT_SANITIZE  asan or tsan: link the libait built with that sanitizer
#                 (add -fsanitize=address or -fsanitize=thread yourself)
#   AIT_NO_GENERATE_GOALS  goals that never run aitc (default: clean distclean)
#   AIT_ONE_RUN   1: generate all of AIT_FILES in one aitc run (default: one
#                 run per file). Files that implement an interface another
#                 declares are then generated together: a dyn call holds
#                 their impls' frames inline (no allocation), and the
#                 declarations of all are in the header of the file that
#                 declares the interface (the others' include it). Per file, the runs are
#                 independent (make -j runs them in parallel) and each header
#                 holds its own file only, but an impl of another file's
#                 interface is boxed: its frame is allocated per dyn call.
# It defines:
#   AIT_SRCS, AIT_HDRS, AIT_OBJS   the generated .c, .h, and their .o
#   AIT_CFLAGS    -I for the generated headers and ait.h
#   AIT_LIBS      libait and -lpthread, for the link line
#   $(call ait_depend,OBJS)  OBJS depend on every generated header
#
# How the rebuilds stay correct and minimal: aitc leaves an output whose
# content did not change untouched (so nothing is recompiled for nothing),
# and records each run in a stamp, $(AIT_OUT)/NAME.ait.d, which is also
# the depfile naming the .ait files NAME imports (with AIT_ONE_RUN, one
# stamp for the run, $(AIT_OUT)/ait-one-run.d, naming what every file
# imports). The stamps are included makefiles: make brings them up to date
# first (running aitc for exactly the .ait files that changed or import
# one that did; with AIT_ONE_RUN, aitc on all when any did), then re-reads
# everything and sees the generated files as they are now. Every generated
# file therefore exists before anything is compiled, whatever the goal.
# (make updates included makefiles even under -n and -q: those run aitc
# for the .ait files that changed too.)

ait_default_goal_ := $(.DEFAULT_GOAL)

# Where this file is: PREFIX/share/ait/ait.mk.
AIT_PREFIX := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../..)

AITC        ?= $(firstword $(wildcard $(AIT_PREFIX)/bin/aitc) aitc)
AITFLAGS    ?=
AIT_OUT     ?= gen
AIT_FILES   ?=
AIT_NO_GENERATE_GOALS ?= clean distclean
AIT_ONE_RUN ?=

ait_stem_ = $(notdir $(basename $(1)))
AIT_SRCS := $(foreach f,$(AIT_FILES),$(AIT_OUT)/$(call ait_stem_,$(f)).c)
AIT_HDRS := $(foreach f,$(AIT_FILES),$(AIT_OUT)/$(call ait_stem_,$(f)).h)
AIT_OBJS := $(AIT_SRCS:.c=.o)

AIT_LIB    := $(AIT_PREFIX)/lib/libait$(if $(AIT_SANITIZE),-$(AIT_SANITIZE)).a
AIT_CFLAGS := -I$(AIT_OUT) -I$(AIT_PREFIX)/include
AIT_LIBS   := $(AIT_LIB) -lpthread

# OBJS (the program's own objects) include generated headers.
ait_depend = $(eval $(1): $(AIT_HDRS))

# ait_rules_ STAMP,INPUTS,OUTPUTS,OBJS,OTHER: one aitc run of INPUTS.
# The stamp (also its depfile) depends on the inputs and aitc itself; the
# depfile adds the files they import. The OUTPUTS rule only runs when an
# output was deleted behind the stamp's back (not a grouped target, for
# GNU make before 4.3: a second run is harmless). OTHER: the stamps of the
# other mode, removed so that switching AIT_ONE_RUN regenerates everything
# (their outputs differ: a group's first header holds all, the others
# forward to it).
define ait_rules_
$(1): $(2) $(wildcard $(AITC))
	@mkdir -p $(AIT_OUT)
	@rm -f $(5)
	$(AITC) $(AITFLAGS) -o $(AIT_OUT) -MT $$@ -MF $$@ $(2)
	@touch $$@
$(3):
	$(AITC) $(AITFLAGS) -o $(AIT_OUT) $(2)
$(4): $(AIT_HDRS)
endef
ait_one_stamp_ := $(AIT_OUT)/ait-one-run.d
ifeq ($(filter-out 0,$(AIT_ONE_RUN)),)
# One aitc run per .ait file: NAME.ait gives the stamp $(AIT_OUT)/NAME.ait.d.
AIT_STAMPS := $(foreach f,$(AIT_FILES),$(AIT_OUT)/$(call ait_stem_,$(f)).ait.d)
ait_file_rules_ = $(call ait_rules_,$(AIT_OUT)/$(2).ait.d,$(1),$(AIT_OUT)/$(2).c $(AIT_OUT)/$(2).h,$(AIT_OUT)/$(2).o,$(ait_one_stamp_))
$(foreach f,$(AIT_FILES),$(eval $(call ait_file_rules_,$(f),$(call ait_stem_,$(f)))))
else
# One aitc run for all of AIT_FILES (in any order): one stamp.
AIT_STAMPS := $(ait_one_stamp_)
$(eval $(call ait_rules_,$(AIT_STAMPS),$(AIT_FILES),$(AIT_SRCS) $(AIT_HDRS),$(AIT_OBJS),$(AIT_OUT)/*.ait.d))
endif

# None of the rules here may become the default goal.
ifneq ($(MAKECMDGOALS),)
ifeq ($(filter-out $(AIT_NO_GENERATE_GOALS),$(MAKECMDGOALS)),)
ait_skip_ := 1
endif
endif
ifndef ait_skip_
-include $(AIT_STAMPS)
endif
.DEFAULT_GOAL := $(ait_default_goal_)
