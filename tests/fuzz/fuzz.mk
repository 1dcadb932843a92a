# Fuzzing, corpus replay and valgrind (docs/reliability.md). Included from
# the Makefile after its variables are set:
#   make fuzz [FUZZ_SECONDS=10] [FUZZ_ONLY="pickle csv"]
#                       build the libFuzzer harnesses with clang
#                       (-fsanitize=fuzzer,address,undefined) into
#                       $(BUILD)/fuzz/ and run each for FUZZ_SECONDS with its
#                       seed corpus and dictionary (installs clang and
#                       libclang-rt-14-dev when missing)
#   make fuzz-replay    every corpus and regression file through every harness,
#                       built with $(CC) and the current flags (so under
#                       ASan+UBSan in `make asan`); needs no clang
#   make valgrind       every unit test, the corpus replays and the
#                       command-line tests under valgrind --leak-check=full

FUZZ_NAMES   := pickle csv network json scenario store trace
FUZZ_ONLY    ?= $(FUZZ_NAMES)
FUZZ_SECONDS ?= 10
FUZZ_CC      ?= clang
# Extra compiler flags for the libFuzzer build only, e.g.
# FUZZ_EXTRA=-DFUZZ_TOLERATE_KNOWN to keep fuzzing past open bugs that have a
# reproducer in tests/fuzz/regressions/ (see docs/reliability.md).
FUZZ_EXTRA   ?=
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_COMMON  := tests/fuzz/fuzz_util.c tests/fuzz/fuzz_util.h
FUZZ_REPLAY_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz-replay/replay_%)

.PHONY: fuzz fuzz-build fuzz-bins fuzz-replay valgrind

# Replay binaries: the harness with tests/fuzz/replay.c as main().
$(BUILD)/fuzz-replay/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c \
                               $(FUZZ_COMMON) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ tests/fuzz/replay.c \
	  tests/fuzz/fuzz_$*.c tests/fuzz/fuzz_util.c $(LIB) $(LDFLAGS) $(LDLIBS)

fuzz-replay: $(FUZZ_REPLAY_BINS)
	@sh tests/fuzz/run.sh replay $(BUILD)/fuzz-replay $(FUZZ_NAMES)

# libFuzzer binaries. fuzz-bins runs in a sub-make whose BUILD is
# $(BUILD)/fuzz and whose CC and flags instrument the whole library.
$(BUILD)/bin/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ \
	  tests/fuzz/fuzz_$*.c tests/fuzz/fuzz_util.c $(LIB) $(LDFLAGS) $(LDLIBS)

fuzz-bins: $(FUZZ_ONLY:%=$(BUILD)/bin/fuzz_%)

fuzz-build:
	@sh tools/install-fuzz-deps.sh
	$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
	  BUILD=$(BUILD)/fuzz CC=$(FUZZ_CC) \
	  OPT='-O1 -g' EXTRA_CFLAGS='$(FUZZ_SAN) -fsanitize=fuzzer-no-link $(FUZZ_EXTRA)' \
	  LDFLAGS='$(FUZZ_SAN)' FUZZ_ONLY='$(FUZZ_ONLY)' fuzz-bins

fuzz: fuzz-build
	@sh tests/fuzz/run.sh fuzz $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_ONLY)

valgrind: $(UNIT_BINS) $(FUZZ_REPLAY_BINS) $(BIN) $(DEFAULT_STORE)
	@sh tests/valgrind.sh $(BUILD) $(UNIT_BINS)
