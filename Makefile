# SPDX-License-Identifier: GPL-2.0
#
# pinio: the only build entry point. `make help` lists targets and knobs.
#
# Sources are found with wildcards, so a new file in a source folder is
# built without touching this file. Objects go under $(O)/obj/, mirroring
# the source tree; $(O)/.flags records the compiler and flags, and a change
# of knobs rebuilds everything rather than mixing objects of two builds.
# The TSan and benchmark builds use their own output directories.

include scripts/Makefile.include

LIB_SRCS := $(sort $(wildcard mm/*.c lib/*.c block/*.c drivers/block/*.c \
			      fs/*.c fs/*/*.c sim/*.c sim/scenarios/*.c))
TEST_SRCS := $(sort $(wildcard tests/kunit/*.c tests/*.c tests/scenarios/*.c tests/ops/*.c))
TOOL_SRCS := $(sort $(wildcard tools/pinio/*.c))
BENCH_SRCS := $(sort $(wildcard bench/*.c))
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
# A target's own parts beside its fuzz/fuzz_NAME.c live in fuzz/NAME/.
FUZZ_PART_SRCS := $(sort $(wildcard fuzz/*/*.c))
OPS_SRCS := $(sort $(wildcard tests/ops/*.c))
HDRS := $(sort $(wildcard include/pinio/*.h))

OBJDIR := $(O)/obj
obj = $(patsubst %.c,$(OBJDIR)/%.o,$(1))
LIB_OBJS := $(call obj,$(LIB_SRCS))
TEST_OBJS := $(call obj,$(TEST_SRCS))
TOOL_OBJS := $(call obj,$(TOOL_SRCS))
# The CLI's modules without main(), linked into the test binary too.
TOOLLIB_OBJS := $(filter-out $(OBJDIR)/tools/pinio/main.o,$(TOOL_OBJS))
BENCH_OBJS := $(call obj,$(BENCH_SRCS))
FUZZ_OBJS := $(call obj,$(FUZZ_SRCS) $(FUZZ_PART_SRCS) fuzz/replay.c)
fuzz_parts = $(call obj,$(filter fuzz/$(1)/%,$(FUZZ_PART_SRCS)))
OPS_OBJS := $(call obj,$(OPS_SRCS))

LIB := $(O)/libpinio.a
TOOLLIB := $(O)/libpiniotool.a
KUNIT := $(O)/tests/kunit
PINIO := $(O)/pinio
BENCH_DIR ?= $(O)/bench
BENCH_BINS := $(patsubst bench/%.c,$(BENCH_DIR)/%,$(BENCH_SRCS))
HDRCHECK := $(patsubst include/pinio/%.h,$(O)/hdrcheck/%.ok,$(HDRS))
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(FUZZ_SRCS))
REPLAY_BINS := $(patsubst %,$(O)/replay/%,$(FUZZ_TARGETS))
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 20
SOAK_SECONDS ?= 3600

FLAGS_STAMP := $(O)/.flags
OBJS_STAMP := $(O)/.objs
TOOLOBJS_STAMP := $(O)/.toolobjs
FLAGS_SIG := $(CC) | $(CPPFLAGS) | $(CFLAGS) | $(LDFLAGS) | $(LDLIBS)

KUNIT_ARGS := $(if $(TESTS),-f '$(TESTS)') $(if $(SEED),-s $(SEED)) $(KUNIT_FLAGS)

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:
.PHONY: all test check tsan bench __bench hdrcheck lint model fuzz __fuzz fuzz-smoke \
	replay valgrind __valgrind coverage __coverage_locked __coverage soak fault-exhaustive run clean help FORCE

all: $(LIB) $(if $(TOOL_SRCS),$(PINIO))

# Rewrite a stamp file only when its content changes, so that its mtime
# says when the recorded flags (or object list) last changed.
define update-stamp
	@mkdir -p $(@D)
	@printf '%s\n' '$(subst ','\'',$(1))' | cmp -s - $@ || \
		printf '%s\n' '$(subst ','\'',$(1))' > $@
endef

$(FLAGS_STAMP): FORCE
	$(call update-stamp,$(FLAGS_SIG))

$(OBJS_STAMP): FORCE
	$(call update-stamp,$(LIB_OBJS))

$(TOOLOBJS_STAMP): FORCE
	$(call update-stamp,$(TOOLLIB_OBJS))

$(OBJDIR)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call msg,CC,$*.o)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Recreated from scratch so that objects of deleted sources do not linger.
$(LIB): $(LIB_OBJS) $(OBJS_STAMP)
	$(call msg,AR,libpinio.a)
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIB_OBJS)

$(TOOLLIB): $(TOOLLIB_OBJS) $(TOOLOBJS_STAMP)
	$(call msg,AR,libpiniotool.a)
	$(Q)rm -f $@ && $(AR) rcs $@ $(TOOLLIB_OBJS)

$(KUNIT): $(TEST_OBJS) $(TOOLLIB) $(LIB) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call msg,LD,tests/kunit)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TEST_OBJS) $(TOOLLIB) $(LIB) $(LDLIBS)

$(PINIO): $(TOOL_OBJS) $(LIB) $(FLAGS_STAMP)
	$(call msg,LD,pinio)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TOOL_OBJS) $(LIB) $(LDLIBS)

$(BENCH_DIR)/%: $(OBJDIR)/bench/%.o $(LIB) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call msg,LD,bench/$*)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# dio_bench is bench/dio_bench.c plus its pieces in bench/dio/; its
# random_ops case drives the random tester of tests/ops/.
BENCH_OPS_OBJS := $(call obj,$(sort $(wildcard tests/ops/*.c)))
BENCH_DIO_OBJS := $(call obj,$(sort $(wildcard bench/dio/*.c)))
$(BENCH_DIR)/dio_bench: $(OBJDIR)/bench/dio_bench.o $(BENCH_DIO_OBJS) $(BENCH_OPS_OBJS) $(LIB) \
			$(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call msg,LD,bench/dio_bench)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS)

test check: $(KUNIT)
	$(Q)$(KUNIT) $(KUNIT_ARGS)

# The concurrency stress cases under ThreadSanitizer, in their own O dir.
tsan:
	$(Q)$(MAKE) --no-print-directory O=$(O)/tsan SAN=thread test \
		TESTS='$(or $(TESTS),*stress*)'

# Benchmarks are always optimized: no sanitizers, no DEBUG_VM.
bench:
ifeq ($(BENCH_SRCS),)
	@echo "bench: no benchmarks in bench/ yet"
else
	$(Q)$(MAKE) --no-print-directory O=$(O)/bench-obj BENCH_DIR=$(O)/bench \
		SAN= DEBUG_VM= __bench
endif

__bench: $(BENCH_BINS)
	$(Q)set -e; for b in $(BENCH_BINS); do echo "# $$b"; $$b; done

# libFuzzer targets (fuzz/fuzz_*.c, linked with tests/ops/), built by
# clang-14 with ASan+UBSan and DEBUG_VM into $(O)/fuzz/.
fuzz:
	$(Q)$(MAKE) --no-print-directory O=$(O)/fuzz CC=$(FUZZ_CC) SAN=1 DEBUG_VM=1 \
		EXTRA_CFLAGS=-fsanitize=fuzzer-no-link __fuzz

__fuzz: $(patsubst %,$(O)/%,$(FUZZ_TARGETS))

.SECONDEXPANSION:
$(O)/fuzz_%: $(OBJDIR)/fuzz/fuzz_%.o $$(call fuzz_parts,$$*) $(OPS_OBJS) $(TOOLLIB) $(LIB) \
		$(FLAGS_STAMP)
	$(call msg,LD,fuzz_$*)
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(TOOLLIB) $(LIB) $(LDLIBS)

# The same targets with fuzz/replay.c's main(), built by $(CC): corpus replay.
$(O)/replay/%: $(OBJDIR)/fuzz/replay.o $(OBJDIR)/fuzz/%.o $$(call fuzz_parts,$$(subst fuzz_,,$$*)) \
		$(OPS_OBJS) $(TOOLLIB) $(LIB) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call msg,LD,replay/$*)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(TOOLLIB) $(LIB) $(LDLIBS)

# Replay every committed corpus (gcc), then run each fuzzer FUZZ_SECONDS.
fuzz-smoke: $(REPLAY_BINS)
	$(Q)$(MAKE) --no-print-directory fuzz
	$(Q)O='$(O)' FUZZ_SECONDS='$(FUZZ_SECONDS)' bash scripts/fuzz-smoke.sh $(FUZZ_TARGETS)

# Only the corpus replay, with $(CC): no clang needed.
replay: $(REPLAY_BINS)
	$(Q)set -e; for t in $(FUZZ_TARGETS); do $(O)/replay/$$t fuzz/corpus/$$t; done

# Memcheck over the scenario suites and the corpus replays (gcc -O2, no
# sanitizers, DEBUG_VM): no error, nothing definitely or indirectly lost.
VALGRIND_TESTS ?= scenario*
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
valgrind:
	$(Q)$(MAKE) --no-print-directory O=$(O)/valgrind SAN= DEBUG_VM=1 __valgrind

__valgrind: $(KUNIT) $(REPLAY_BINS)
	$(Q)$(VALGRIND) $(KUNIT) -t 0 -f '$(or $(TESTS),$(VALGRIND_TESTS))' $(if $(SEED),-s $(SEED))
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
		echo "valgrind: replay/$$t"; $(VALGRIND) $(O)/replay/$$t fuzz/corpus/$$t; done
	@echo "valgrind: 0 errors, 0 bytes definitely or indirectly lost"

# Line coverage (gcc --coverage -O0, gcovr) of the full suite and the corpus
# replays, per file of COVERAGE_FILES (scripts/coverage-files); each must
# reach COVERAGE_MIN percent.
COVERAGE_FILES ?= $(shell grep -v '^\#' scripts/coverage-files)
COVERAGE_MIN ?= 90
#
# The run holds $(O)/coverage/.lock (flock): a second `make coverage` on the
# same O refuses to start, and `make clean` keeps $(O)/coverage while the
# lock is held. Removing the objects while the suite runs (.ci/run's
# `make clean`) leaves only the .gcda files libgcov writes at exit, and
# every file reports NO DATA.
COVERAGE_LOCK = $(O)/coverage/.lock
coverage:
	@mkdir -p $(O)/coverage
	$(Q)start=$$(date +%s); \
	flock -n -E 75 $(COVERAGE_LOCK) $(MAKE) --no-print-directory __coverage_locked; rc=$$?; \
	if [ $$rc -eq 75 ]; then echo "coverage: another make coverage holds $(COVERAGE_LOCK)"; \
	else echo "coverage: $$(( $$(date +%s) - start )) s"; fi; exit $$rc

# Failing cases and replays are listed (the KTAP output is kept in
# $(O)/coverage/kunit.ktap, stderr in kunit.stderr) but do not fail the
# target: `make test` judges the suite; coverage fails only on a file
# below the floor or without data. (Cases with wall-clock limits can time
# out at -O0 on a loaded machine.)
__coverage_locked:
	$(Q)bash scripts/coverage-prep.sh $(O)/coverage/obj
	$(Q)$(MAKE) --no-print-directory O=$(O)/coverage SAN= DEBUG_VM=1 \
		EXTRA_CFLAGS='--coverage -fprofile-update=atomic -O0' EXTRA_LDLIBS=--coverage \
		__coverage
	$(Q)bash scripts/coverage.sh $(O)/coverage $(COVERAGE_MIN) $(COVERAGE_FILES)

__coverage: $(KUNIT) $(REPLAY_BINS)
	$(Q)rc=0; PINIO_FS_TIMEOUT=$${PINIO_FS_TIMEOUT:-600} \
		$(KUNIT) -t 0 $(if $(TESTS),-f '$(TESTS)') $(if $(SEED),-s $(SEED)) \
		> $(O)/kunit.ktap 2> $(O)/kunit.stderr || rc=$$?; \
	grep -E '^ *not ok ' $(O)/kunit.ktap || true; tail -n 1 $(O)/kunit.ktap; \
	[ $$rc -eq 0 ] || echo "coverage: WARNING: the suite failed (exit $$rc), see $(O)/kunit.ktap"; \
	for t in $(FUZZ_TARGETS); do \
		$(O)/replay/$$t fuzz/corpus/$$t > $(O)/replay-$$t.log 2>&1 || \
			echo "coverage: WARNING: replay/$$t failed, see $(O)/replay-$$t.log"; \
		tail -n 1 $(O)/replay-$$t.log; \
	done

# Every allocation of every scenario R01-R25 failed in turn (hours: R01 and
# R09 make about 10^5 allocations each); CI runs a sample in the suite.
fault-exhaustive: $(KUNIT)
	$(Q)PINIO_FAULT_ALL=1 $(KUNIT) -t 0 -f 'fault_scenarios.*'

# Long random runs until SOAK_SECONDS have passed (0: until stopped):
# random_ops sequences (checked per op), the throughput mode, and the TSan
# stress cases (built in $(O)/tsan; SOAK_TSAN=0 skips them). scripts/soak.sh.
soak: $(KUNIT)
	$(Q)$(if $(filter 0,$(SOAK_TSAN)),,$(MAKE) --no-print-directory O=$(O)/tsan SAN=thread \
		$(O)/tsan/tests/kunit &&) \
	SOAK_SECONDS=$(SOAK_SECONDS) $(if $(SEED),SEED=$(SEED)) bash scripts/soak.sh $(KUNIT) \
		$(if $(filter 0,$(SOAK_TSAN)),,$(O)/tsan/tests/kunit)

# Each public header must compile on its own.
hdrcheck: $(HDRCHECK)

$(O)/hdrcheck/%.ok: include/pinio/%.h $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call msg,HDRCHK,pinio/$*.h)
	$(Q)printf '#include <pinio/%s.h>\n' '$*' | \
		$(CC) $(CPPFLAGS) $(CFLAGS) -Werror -x c -c -o /dev/null \
		-MMD -MP -MF $(@:.ok=.d) -MT $@ - && touch $@

lint:
	$(Q)bash scripts/check-style.sh
	$(Q)if command -v shellcheck >/dev/null 2>&1; then \
		shellcheck .ci/run scripts/*.sh && echo "lint: shellcheck ok"; \
	else \
		echo "lint: shellcheck not installed, skipped"; \
	fi

# The Spin model of the DMA-lifetime protocol: the correct model must verify
# (safety and LTL), each deliberately broken variant must be caught.
model:
	$(Q)bash scripts/run-model.sh

ifeq ($(TOOL_SRCS),)
run:
	@echo "run: the pinio CLI is not built yet (no sources in tools/pinio/)"; exit 1
else
run: all $(KUNIT)
	$(Q)$(PINIO) run $(ARGS)
endif

# A coverage run in progress (it holds $(COVERAGE_LOCK)) keeps its tree.
clean:
	$(call msg,CLEAN,$(O))
	$(Q)if [ -e $(COVERAGE_LOCK) ] && ! flock -n $(COVERAGE_LOCK) true; then \
		echo "clean: kept $(O)/coverage, a make coverage run holds $(COVERAGE_LOCK)"; \
		find $(O) -mindepth 1 -maxdepth 1 ! -name coverage -exec rm -rf {} +; \
	else \
		rm -rf $(O); \
	fi

help:
	@echo 'Targets:'
	@echo '  all (default)  build $(O)/libpinio.a (and $(O)/pinio when tools/pinio/ has sources)'
	@echo '  test, check    build $(O)/tests/kunit and run it'
	@echo '  tsan           run the *stress* cases under ThreadSanitizer (O=$(O)/tsan)'
	@echo '  bench          build bench/*.c into $(O)/bench/ (-O2, no sanitizers) and run them'
	@echo '  hdrcheck       compile every include/pinio/*.h alone with -Werror'
	@echo '  lint           scripts/check-style.sh, and shellcheck when installed'
	@echo '  model          Spin: verify model/dma_lifetime.pml; broken variants must fail'
	@echo '  fuzz           build fuzz/fuzz_*.c with clang-14 + libFuzzer + ASan/UBSan into $(O)/fuzz/'
	@echo '  fuzz-smoke     replay fuzz/corpus/ (gcc), then run each fuzzer FUZZ_SECONDS (default 20)'
	@echo '  replay         replay fuzz/corpus/ only, built by $$(CC)'
	@echo '  valgrind       memcheck: VALGRIND_TESTS (default scenario*) and the corpus replays'
	@echo '  coverage       gcovr line coverage of scripts/coverage-files, each >= COVERAGE_MIN (90)'
	@echo '  soak           random_ops (per-op and throughput mode) + TSan stress for SOAK_SECONDS (default 3600; 0: until stopped)'
	@echo '  fault-exhaustive  fail every allocation of every scenario R01-R25 in turn (hours)'
	@echo '  run            build everything and run `$(O)/pinio run $$ARGS`'
	@echo '  clean          remove $(O)/'
	@echo '  help           this text'
	@echo 'Knobs:'
	@echo '  CC=gcc         compiler (gcc default; clang-14 works)'
	@echo '  SAN=1          ASan + UBSan, -Og (SAN=thread: TSan, -O1)'
	@echo '  DEBUG_VM=1     -DDEBUG_VM: VM_BUG_ON*() and validators compiled in'
	@echo '  WERROR=1       warnings are errors'
	@echo '  V=1            print full commands'
	@echo '  O=dir          output directory (default build)'
	@echo '  TESTS=glob     test: run only suite.case names matching glob (-f)'
	@echo '  SEED=n         test: random seed (-s); default is time-based and printed'
	@echo '  KUNIT_FLAGS=   test: more runner options (-v verbose, -l long, -t secs timeout)'
	@echo '  ARGS=          run: arguments after `pinio run`'
	@echo '  EXTRA_CFLAGS=  extra compiler flags; EXTRA_LDLIBS= extra objects/libraries to link'

FORCE:

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(TOOL_OBJS:.o=.d) \
	$(BENCH_OBJS:.o=.d) $(BENCH_DIO_OBJS:.o=.d) $(OPS_OBJS:.o=.d) $(HDRCHECK:.ok=.d) \
	$(FUZZ_OBJS:.o=.d)
