# Numbat: build, boot and test.
#
#   make            build build/numbat.elf
#   make iso        build build/run/numbat.iso as `make run` would boot it
#   make run        install what is missing, build, boot in QEMU to the monitor
#   make test       install, check the layers, build, run every self-test suite on every topology
#   make check-layers  check that no #include goes up a layer (docs/layers.md)
#   make bench      boot a release build (build-release, DEBUG=0), print the benchmarks, write their CSV and plots
#   make bench-plots  redraw the plots from build-release/bench/bench.csv without booting
#   make torture    run every torture suite (tests/torture) for DURATION seconds (default 60) on SMP CPUs (default 4); a stall fails them
#   make fuzz       boot the system-call fuzzer (user/fuzz.c) as init: SEED, CALLS (default 100000), SMP (4), 2 nodes;
#                   fails on an oops, a warning, a hang, a leak or a failed check of its own (tests/fuzz)
#   make fuzz-diff  the same SEED and CALLS in differential mode on Numbat and under Linux 6.12, hashes compared
#   make gdb        attach gdb to a `make run GDB=1`, with the nb- commands (scripts/gdb/)
#   make compdb     write compile_commands.json for clangd from this Makefile's commands
#   make format-check  report drift from .clang-format in the lines changed since main (or FILES="a.c b.h")
#   make user       build the user programs only (user/*.c -> build/user/NAME, musl-gcc -static)
#   make test-user-host  run every usertest_* suite on this host's Linux, the reference
#
# Variables for run (defaults: 4 CPUs, 1024 MB on 2 nodes): SMP MEM NODES DIST NUMA CMDLINE SCRIPT ACCEL QEMUFLAGS GDB
# PROG ARGS (see README.md): `make run PROG=path/to/static-elf ARGS="a b"` runs that
# program as the first process and exits with its status. TESTFLAGS passes options to tests/run, e.g.
# TESTFLAGS="--topology n2 --suite acpi".
# CROSS_COMPILE=x86_64-elf- builds the kernel with a cross toolchain instead of the host
# gcc; user programs are always built with musl-gcc (USER_CC), which wraps the host gcc.

CROSS_COMPILE ?=
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
NM      := $(CROSS_COMPILE)nm
OBJCOPY := $(CROSS_COMPILE)objcopy
PYTHON  ?= python3

BUILD   ?= build
DEBUG   ?= 1

SMP       ?=
MEM       ?=
NODES     ?=
DIST      ?=
NUMA      ?=
CMDLINE   ?=
SCRIPT    ?=
ACCEL     ?= tcg
QEMUFLAGS ?=
GDB       ?=
PROG      ?=
ARGS      ?=
TESTFLAGS ?=
BENCHFLAGS ?=
DURATION  ?= 60
SEED      ?=
CALLS     ?=
FUZZFLAGS ?=
FILES     ?=

CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
	-mno-mmx -mno-sse -mno-sse2 -mno-avx -mgeneral-regs-only \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-tree-loop-distribute-patterns -fno-strict-aliasing -fno-common -fno-toplevel-reorder -fno-optimize-sibling-calls \
	-Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration -Werror=return-type \
	-I. -MMD -MP -DCONFIG_DEBUG=$(DEBUG)
ASFLAGS := -I. -D__ASSEMBLY__ -MMD -MP
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

SRCS := $(shell find boot arch kernel tests/kernel -name '*.c' -o -name '*.S' 2>/dev/null | sort)
OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(SRCS)))

.PHONY: all user iso run test test-user-host bench bench-plots torture fuzz fuzz-diff gdb deps clean check-symbols compdb format-check check-layers
all: $(BUILD)/numbat.elf user

# V=1 shows the full commands
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

# Two links: the first image's function symbols become the table linked into
# the second (kernel/symbols.h). .ksyms sits after all code, so no function
# moves between the two; check-symbols proves it on every build.
$(BUILD)/ksyms-empty.S: scripts/gen-ksyms
	@mkdir -p $(BUILD)
	$(Q)scripts/gen-ksyms $(NM) - > $@
$(BUILD)/numbat.pass1.elf: $(OBJS) $(BUILD)/ksyms-empty.o linker.ld
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms-empty.o
$(BUILD)/ksyms.S: $(BUILD)/numbat.pass1.elf scripts/gen-ksyms
	$(Q)scripts/gen-ksyms $(NM) $< > $@
$(BUILD)/%.o: $(BUILD)/%.S
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@
$(BUILD)/numbat.elf: $(OBJS) $(BUILD)/ksyms.o linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms.o
	@$(NM) -n $(BUILD)/numbat.pass1.elf | grep -i ' t ' > $(BUILD)/syms1.txt
	@$(NM) -n $@ | grep -i ' t ' > $(BUILD)/syms2.txt
	@cmp -s $(BUILD)/syms1.txt $(BUILD)/syms2.txt || { echo "symbol table moved code between link passes"; rm -f $@; exit 1; }

# User programs: each user/NAME.c is one static Linux x86-64 program,
# build/user/NAME; every file there is packed into the ISO as the GRUB
# module NAME (scripts/numbat_boot.py). Headers shared by the programs live
# in user/lib; dependency files go to $(BUILD)/obj/user so that build/user
# holds programs only.
USER_CC     ?= musl-gcc
USER_CFLAGS := -static -O2 -std=gnu11 -pthread -Wall -Wextra -Wno-unused-parameter \
	-Werror=implicit-function-declaration -Iuser/lib -MMD -MP
USER_SRCS   := $(sort $(wildcard user/*.c))
USER_PROGS  := $(patsubst user/%.c,$(BUILD)/user/%,$(USER_SRCS))

user: $(USER_PROGS)

$(BUILD)/user/%: user/%.c Makefile
	@mkdir -p $(dir $@) $(BUILD)/obj/user
	@$(if $(Q),echo "  USERCC  $<")
	$(Q)$(USER_CC) $(USER_CFLAGS) -MF $(BUILD)/obj/user/$*.d -MT $@ -o $@ $<

deps:
	@scripts/install-deps

BOOT = $(PYTHON) scripts/numbat_boot.py --elf $(BUILD)/numbat.elf --workdir $(BUILD)/run \
	$(if $(SMP),--smp $(SMP)) $(if $(MEM),--mem $(MEM)) --accel $(ACCEL) \
	$(if $(NODES),--nodes "$(NODES)") $(if $(DIST),--dist "$(DIST)") \
	$(if $(NUMA),--numa "$(NUMA)") $(if $(CMDLINE),--cmdline "$(CMDLINE)") \
	$(if $(SCRIPT),--script "$(SCRIPT)") $(if $(QEMUFLAGS),--qemuflags "$(QEMUFLAGS)") \
	$(if $(filter-out 0,$(GDB)),--gdb) \
	$(if $(PROG),--prog "$(PROG)") $(if $(ARGS),--args "$(ARGS)")

iso: all
	$(BOOT) --iso-only

run: deps
	@$(MAKE) --no-print-directory all
	$(BOOT)

# The layer check first: it reads sources only, so it fails in a second.
test: deps check-layers
	@$(MAKE) --no-print-directory all
	@$(PYTHON) -m unittest discover -s tests -p 'test_*.py'
	@$(PYTHON) tests/user-host --no-build
	$(PYTHON) tests/run --no-build $(TESTFLAGS)

check-layers:
	@$(PYTHON) scripts/check-layers

# The user test suites on the host's own Linux kernel: the reference
# behaviour the same binaries must show on Numbat.
test-user-host: deps
	@$(MAKE) --no-print-directory user
	$(PYTHON) tests/user-host --no-build

# SMP=N (default 4) CPUs on 2 nodes; BENCHFLAGS passes options to tests/bench.
# Besides the text: build-release/bench/bench.csv and a PNG per benchmark;
# bench-plots redraws the PNGs from the CSV without booting.
bench: deps
	$(PYTHON) tests/bench $(if $(SMP),--smp $(SMP)) $(BENCHFLAGS)

bench-plots: deps
	$(PYTHON) tests/bench --plots-only

# Every torture suite (the list is TORTURE_SUITES in tests/torture), one
# boot of SMP CPUs (default 4) on two nodes, each suite running DURATION
# seconds; ends with one SUCCESS or FAILURE line per suite. SUITES="a b"
# runs only those (globs).
torture: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) tests/torture --no-build --duration $(DURATION) $(if $(SMP),--smp $(SMP)) $(foreach s,$(SUITES),--suite '$(s)')

# The system-call fuzzer as init (user/fuzz.c, tests/fuzz): SEED (default 1),
# CALLS (default 100000), SMP CPUs (default 4) on 2 nodes (FUZZFLAGS="--nodes 1": one);
# FUZZFLAGS passes options to tests/fuzz (e.g. --workers 1, --args "-t 100-200").
# fuzz-diff runs `fuzz -d` on Numbat and under Linux and compares their hashes.
FUZZ = $(PYTHON) tests/fuzz --no-build $(if $(SMP),--smp $(SMP)) $(FUZZFLAGS)
fuzz: deps
	@$(MAKE) --no-print-directory all
	$(FUZZ) $(if $(SEED),--seed $(SEED)) $(if $(CALLS),--calls $(CALLS))

fuzz-diff: deps
	@$(MAKE) --no-print-directory all
	$(FUZZ) --diff $(or $(SEED),1) $(or $(CALLS),20000)

# The nb- commands (scripts/gdb/numbat.py) read the kernel's tasks, log,
# per-CPU data, runqueues, VMAs and slabs from memory; docs/debugging.md.
gdb:
	gdb -x scripts/gdb/numbat.py $(BUILD)/numbat.elf -ex 'target remote :1234'

# Editor support: compile_commands.json holds the commands `make -n` shows
# (scripts/compdb), so it follows every change of flags; .clangd drops the
# gcc-only ones. format-check is advisory, never part of make test.
compdb:
	@$(PYTHON) scripts/compdb --make "$(MAKE)"

format-check: deps
	@$(PYTHON) scripts/format-check $(FILES)

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(patsubst user/%.c,$(BUILD)/obj/user/%.d,$(USER_SRCS))
