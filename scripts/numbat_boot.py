#!/usr/bin/env python3
"""Build a bootable GRUB ISO for Numbat and run it in QEMU: a module and a CLI.

One implementation serves `make run` (interactive: QEMU owns the terminal,
the serial port is multiplexed with the QEMU monitor on stdio, Ctrl-A X
quits), `make gdb`, and the host test runner `tests/run`, which imports this
file and calls the same functions.

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


def grub_cfg(cmdline, module_names):
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
    lines += ["  module2 /boot/mod/%s %s" % (n, n) for n in module_names]
    lines += ["  boot", "}"]
    return "\n".join(lines) + "\n"


def build_iso(elf, workdir, cmdline="", modules=(), script=None, iso_name="numbat.iso"):
    """Lay out workdir/isodir and run grub-mkrescue; returns the ISO's path.

    modules are 'PATH' or 'PATH:NAME' strings or (path, name) pairs; script
    is a file of monitor commands, loaded as the module named 'script'."""
    cmdline = check_cmdline(cmdline or "")
    if not os.path.isfile(elf):
        raise BootError("kernel %s not found (run make first)" % elf)
    mods = [parse_module(m) if isinstance(m, str) else tuple(m) for m in modules]
    if script:
        mods.append((script, "script"))
    names = [n for _, n in mods]
    dup = sorted(set(n for n in names if names.count(n) > 1))
    if dup:
        raise BootError("module name(s) used twice: %s" % ", ".join(dup))
    for path, _ in mods:
        if not os.path.isfile(path):
            raise BootError("module %s not found" % path)
    if shutil.which(GRUB_MKRESCUE) is None:
        raise BootError("%s not found; run scripts/install-deps" % GRUB_MKRESCUE)

    os.makedirs(workdir, exist_ok=True)
    isodir = os.path.join(workdir, "isodir")
    shutil.rmtree(isodir, ignore_errors=True)
    os.makedirs(os.path.join(isodir, "boot", "grub"))
    os.makedirs(os.path.join(isodir, "boot", "mod"))
    shutil.copyfile(elf, os.path.join(isodir, "boot", "numbat.elf"))
    for path, name in mods:
        shutil.copyfile(path, os.path.join(isodir, "boot", "mod", name))
    with open(os.path.join(isodir, "boot", "grub", "grub.cfg"), "w") as f:
        f.write(grub_cfg(cmdline, names))

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
                 qemuflags=""):
    """The QEMU argv. serial is a QEMU -serial value ('mon:stdio' for an
    interactive run, 'file:PATH' for tests)."""
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
        "-serial", serial,
    ]
    cmd += topology.numa_args()
    if gdb:
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
        cmd = qemu_command(iso, topo, serial=a.serial, accel=a.accel,
                           gdb=a.gdb, qemuflags=a.qemuflags)
        check_cmdline(a.cmdline)
        if not a.print_cmd or a.iso_only:
            build_iso(a.elf, a.workdir, a.cmdline, modules, a.script)
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
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
