# ait.mk: make rules for .ait files (installed as PREFIX/share/ait/ait.mk).
#
#   AIT_OUT := gen                   # where generated code goes (default: gen)
#   include /usr/local/share/ait/ait.mk
#   SRCS := main.c $(call ait_sources,store.ait service.ait)
#   CFLAGS += -I$(AIT_OUT) $(shell pkg-config --cflags ait)
#   LDLIBS += $(shell pkg-config --libs ait)
#   app: $(SRCS:.c=.o)
#   main.o: $(call ait_headers,store.ait service.ait)
#
# One aitc run writes both $(AIT_OUT)/NAME.h and $(AIT_OUT)/NAME.c from
# $(AIT_SRCDIR)/NAME.ait, and a depfile that names the files it imports,
# so editing an import regenerates its importers. aitc leaves an output
# whose content did not change untouched, so objects are only rebuilt when
# the generated code really changed (make then runs aitc again on later
# builds, which is cheap, until the .ait's output changes).

AITC       ?= aitc
AITFLAGS   ?=
AIT_OUT    ?= gen
AIT_SRCDIR ?= .

ait_sources = $(addprefix $(AIT_OUT)/,$(notdir $(patsubst %.ait,%.c,$(1))))
ait_headers = $(addprefix $(AIT_OUT)/,$(notdir $(patsubst %.ait,%.h,$(1))))

$(AIT_OUT)/%.c $(AIT_OUT)/%.h: $(AIT_SRCDIR)/%.ait
	$(AITC) $(AITFLAGS) -o $(AIT_OUT) -MF $(AIT_OUT)/$*.ait.d $<

# The depfiles' rules must not become the default goal.
ait_default_goal_ := $(.DEFAULT_GOAL)
-include $(wildcard $(AIT_OUT)/*.ait.d)
.DEFAULT_GOAL := $(ait_default_goal_)
