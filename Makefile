# splitsim — one flat GNU Makefile, out-of-tree build in $(BUILD)/.
#   make            build build/splitsim
#   make run        install missing packages, build, run the main job
#   make check      install missing packages, build with -Werror, run all tests
#   make asan       the same tests under AddressSanitizer + UBSan (build-asan/)
#   make bench      solver and sweep benchmarks
#   make install PREFIX=/usr/local DESTDIR=
#   make format / format-check / check-deps

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
OPT     ?= -O2 -g
PKGS    := gsl libcjson hdf5 yaml-0.1
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wvla
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libhdf5 is not linked: profiles/store_h5.c loads it when a store is opened
# (its ~40 dependencies would cost ~12 ms at every start; docs/ARCHITECTURE.md).
PKG_LIBS   = $(shell pkg-config --libs $(filter-out hdf5,$(PKGS)) 2>/dev/null)
HDF5_LIBS  = $(shell pkg-config --libs hdf5 2>/dev/null)
HDF5_SO   := $(firstword $(wildcard $(patsubst -L%,%/libhdf5.so,\
               $(filter -L%,$(shell pkg-config --libs-only-L hdf5 2>/dev/null)))) \
               $(shell $(CC) -print-file-name=libhdf5.so 2>/dev/null))
HDF5_SONAME := $(shell objdump -p $(HDF5_SO) 2>/dev/null | awk '$$1 == "SONAME" {print $$2}')
TEST_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
TEST_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null)

CPPFLAGS += -D_POSIX_C_SOURCE=200809L -DSPLITSIM_VERSION='"$(VERSION)"' -I.
CFLAGS   += $(WARN) $(OPT) $(EXTRA_CFLAGS) $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -ldl -lpthread -lm

# Library folders, lowest layer first (see docs/ARCHITECTURE.md).
LIB_DIRS := common solver profiles scenarios sim plots
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
TOOL_SRCS := $(wildcard tools/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
BENCH_SRCS := $(wildcard tests/bench/*.c)

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
LIB       := $(BUILD)/libsplitsim.a
BIN       := $(BUILD)/splitsim

.PHONY: all deps run check test unit cli asan bench install format FORCE \
        format-check check-deps clean store
.DELETE_ON_ERROR:

all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/profiles/store_h5.o: CPPFLAGS += \
  -DSS_HDF5_SONAME='"$(or $(HDF5_SONAME),libhdf5.so)"' \
  -DSS_HDF5_PATH='"$(realpath $(HDF5_SO))"'

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(TOOL_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(TOOL_OBJS) $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) \
	  $(TEST_LIBS) $(HDF5_LIBS) $(LDLIBS)

$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O3 -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

# MPI (OpenMPI's mpicc): only tools/mpi_units.c talks to MPI. When mpicc is
# found it is compiled with -DSPLITSIM_MPI and tools/mpi_dl.c loads libmpi
# when `run --mpi` starts (not linked: its dependencies would slow every
# start); otherwise it compiles to "this build has no MPI" answers. NO_MPI=1
# forces the plain build.
MPICC     ?= mpicc
ifeq ($(NO_MPI),)
MPI_CFLAGS := $(shell $(MPICC) --showme:compile 2>/dev/null)
MPI_LIBS   := $(shell $(MPICC) --showme:link 2>/dev/null)
endif
ifneq ($(strip $(MPI_LIBS)),)
MPI_SO     := $(firstword $(wildcard $(patsubst -L%,%/libmpi.so,$(filter -L%,$(MPI_LIBS)))))
MPI_SONAME := $(shell objdump -p $(MPI_SO) 2>/dev/null | awk '$$1 == "SONAME" {print $$2}')
$(BUILD)/obj/tools/mpi_units.o $(BUILD)/obj/tools/mpi_dl.o: CPPFLAGS += -DSPLITSIM_MPI
$(BUILD)/obj/tools/mpi_units.o $(BUILD)/obj/tools/mpi_dl.o: CFLAGS += $(MPI_CFLAGS)
$(BUILD)/obj/tools/mpi_dl.o: CPPFLAGS += \
  -DSS_MPI_SONAME='"$(or $(MPI_SONAME),$(MPI_SO),libmpi.so)"'
endif
# Rebuild the MPI file and relink when MPI appears or goes away.
MPI_MODE := $(if $(strip $(MPI_LIBS)),mpi,none)
$(BUILD)/mpi-mode: FORCE
	@mkdir -p $(BUILD) && echo $(MPI_MODE) | cmp -s - $@ || echo $(MPI_MODE) >$@
$(BUILD)/obj/tools/mpi_units.o $(BUILD)/obj/tools/mpi_dl.o $(BIN): $(BUILD)/mpi-mode
FORCE:

-include $(LIB_OBJS:.o=.d) $(TOOL_OBJS:.o=.d)

# Install missing Debian packages (no-op when everything is present).
deps:
	@sh tools/install-deps.sh

# The embedded default store, built from the committed measured profiles.
DEFAULT_STORE := $(BUILD)/default-profiles.h5
DEFAULT_SRCS  := $(wildcard profiles/default/*.csv profiles/default/*.json)
$(DEFAULT_STORE): $(BIN) $(DEFAULT_SRCS)
	rm -f $@
	$(BIN) import -q -o $@ $(wildcard profiles/default/*.csv)
store: $(DEFAULT_STORE)

run: deps
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory store
	@sh tools/run-main-job.sh $(BIN) $(DEFAULT_STORE)

unit: $(UNIT_BINS)
	@sh tests/run-unit.sh $(BUILD)/tests $(UNIT_BINS)

cli: $(BIN) $(DEFAULT_STORE)
	@SPLITSIM=$(BIN) BUILD=$(BUILD) sh tests/cli/run.sh

test: unit cli fuzz-replay

check: deps
	@sh tools/install-torch.sh || echo "check: PyTorch could not be installed; profiler tests will be skipped"
	@command -v chromium >/dev/null 2>&1 || sh tools/install-apt.sh install-chromium chromium || \
	  echo "check: chromium could not be installed; the report-rendering test will be skipped"
	@if command -v clang-format >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory format-check; fi
	$(MAKE) --no-print-directory EXTRA_CFLAGS=-Werror check-deps test
	@if [ -z "$$SPLITSIM_NO_ASAN" ]; then \
	  $(MAKE) --no-print-directory asan; fi

asan:
	$(MAKE) --no-print-directory BUILD=build-asan OPT='-O1 -g' \
	  EXTRA_CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer' \
	  LDFLAGS='-fsanitize=address,undefined' test

BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)
bench: $(BIN) $(BENCH_BINS)
	@sh tests/bench/run.sh $(BUILD)

check-deps:
	@sh tools/check-deps.sh
	@sh tools/check-long.sh

install: $(BIN) $(DEFAULT_STORE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/splitsim/profiles \
	  $(DESTDIR)$(PREFIX)/share/doc/splitsim/docs
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/splitsim
	install -m 644 $(DEFAULT_STORE) $(DESTDIR)$(PREFIX)/share/splitsim/default-profiles.h5
	install -m 644 $(DEFAULT_SRCS) $(DESTDIR)$(PREFIX)/share/splitsim/profiles/
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/splitsim/
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/splitsim/docs/

FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRCS) && echo "format-check: ok"

clean:
	rm -rf build build-asan build-*

# Fuzzing (make fuzz), corpus replay (part of every test run) and valgrind.
include tests/fuzz/fuzz.mk
