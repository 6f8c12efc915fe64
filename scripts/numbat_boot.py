#!/usr/bin/env python3
"""Build a bootable GRUB ISO for Numbat and run it in QEMU: a module and a CLI.

One implementation serves `make run` (interactive: QEMU owns the terminal,
the serial port is multiplexed with the QEMU monitor on stdio, Ctrl-A X
quits), `make gdb`, and the host test runner `tests/run`, which imports this
file and calls the same functions.

User programs
  Every file in USER_DIR (default: the `user` directory beside the kernel
  ELF, so build/user) is packed into the ISO as the multiboot2 module named
  by its file name, with that name as its string.
  --prog PATH [--args "A B"]  also pack PATH (a static x86-64 ELF
        executable) as module NAME = its file name, with the string
        "NAME A B", put init=NAME on the kernel command line, boot, and exit
        with the program's own exit status: the kernel hands it to QEMU
        through isa-debug-exit, which exits with (status << 1) | 1, and this
        script undoes that (a death by signal arrives as 128 + signal).
        QEMU's status is one byte, so only the low 7 bits of the program's
        status survive it; the full status (128 + signal after a death by
        signal) is taken from the kernel's console line about init's end
        (the console is also logged to WORKDIR/console.log).
        A QEMU that ends otherwise (Ctrl-A X, a triple fault) exits 125.
        The kernel's panic status (0x12) reads as 18: the console shows which.

Exit status without --prog (kernel_exit_status): 0 after a poweroff or
  when every self-test passed (QEMU's 33), 35 when one failed, 37 after a
  panic or an oops, else QEMU's own status.

Topology
  --nodes "MEM:CPUS MEM:CPUS ..."   one entry per NUMA node, in node order.
        MEM is the node's RAM in MB; 0 makes a memory-less node.
        CPUS is a cpu list such as 0-1 or 0,2-3, or - for a CPU-less node.
  --nodes N        N nodes sharing --mem equally, CPUs split evenly.
  --nodes none     no NUMA arguments at all (QEMU then builds no SRAT/SLIT).
  --dist "10,20/20,10"  full NxN distance matrix, rows separated by /; may be
        asymmetric; the diagonal must be 10. Without it QEMU builds no SLIT.
  --numa RAW       literal QEMU -object/-numa arguments that replace the
        generated layout; -m is then --mem.
  Default: 2 nodes of MEM/2 each, CPUs split evenly.

QEMU 7.2 NUMA syntax used (verified by experiment):
  node with memory:  -object memory-backend-ram,id=mI,size=SIZEM
                     -numa node,nodeid=I,cpus=A-B,cpus=C,memdev=mI
  memory-less node:  -numa node,nodeid=I,cpus=A-B     (no memdev; allowed
                     while other nodes use memdev; size=0 backends are refused)
  CPU-less node:     -numa node,nodeid=I,memdev=mI    (no cpus=)
  distances:         -numa dist,src=I,dst=J,val=D     for every I != J
  A cpu list with several ranges needs one cpus= per range; "cpus=0,2-3"
  is parsed by QEMU as cpus=0 plus a boolean option "2-3".

Every value the Makefile passes may also come from the environment (SMP,
MEM, NODES, DIST, NUMA, CMDLINE, SCRIPT, MODULES, ACCEL, GDB, QEMUFLAGS);
an empty value counts as unset; a command-line flag wins.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

QEMU = "qemu-system-x86_64"
GRUB_MKRESCUE = "grub-mkrescue"
GRUB_PC_DIR = "/usr/lib/grub/i386-pc"   # BIOS-only image: fast, no mformat/EFI

DEFAULT_SMP = 4
DEFAULT_MEM_MB = 1024
DEFAULT_NODES = 2
LOCAL_DISTANCE = 10       # ACPI SLIT: a node's distance to itself
DEFAULT_REMOTE_DISTANCE = 20  # what the kernel assumes without a SLIT
MAX_DISTANCE = 255        # SLIT entries are one byte (255 = unreachable)

# Values the kernel writes to isa-debug-exit (port 0xf4); QEMU exits with
# (value << 1) | 1.
ISA_DEBUG_EXIT_PORT = 0xf4
EXIT_ALL_PASSED = (0x10 << 1) | 1   # 33
EXIT_SOME_FAILED = (0x11 << 1) | 1  # 35
EXIT_PANIC = (0x12 << 1) | 1        # 37

# GRUB's script lexer would eat or act on these in a multiboot2 command line
# (quotes, variables, blocks, statement separators, escapes, comments).
CMDLINE_FORBIDDEN = set(";'\"$`{}\\|&<>#")
MODULE_NAME_RE = re.compile(r"^[A-Za-z0-9._+-]+$")
MAX_BOOT_MODULES = 32        # kernel/bootinfo.h: the kernel ignores more
MODULE_STRING_MAX = 255      # bytes of "NAME ARGS..." accepted for a module
EXIT_NO_PROGRAM_STATUS = 125 # --prog: QEMU ended without the program's status

# ELF header fields checked for --prog (see elf(5)).
ELF_MAGIC = b"\x7fELF"
ELFCLASS64 = 2
ELFDATA2LSB = 1
ET_EXEC = 2
ET_DYN = 3
EM_X86_64 = 62
PT_INTERP = 3


class BootError(Exception):
    """A user-facing configuration or build error (printed without traceback)."""


# ---------------------------------------------------------------- topology

def parse_cpulist(text):
    """'0-1', '0,2-3' or '-' (none) -> sorted list of CPU numbers."""
    text = text.strip()
    if text in ("-", ""):
        return []
    cpus = []
    for part in text.split(","):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part.strip())
        if not m:
            raise BootError("bad cpu list %r (want e.g. 0-1, 0,2-3 or -)" % text)
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) is not None else lo
        if hi < lo:
            raise BootError("bad cpu range %r in %r" % (part, text))
        cpus.extend(range(lo, hi + 1))
    if len(set(cpus)) != len(cpus):
        raise BootError("cpu listed twice in %r" % text)
    return sorted(cpus)


def cpu_ranges(cpus):
    """Sorted CPU numbers -> list of (lo, hi) runs."""
    runs = []
    for c in sorted(cpus):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return [tuple(r) for r in runs]


def format_cpulist(cpus):
    """Sorted CPU numbers -> '0-1,4' ('-' when empty)."""
    if not cpus:
        return "-"
    return ",".join("%d" % lo if lo == hi else "%d-%d" % (lo, hi)
                    for lo, hi in cpu_ranges(cpus))


class Node:
    def __init__(self, mem_mb, cpus):
        self.mem_mb = mem_mb
        self.cpus = list(cpus)

    def __repr__(self):
        return "%d:%s" % (self.mem_mb, format_cpulist(self.cpus))

    def __eq__(self, other):
        return (self.mem_mb, self.cpus) == (other.mem_mb, other.cpus)


def split_evenly(smp, mem_mb, count):
    """count nodes sharing mem_mb and CPUs 0..smp-1 as evenly as possible."""
    if count < 1:
        raise BootError("need at least one node")
    nodes = []
    cpu = 0
    for i in range(count):
        ncpus = smp // count + (1 if i < smp % count else 0)
        mem = mem_mb // count + (1 if i < mem_mb % count else 0)
        nodes.append(Node(mem, range(cpu, cpu + ncpus)))
        cpu += ncpus
    return nodes


def parse_nodes(spec, smp=None, mem_mb=None):
    """Node spec -> list of Node, or None for 'none' (no NUMA arguments).

    spec is 'MEM:CPUS MEM:CPUS ...', an integer N (N equal nodes built from
    smp and mem_mb), or 'none'."""
    spec = spec.strip()
    if spec.lower() == "none":
        return None
    if re.fullmatch(r"\d+", spec):
        if smp is None or mem_mb is None:
            raise BootError("--nodes %s needs --smp and --mem" % spec)
        return split_evenly(smp, mem_mb, int(spec))
    nodes = []
    for item in spec.split():
        mem, sep, cpus = item.partition(":")
        if not sep or not re.fullmatch(r"\d+", mem):
            raise BootError("bad node %r (want MEM_MB:CPUS, e.g. 512:0-1 or 256:-)" % item)
        nodes.append(Node(int(mem), parse_cpulist(cpus)))
    if not nodes:
        raise BootError("empty node list")
    return nodes


def parse_dist(spec, count=None):
    """'10,20/20,10' -> [[10, 20], [20, 10]], checked to be a valid SLIT."""
    rows = [r.strip() for r in spec.strip().split("/")]
    try:
        matrix = [[int(v) for v in r.split(",")] for r in rows]
    except ValueError:
        raise BootError("bad distance matrix %r (want e.g. 10,20/20,10)" % spec)
    n = len(matrix)
    if any(len(r) != n for r in matrix):
        raise BootError("distance matrix %r is not square" % spec)
    if count is not None and n != count:
        raise BootError("distance matrix is %dx%d but there are %d nodes" % (n, n, count))
    for i in range(n):
        for j in range(n):
            d = matrix[i][j]
            if i == j and d != LOCAL_DISTANCE:
                raise BootError("distance %d->%d must be %d" % (i, j, LOCAL_DISTANCE))
            if i != j and not LOCAL_DISTANCE <= d <= MAX_DISTANCE:
                raise BootError("distance %d->%d = %d out of range %d..%d"
                                % (i, j, d, LOCAL_DISTANCE, MAX_DISTANCE))
    return matrix


def format_dist(matrix):
    return "/".join(",".join(str(v) for v in row) for row in matrix)


def default_dist(count):
    """The distances the kernel must assume when firmware gives no SLIT."""
    return [[LOCAL_DISTANCE if i == j else DEFAULT_REMOTE_DISTANCE
             for j in range(count)] for i in range(count)]


class Topology:
    """What QEMU is asked to build: CPUs, memory and (optionally) NUMA nodes.

    nodes None means no NUMA arguments (one implicit node, no SRAT/SLIT);
    raw_numa, when set, replaces the generated -object/-numa arguments."""

    def __init__(self, smp=DEFAULT_SMP, mem_mb=DEFAULT_MEM_MB, nodes=None,
                 dist=None, raw_numa=None):
        self.smp = smp
        self.mem_mb = mem_mb
        self.nodes = nodes
        self.dist = dist
        self.raw_numa = raw_numa
        self.validate()

    def validate(self):
        if self.smp < 1:
            raise BootError("smp must be at least 1")
        if self.raw_numa is not None:
            if self.mem_mb < 1:
                raise BootError("mem must be at least 1 MB")
            return
        if self.nodes is None:
            if self.dist is not None:
                raise BootError("a distance matrix needs NUMA nodes")
            if self.mem_mb < 1:
                raise BootError("mem must be at least 1 MB")
            return
        if sum(n.mem_mb for n in self.nodes) < 1:
            raise BootError("every node is memory-less; some node needs memory")
        seen = {}
        for i, n in enumerate(self.nodes):
            for c in n.cpus:
                if c >= self.smp:
                    raise BootError("node %d lists cpu %d but smp is %d" % (i, c, self.smp))
                if c in seen:
                    raise BootError("cpu %d is in node %d and node %d" % (c, seen[c], i))
                seen[c] = i
        for i, n in enumerate(self.nodes):
            if not n.cpus and not n.mem_mb and self.dist is None:
                # QEMU's SRAT names only nodes with CPUs or memory; such a
                # node shows up in the SLIT alone.
                raise BootError("node %d has neither CPUs nor memory; without a "
                                "distance matrix no firmware table mentions it" % i)
        missing = [c for c in range(self.smp) if c not in seen]
        if missing:
            # QEMU 7.2 only warns and puts them on node 0; later QEMUs refuse.
            raise BootError("cpus %s are in no node" % format_cpulist(missing))
        if self.dist is not None and len(self.dist) != len(self.nodes):
            raise BootError("distance matrix is %dx%d but there are %d nodes"
                            % (len(self.dist), len(self.dist), len(self.nodes)))

    def total_mem_mb(self):
        if self.nodes is None or self.raw_numa is not None:
            return self.mem_mb
        return sum(n.mem_mb for n in self.nodes)

    def numa_args(self):
        """The -object/-numa arguments for QEMU (empty without NUMA)."""
        if self.raw_numa is not None:
            return shlex.split(self.raw_numa)
        return numa_args(self.nodes, self.dist)

    def expect_args(self):
        """Kernel command-line options stating the topology the kernel
        should find (the self-tests compare them with ACPI). Only valid for
        generated layouts."""
        if self.raw_numa is not None:
            raise BootError("cannot state the expected topology of a raw NUMA string")
        if self.nodes is None:
            nodes = [Node(self.mem_mb, range(self.smp))]
        else:
            nodes = self.nodes
        dist = self.dist if self.dist is not None else default_dist(len(nodes))
        return [
            "expect.ncpus=%d" % self.smp,
            "expect.nodes=%d" % len(nodes),
            "expect.cpus=" + "/".join(format_cpulist(n.cpus) for n in nodes),
            "expect.mem=" + "/".join(str(n.mem_mb) for n in nodes),
            "expect.dist=" + format_dist(dist),
        ]

    def describe(self):
        if self.raw_numa is not None:
            return "smp=%d mem=%dM numa=%r" % (self.smp, self.mem_mb, self.raw_numa)
        if self.nodes is None:
            return "smp=%d mem=%dM, no NUMA" % (self.smp, self.mem_mb)
        s = "smp=%d nodes=%s" % (self.smp, " ".join(map(repr, self.nodes)))
        if self.dist is not None:
            s += " dist=" + format_dist(self.dist)
        return s


def numa_args(nodes, dist=None):
    """Nodes and an optional distance matrix -> QEMU -object/-numa arguments."""
    if nodes is None:
        return []
    args = []
    for i, node in enumerate(nodes):
        opts = ["node", "nodeid=%d" % i]
        for lo, hi in cpu_ranges(node.cpus):
            opts.append("cpus=%d" % lo if lo == hi else "cpus=%d-%d" % (lo, hi))
        if node.mem_mb > 0:
            args += ["-object", "memory-backend-ram,id=m%d,size=%dM" % (i, node.mem_mb)]
            opts.append("memdev=m%d" % i)
        args += ["-numa", ",".join(opts)]
    if dist is not None:
        for i, row in enumerate(dist):
            for j, d in enumerate(row):
                if i != j:
                    args += ["-numa", "dist,src=%d,dst=%d,val=%d" % (i, j, d)]
    return args


def make_topology(smp=None, mem_mb=None, nodes=None, dist=None, raw_numa=None):
    """Topology from the user's strings; unset (None/'') values take defaults.

    With neither nodes nor raw_numa: DEFAULT_NODES equal nodes. With an
    explicit node list and no smp, smp is the highest CPU listed + 1."""
    smp = int(smp) if smp not in (None, "") else None
    mem_mb = int(mem_mb) if mem_mb not in (None, "") else None
    raw_numa = raw_numa or None
    if raw_numa is not None:
        return Topology(smp or DEFAULT_SMP, mem_mb or DEFAULT_MEM_MB, raw_numa=raw_numa)
    if not nodes:
        nodes = str(DEFAULT_NODES)
    node_list = parse_nodes(nodes, smp or DEFAULT_SMP, mem_mb or DEFAULT_MEM_MB)
    if node_list is not None and smp is None:
        listed = [c for n in node_list for c in n.cpus]
        if not listed:
            raise BootError("no node lists a CPU")
        smp = max(listed) + 1
    smp = smp or DEFAULT_SMP
    matrix = None
    if dist:
        matrix = parse_dist(dist, len(node_list) if node_list else None)
    return Topology(smp, mem_mb or DEFAULT_MEM_MB, node_list, matrix)


# ---------------------------------------------------------------- ISO

def check_cmdline(cmdline):
    """Normalise whitespace; refuse what GRUB would mangle."""
    bad = sorted(set(ch for ch in cmdline if ch in CMDLINE_FORBIDDEN
                     or not (ch.isprintable() or ch in " \t") or ord(ch) > 126))
    if bad:
        raise BootError("kernel command line %r contains %s, which GRUB would "
                        "mangle; forbidden: %s"
                        % (cmdline, " ".join(repr(c) for c in bad),
                           "".join(sorted(CMDLINE_FORBIDDEN))))
    return " ".join(cmdline.split())


def parse_module(spec):
    """'PATH' or 'PATH:NAME' -> (path, name); NAME defaults to the basename."""
    path, name = spec, None
    head, sep, tail = spec.rpartition(":")
    if sep and head and MODULE_NAME_RE.match(tail) and "/" not in tail:
        path, name = head, tail
    if name is None:
        name = os.path.basename(path)
    if not MODULE_NAME_RE.match(name):
        raise BootError("module name %r: use only letters, digits and ._+-" % name)
    return path, name


def default_user_dir(elf):
    """Where the user programs built beside a kernel live: build/user for
    build/numbat.elf, build-release/user for build-release/numbat.elf."""
    return os.path.join(os.path.dirname(os.path.abspath(elf)), "user")


def user_programs(user_dir):
    """Every plain file of user_dir as (path, name), sorted by name; files
    whose names GRUB could not carry, and dot files, are skipped."""
    if not user_dir or not os.path.isdir(user_dir):
        return []
    progs = []
    for name in sorted(os.listdir(user_dir)):
        path = os.path.join(user_dir, name)
        if name.startswith(".") or not MODULE_NAME_RE.match(name) or not os.path.isfile(path):
            continue
        progs.append((path, name))
    return progs


def check_static_elf(path):
    """Refuse anything but a static x86-64 ELF executable (what Numbat's
    loader runs: linked at its address, no program interpreter)."""
    import struct
    if not os.path.isfile(path):
        raise BootError("program %s not found" % path)
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if len(head) < 64 or head[:4] != ELF_MAGIC:
                raise BootError("%s is not an ELF file" % path)
            if head[4] != ELFCLASS64 or head[5] != ELFDATA2LSB:
                raise BootError("%s is not a 64-bit little-endian ELF file" % path)
            e_type, e_machine = struct.unpack_from("<HH", head, 16)
            e_phoff, = struct.unpack_from("<Q", head, 32)
            e_phentsize, e_phnum = struct.unpack_from("<HH", head, 54)
            if e_machine != EM_X86_64:
                raise BootError("%s is not an x86-64 program (e_machine %d)" % (path, e_machine))
            interp = False
            for i in range(e_phnum):
                f.seek(e_phoff + i * e_phentsize)
                ph = f.read(4)
                if len(ph) == 4 and struct.unpack("<I", ph)[0] == PT_INTERP:
                    interp = True
    except OSError as e:
        raise BootError("cannot read %s: %s" % (path, e))
    if interp:
        raise BootError("%s is dynamically linked; build it with musl-gcc -static" % path)
    if e_type == ET_DYN:
        raise BootError("%s is position-independent (ET_DYN); build it with "
                        "musl-gcc -static (not -static-pie)" % path)
    if e_type != ET_EXEC:
        raise BootError("%s is not an executable (ELF type %d)" % (path, e_type))


def check_args(args):
    """Program arguments for a module string: the same characters as the
    kernel command line are refused (GRUB would mangle them)."""
    args = args or ""
    bad = sorted(set(ch for ch in args if ch in CMDLINE_FORBIDDEN
                     or not (ch.isprintable() or ch in " \t") or ord(ch) > 126))
    if bad:
        raise BootError("program arguments %r contain %s, which GRUB would mangle; "
                        "forbidden: %s" % (args, " ".join(repr(c) for c in bad),
                                           "".join(sorted(CMDLINE_FORBIDDEN))))
    return " ".join(args.split())


def program_status(qemu_status):
    """QEMU's exit status after init wrote value v to isa-debug-exit,
    (v << 1) | 1, back to v; None when QEMU ended some other way."""
    if qemu_status is None or qemu_status <= 0 or qemu_status % 2 == 0:
        return None
    return (qemu_status - 1) >> 1


def grub_cfg(cmdline, module_names):
    """module_names: names, or (name, string) pairs for a module whose
    string carries arguments."""
    # No timeout_style=hidden: with it GRUB 2.06 waits ~3 s under TCG even
    # at timeout=0; the plain menu with timeout=0 boots at once.
    lines = [
        "serial --unit=0 --speed=115200",
        "terminal_input serial",
        "terminal_output serial",
        "set timeout=0",
        'menuentry "numbat" {',
        "  multiboot2 /boot/numbat.elf %s" % cmdline if cmdline else
        "  multiboot2 /boot/numbat.elf",
    ]
    for m in module_names:
        name, string = (m, m) if isinstance(m, str) else m
        lines.append("  module2 /boot/mod/%s %s" % (name, string))
    lines += ["  boot", "}"]
    return "\n".join(lines) + "\n"


def plan_modules(modules=(), script=None, user_dir=None, prog=None, args=""):
    """The ISO's modules as (path, name, string) triples: the user programs
    of user_dir, then the explicit modules, the script, and prog (which
    replaces a user program of the same name, and carries args)."""
    mods = [parse_module(m) if isinstance(m, str) else tuple(m) for m in modules]
    if script:
        mods.append((script, "script"))
    names = [n for _, n in mods]
    dup = sorted(set(n for n in names if names.count(n) > 1))
    if dup:
        raise BootError("module name(s) used twice: %s" % ", ".join(dup))
    plan = [(p, n, n) for p, n in mods]
    if prog:
        check_static_elf(prog)
        name = os.path.basename(prog)
        if not MODULE_NAME_RE.match(name):
            raise BootError("program name %r: use only letters, digits and ._+-" % name)
        if name in names:
            raise BootError("program %s has the name of module %s" % (prog, name))
        args = check_args(args)
        plan.append((prog, name, name + (" " + args if args else "")))
        names.append(name)
    elif args:
        raise BootError("program arguments given without a program")
    plan = [(p, n, n) for p, n in user_programs(user_dir) if n not in names] + plan
    for path, name, string in plan:
        if not os.path.isfile(path):
            raise BootError("module %s not found" % path)
        if len(string) > MODULE_STRING_MAX:
            raise BootError("module string %r is longer than %d bytes"
                            % (string[:40] + "...", MODULE_STRING_MAX))
    if len(plan) > MAX_BOOT_MODULES:
        raise BootError("%d modules, but the kernel keeps only %d" % (len(plan), MAX_BOOT_MODULES))
    return plan


def build_iso(elf, workdir, cmdline="", modules=(), script=None, iso_name="numbat.iso",
              user_dir="", prog=None, args=""):
    """Lay out workdir/isodir and run grub-mkrescue; returns the ISO's path.

    modules are 'PATH' or 'PATH:NAME' strings or (path, name) pairs; script
    is a file of monitor commands, loaded as the module named 'script'.
    Every program of user_dir ("": the user directory beside elf; None:
    none) is a module too; prog is one more, with args in its string."""
    cmdline = check_cmdline(cmdline or "")
    if not os.path.isfile(elf):
        raise BootError("kernel %s not found (run make first)" % elf)
    if user_dir == "":
        user_dir = default_user_dir(elf)
    plan = plan_modules(modules, script, user_dir, prog, args)
    if shutil.which(GRUB_MKRESCUE) is None:
        raise BootError("%s not found; run scripts/install-deps" % GRUB_MKRESCUE)

    os.makedirs(workdir, exist_ok=True)
    isodir = os.path.join(workdir, "isodir")
    shutil.rmtree(isodir, ignore_errors=True)
    os.makedirs(os.path.join(isodir, "boot", "grub"))
    os.makedirs(os.path.join(isodir, "boot", "mod"))
    shutil.copyfile(elf, os.path.join(isodir, "boot", "numbat.elf"))
    for path, name, _ in plan:
        shutil.copyfile(path, os.path.join(isodir, "boot", "mod", name))
    with open(os.path.join(isodir, "boot", "grub", "grub.cfg"), "w") as f:
        f.write(grub_cfg(cmdline, [(n, string) for _, n, string in plan]))

    iso = os.path.join(workdir, iso_name)
    tmp = iso + ".tmp"
    cmd = [GRUB_MKRESCUE]
    if os.path.isdir(GRUB_PC_DIR):
        cmd += ["-d", GRUB_PC_DIR]   # BIOS only, even where EFI GRUB is installed
    cmd += ["--compress=no", "--locales=", "--fonts=", "--themes=", "-o", tmp, isodir]
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    if r.returncode != 0 or not os.path.isfile(tmp):
        raise BootError("grub-mkrescue failed (%s):\n%s" % (" ".join(cmd), r.stdout.rstrip()))
    os.replace(tmp, iso)
    return iso


# ---------------------------------------------------------------- QEMU

def qemu_command(iso, topology, serial="mon:stdio", accel="tcg", gdb=False,
                 qemuflags="", console_log=None, gdb_socket=None):
    """The QEMU argv. serial is a QEMU -serial value ('mon:stdio' for an
    interactive run, 'file:PATH' for tests). console_log, with serial
    'mon:stdio', also copies the console to that file (the same chardev
    mon:stdio builds, plus a logfile). gdb: stop at the first instruction
    and wait for gdb on tcp::1234, or with gdb_socket on that Unix socket
    (tests/test_gdb.py: no port another QEMU on the host could hold)."""
    accel = (accel or "tcg").lower()
    if accel == "kvm":
        accel_args = ["-accel", "kvm", "-cpu", "host"]
    elif accel == "tcg":
        accel_args = ["-accel", "tcg,thread=multi", "-cpu", "max"]
    else:
        raise BootError("unknown accel %r (tcg or kvm)" % accel)
    cmd = [QEMU, "-machine", "q35"] + accel_args + [
        "-smp", str(topology.smp),
        "-m", str(topology.total_mem_mb()),
        "-display", "none",
        "-no-reboot",
        "-device", "isa-debug-exit,iobase=0x%x,iosize=0x04" % ISA_DEBUG_EXIT_PORT,
        # -cdrom becomes "-drive file=ISO,..."; a comma in a path is doubled.
        "-cdrom", iso.replace(",", ",,"),
        "-boot", "d",
    ]
    if console_log and serial == "mon:stdio":
        cmd += ["-chardev", "stdio,id=con0,mux=on,logfile=%s" % console_log.replace(",", ",,"),
                "-serial", "chardev:con0", "-mon", "chardev=con0,mode=readline"]
    else:
        cmd += ["-serial", serial]
    cmd += topology.numa_args()
    if gdb and gdb_socket:
        cmd += ["-gdb", "unix:%s,server=on,wait=off" % gdb_socket.replace(",", ",,"), "-S"]
    elif gdb:
        cmd += ["-s", "-S"]
    if qemuflags:
        cmd += shlex.split(qemuflags)
    return cmd


def boot_quiet(cmd, timeout, qemu_log=None, live=None):
    """Run QEMU non-interactively (stdin /dev/null; the serial port should go
    to a file: serial='file:PATH' in qemu_command). QEMU's own stdout and
    stderr go to qemu_log. Returns (exit status, timed out?); on timeout
    QEMU is killed. live, if given, is a set that holds the Popen while it
    runs, so that another thread can kill it (see kill_group)."""
    out = open(qemu_log, "wb") if qemu_log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        if live is not None:
            live.add(proc)
        try:
            return proc.wait(timeout=timeout), False
        except subprocess.TimeoutExpired:
            kill_group(proc)
            return proc.wait(), True
        except BaseException:
            kill_group(proc)
            proc.wait()
            raise
        finally:
            if live is not None:
                live.discard(proc)
    finally:
        if qemu_log:
            out.close()


def kill_group(proc):
    """Kill a process started by boot_quiet (in its own session) and its group."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, 9)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass


# ---------------------------------------------------------------- CLI

def env(name):
    v = os.environ.get(name, "")
    return v if v.strip() != "" else None


def truthy(v):
    return v not in (None, "", "0", "no", "false", "n")


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    p = argparse.ArgumentParser(
        description="Build a GRUB ISO for the Numbat kernel and boot it in QEMU.",
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--elf", default=os.path.join(root, "build", "numbat.elf"),
                   help="kernel ELF (default build/numbat.elf)")
    p.add_argument("--workdir", default=os.path.join(root, "build", "run"),
                   help="where isodir/ and numbat.iso go (default build/run)")
    p.add_argument("--smp", default=env("SMP"), help="CPUs (default 4, or the highest CPU in --nodes + 1)")
    p.add_argument("--mem", default=env("MEM"), help="RAM in MB without --nodes (default 1024)")
    p.add_argument("--nodes", default=env("NODES"),
                   help='"MEM:CPUS ..." (e.g. "512:0-1 512:2-3"), N, or none')
    p.add_argument("--dist", default=env("DIST"), help='distance matrix, e.g. "10,20/20,10"')
    p.add_argument("--numa", default=env("NUMA"), help="raw QEMU -object/-numa arguments")
    p.add_argument("--cmdline", default=env("CMDLINE") or "", help="kernel command line")
    p.add_argument("--script", default=env("SCRIPT"),
                   help="file of monitor commands, loaded as module 'script'")
    p.add_argument("--module", action="append", default=None, metavar="PATH[:NAME]",
                   help="extra multiboot2 module (repeatable)")
    p.add_argument("--user-dir", default=env("USER_DIR") or "",
                   help="pack every program in this directory as a module "
                   "(default: user/ beside --elf, e.g. build/user)")
    p.add_argument("--prog", default=env("PROG"),
                   help="run this static x86-64 ELF as the first process (init=NAME) "
                   "and exit with its status")
    p.add_argument("--args", default=env("ARGS") or "",
                   help="arguments for --prog (in its module string)")
    p.add_argument("--accel", default=env("ACCEL") or "tcg", help="tcg (default) or kvm")
    p.add_argument("--gdb", action="store_true", default=truthy(env("GDB")),
                   help="wait for gdb on tcp::1234 (-s -S)")
    p.add_argument("--qemuflags", default=env("QEMUFLAGS") or "",
                   help="extra QEMU arguments, appended verbatim (shell-split)")
    p.add_argument("--serial", default="mon:stdio",
                   help="QEMU -serial value (default mon:stdio)")
    p.add_argument("--iso-only", action="store_true",
                   help="build the ISO, print its path and stop")
    p.add_argument("--print-cmd", action="store_true",
                   help="print the QEMU command (shell-quoted) instead of running it; "
                   "builds nothing unless --iso-only is also given")
    a = p.parse_args(argv)
    modules = a.module if a.module is not None else (env("MODULES") or "").split()
    try:
        topo = make_topology(a.smp, a.mem, a.nodes, a.dist, a.numa)
        iso = os.path.join(a.workdir, "numbat.iso")
        console_log = os.path.join(a.workdir, "console.log") if a.prog else None
        cmd = qemu_command(iso, topo, serial=a.serial, accel=a.accel,
                           gdb=a.gdb, qemuflags=a.qemuflags, console_log=console_log)
        cmdline = check_cmdline(a.cmdline)
        if a.prog:
            check_static_elf(a.prog)
            if any(w.startswith("init=") for w in cmdline.split()):
                raise BootError("--prog puts init= on the command line; CMDLINE has one already")
            cmdline = (cmdline + " init=" + os.path.basename(a.prog)).strip()
        if not a.print_cmd or a.iso_only:
            build_iso(a.elf, a.workdir, cmdline, modules, a.script,
                      user_dir=a.user_dir, prog=a.prog, args=a.args)
    except BootError as e:
        print("numbat_boot: error: %s" % e, file=sys.stderr)
        return 2
    if a.print_cmd:
        print(" ".join(shlex.quote(c) for c in cmd))
        return 0
    if a.iso_only:
        print(iso)
        return 0
    if shutil.which(cmd[0]) is None:
        print("numbat_boot: error: %s not found; run scripts/install-deps" % cmd[0],
              file=sys.stderr)
        return 2
    if a.gdb:
        print("numbat_boot: QEMU waits for gdb on localhost:1234 "
              "(gdb build/numbat.elf -ex 'target remote :1234')", file=sys.stderr)
    if a.serial == "mon:stdio" and sys.stdin.isatty():
        print("numbat_boot: %s; Ctrl-A X quits, Ctrl-A C toggles the QEMU monitor"
              % topo.describe(), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    if a.prog:
        return run_program(cmd, os.path.basename(a.prog), console_log)
    try:
        qemu_status = subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130
    return kernel_exit_status(qemu_status)


# The kernel's line when init ends (kernel/proc/run.c, describe_status).
INIT_EXIT_RE = re.compile(r"(\S+) \(pid \d+\) (?:exited with status (\d+)|killed by signal (\d+))")


def init_status_from_log(text, name, low_bits):
    """The full exit status (0..255) from the kernel's last report of init
    `name`, provided it agrees with the 7 bits QEMU's status carried; else
    None."""
    found = None
    for m in INIT_EXIT_RE.finditer(text):
        if m.group(1) != name:
            continue
        status = int(m.group(2)) if m.group(2) is not None else 128 + int(m.group(3))
        if status & 0x7f == low_bits:
            found = status
    return found


def kernel_exit_status(qemu_status):
    """This script's exit status for QEMU's, without --prog: success for a
    poweroff and for self-tests that all passed, the failure statuses kept
    as they are, with a line saying what they mean."""
    why = {EXIT_SOME_FAILED: "some self-tests failed", EXIT_PANIC: "the kernel panicked or oopsed"}
    if qemu_status in (0, EXIT_ALL_PASSED):
        return 0
    if qemu_status < 0:
        print("numbat_boot: QEMU was killed by signal %d" % -qemu_status, file=sys.stderr)
        return 128 - qemu_status
    print("numbat_boot: %s (QEMU exit status %d)" % (why.get(qemu_status, "QEMU failed"), qemu_status),
          file=sys.stderr)
    return qemu_status


def run_program(cmd, name, console_log=None):
    """Run QEMU for --prog and return the program's exit status.

    QEMU's own status is one byte, (v << 1) | 1, so it carries only v's
    low 7 bits: a death by signal, 128 + sig, comes back as sig. The
    kernel's console line about init's end gives the rest."""
    if console_log and os.path.exists(console_log):
        os.remove(console_log)
    try:
        qemu_status = subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130
    status = program_status(qemu_status)
    if status is None:
        print("numbat_boot: QEMU exited with status %d without %s's exit status"
              % (qemu_status, name), file=sys.stderr)
        return EXIT_NO_PROGRAM_STATUS
    if console_log and os.path.exists(console_log):
        with open(console_log, "rb") as f:
            full = init_status_from_log(f.read().decode("utf-8", "replace"), name, status)
        if full is not None:
            status = full
    if status > 128:
        print("numbat_boot: %s: exit status %d (128 + signal %d)" % (name, status, status - 128),
              file=sys.stderr)
    elif status:
        print("numbat_boot: %s exited with status %d" % (name, status), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
