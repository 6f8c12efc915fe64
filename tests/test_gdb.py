"""Checks scripts/gdb/numbat.py, the nb- commands, against a booted kernel.

    python3 tests/test_gdb.py        (make test runs it; needs `make` first)

One short boot: build/user/hello runs as the first process (init=hello) on
2 CPUs, QEMU waits for gdb on a Unix socket (-S: no TCP port to collide
with another QEMU on the host), and one batch gdb loads the script, breaks
in sys_write (so a user process exists and is in the kernel), runs every
command once and kills QEMU. Each test then checks one command's part of
that output. The kernel's structures and the script must change together:
this is what tells.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import numbat_boot as nb  # noqa: E402

ELF = os.path.join(ROOT, "build", "numbat.elf")
SCRIPT = os.path.join(ROOT, "scripts", "gdb", "numbat.py")
WORKDIR = os.path.join(ROOT, "build", "test", "gdb")
GDB_TIMEOUT_S = 180          # a loaded host boots slowly under TCG
MARK = "@@@ "                # starts the line before each command's output

NB_COMMANDS = ("nb-ps", "nb-dmesg", "nb-percpu", "nb-rq", "nb-vmas", "nb-slabinfo", "nb-bt")

# (label, gdb command): each command's output is kept under its label.
COMMANDS = [
    ("threads", "info threads"),
    ("ps", "nb-ps"),
    ("dmesg", "nb-dmesg"),
    ("cpu_number", "nb-percpu cpu_number"),
    ("cpu_number 1", "nb-percpu cpu_number 1"),
    ("this_cpu_off 1", "nb-percpu this_cpu_off 1"),
    ("offset 1", "output/x __per_cpu_offset[1]"),
    ("current_task", "nb-percpu current_task"),
    ("cpu_slab 1", "nb-percpu *kmalloc_caches[0].cpu_slab 1"),
    ("not percpu", "nb-percpu mm_counter_names"),
    ("nb_current", "output $nb_current()->comm"),
    ("rq", "nb-rq"),
    ("rq 1", "nb-rq 1"),
    ("vmas", "nb-vmas 1"),
    ("vmas tree", "nb-vmas 1 -t"),
    ("vmas kthread", "nb-vmas 2"),
    ("vmas nobody", "nb-vmas 99999"),
    ("slabinfo", "nb-slabinfo"),
    ("bt rcuc", "nb-bt 2"),
    ("bt running", "nb-bt 1"),
] + [("help " + c, "help " + c) for c in NB_COMMANDS]

MAPS_RE = re.compile(r"^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][ps] 00000000 00:0[01] 0 *( (\[heap\]|\[stack\]|/dev/zero \(deleted\)))?$")


def run_session():
    """Boot, run the commands in gdb; -> (gdb output, CPU that hit the
    breakpoint, {label: output lines})."""
    gdb = shutil.which("gdb")
    if gdb is None:
        raise RuntimeError("gdb not found: run scripts/install-deps")
    for f in (ELF, os.path.join(ROOT, "build", "user", "hello")):
        if not os.path.isfile(f):
            raise RuntimeError("%s missing: run make first" % f)
    os.makedirs(WORKDIR, exist_ok=True)
    serial = os.path.join(WORKDIR, "serial.log")
    iso = nb.build_iso(ELF, WORKDIR, "init=hello quiet",
                       prog=os.path.join(ROOT, "build", "user", "hello"), args="gdb")
    sockdir = tempfile.mkdtemp(prefix="numbat-gdb-")    # short: a socket path is < 108 bytes
    sock = os.path.join(sockdir, "gdb.sock")
    cmd = nb.qemu_command(iso, nb.make_topology(2, 256, "none"), serial="file:" + serial,
                          gdb=True, gdb_socket=sock)
    qemu_log = open(os.path.join(WORKDIR, "qemu.log"), "wb")
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qemu_log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(sock):
            if qemu.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("QEMU did not open its gdb socket (see %s/qemu.log)" % WORKDIR)
            time.sleep(0.05)
        argv = [gdb, "-batch", "-nx", "-x", SCRIPT, ELF,
                "-ex", "set pagination off", "-ex", "set width 0",
                "-ex", "target remote " + sock, "-ex", "break sys_write", "-ex", "continue"]
        for label, command in COMMANDS:
            argv += ["-ex", "echo \\n%s%s\\n" % (MARK, label), "-ex", command]
        argv += ["-ex", "echo \\n%send\\n" % MARK, "-ex", "kill"]
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True,
                           timeout=GDB_TIMEOUT_S, cwd=ROOT)
        out = r.stdout
    finally:
        nb.kill_group(qemu)
        qemu.wait()
        qemu_log.close()
        shutil.rmtree(sockdir, ignore_errors=True)
    with open(os.path.join(WORKDIR, "gdb.log"), "w") as f:
        f.write(out)
    m = re.search(r"Thread (\d+) hit Breakpoint \S+ sys_write", out)
    if not m:
        raise RuntimeError("gdb never stopped in sys_write; its output:\n" + out[-3000:])
    sections, label = {}, None
    for line in out.splitlines():
        if line.startswith(MARK):
            label = line[len(MARK):]
            sections[label] = []
        elif label is not None and line.strip():
            sections[label].append(line)
    return out, int(m.group(1)) - 1, sections


class GdbCommandsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out, cls.cpu, cls.sections = run_session()

    def section(self, label):
        self.assertIn(label, self.sections, "no output for %r; gdb said:\n%s"
                      % (label, self.out[-3000:]))
        return self.sections[label]

    def text(self, label):
        return "\n".join(self.section(label))

    def assertLine(self, label, pattern):
        lines = self.section(label)
        self.assertTrue(any(re.search(pattern, l) for l in lines),
                        "no line of %r matches %r:\n%s" % (label, pattern, "\n".join(lines)))

    def test_one_thread_per_cpu(self):
        self.assertLine("threads", r"Thread 1\.1 \(CPU#0")
        self.assertLine("threads", r"Thread 1\.2 \(CPU#1")

    def test_ps(self):
        self.assertLine("ps", r"^\s+0\s+0\s+0\s+\S+\s+0x[0-9a-f]+\s+idle/0 \[kernel\]$")
        self.assertLine("ps", r"^\s+0\s+0\s+1\s+\S+\s+0x[0-9a-f]+\s+idle/1 \[kernel\]$")
        self.assertLine("ps", r"^\s+\d+\s+\d+\s+\d\s+(blocked|sleeping|runnable|running)\s+0x[0-9a-f]+\s+rcuc/0 \[kernel\]$")
        self.assertLine("ps", r"^\s+1\s+1\s+%d\s+running\s+0x[0-9a-f]+\s+hello$" % self.cpu)

    def test_dmesg(self):
        self.assertLine("dmesg", r"^\[ *\d+\.\d{6}\] cpu0: Numbat teaching kernel, command line: init=hello quiet")
        self.assertLine("dmesg", r"cpu0: smp: 2 of 2 CPUs online$")

    def test_percpu(self):
        self.assertEqual(self.section("cpu_number"), ["cpu%d: cpu_number = %d" % (self.cpu, self.cpu)])
        self.assertEqual(self.section("cpu_number 1"), ["cpu1: cpu_number = 1"])
        # each CPU's this_cpu_off holds its own offset: the arithmetic found its copy
        offset = int(self.section("offset 1")[0], 16)
        self.assertNotEqual(offset, 0)
        self.assertEqual(self.section("this_cpu_off 1"), ["cpu1: this_cpu_off = %d" % offset])
        self.assertLine("cpu_slab 1", r"^cpu1: \*kmalloc_caches\[0\]\.cpu_slab = \{freelist = ")
        self.assertLine("not percpu", r"is not per-CPU data")

    def test_current_is_the_process_in_sys_write(self):
        task = re.search(r"^\s+1\s+1\s+\d+\s+\S+\s+(0x[0-9a-f]+)\s+hello$", self.text("ps"), re.M)
        self.assertIsNotNone(task)
        self.assertLine("current_task", r"^cpu%d: current_task = %s"
                        % (self.cpu, task.group(1)))
        self.assertLine("nb_current", r'"hello\\000')

    def test_rq(self):
        self.assertLine("rq", r"^cpu%d: rq 0x[0-9a-f]+  curr hello \(pid 1\)  nr_running 1 " % self.cpu)
        self.assertLine("rq", r"^cpu%d: rq 0x[0-9a-f]+  curr \S+ " % (1 - self.cpu))
        self.assertLine("rq", r"^  queue: ")
        self.assertTrue(all(l.startswith(("cpu1:", "  queue")) for l in self.section("rq 1")))

    def test_vmas(self):
        lines = self.section("vmas")
        self.assertGreaterEqual(len(lines), 3, lines)
        for l in lines:
            self.assertRegex(l, MAPS_RE)
        self.assertTrue(any(re.match(r"^0*400000-", l) for l in lines), lines)
        self.assertTrue(any(" r-xp " in l for l in lines), lines)
        self.assertTrue(lines[-1].endswith(" [stack]"), lines)
        starts = [int(l.split("-")[0], 16) for l in lines]
        self.assertEqual(starts, sorted(starts))

    def test_vmas_tree(self):
        tree = self.section("vmas tree")
        depths = [l for l in tree if l.startswith("    depth ")]
        self.assertEqual(len(depths), len(self.section("vmas")))
        self.assertIn("    depth 0 black", "\n".join(depths))   # the root
        self.assertLine("vmas kthread", r"has no mm")
        self.assertLine("vmas nobody", r"no task with pid 99999")

    def test_slabinfo(self):
        self.assertLine("slabinfo", r"^slabinfo - version: 2\.1$")
        self.assertLine("slabinfo", r"^kmalloc-64 +\d+ +\d+ +\d+ +\d+ +\d+ : tunables +0 +0 +0 : slabdata ")
        m = re.search(r"^vm_area_struct +(\d+) +(\d+) ", self.text("slabinfo"), re.M)
        self.assertIsNotNone(m, self.text("slabinfo"))
        vmas = len(self.section("vmas"))
        self.assertGreaterEqual(int(m.group(1)), vmas)    # hello's VMAs at least
        self.assertGreaterEqual(int(m.group(2)), int(m.group(1)))

    def test_bt_of_a_sleeping_task(self):
        # pid 2 is rcuc/0 (test_ps), asleep in its kthread loop
        self.assertLine("bt rcuc", r"^#0  0x[0-9a-f]+ <schedule\+\d+> at kernel/sched/core\.c:\d+$")
        self.assertLine("bt rcuc", r"<kthread_entry\+\d+>")
        self.assertLine("bt running", r"^pid 1 runs on cpu%d now: `thread %d` and `bt`$"
                        % (self.cpu, self.cpu + 1))

    def test_help(self):
        for c in NB_COMMANDS:
            first = self.section("help " + c)[:1]
            self.assertTrue(first and not first[0].startswith("Undefined"), (c, first))

    def test_no_python_errors(self):
        self.assertNotIn("Python Exception", self.out)


if __name__ == "__main__":
    unittest.main()
