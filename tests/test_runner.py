"""Self-check of the host harness: the KTAP parser and judge in tests/run,
the topology/QEMU/GRUB helpers and the user-program packing in
scripts/numbat_boot.py, tests/user-host's wrapping of user suites, and
scripts/check-layers on made-up source trees.

    python3 -m unittest discover -s tests -p 'test_runner.py'
    python3 tests/test_runner.py

Standard library only; boots nothing.
"""

import os
import shutil
import struct
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scriptload  # noqa: E402

run = scriptload.load("numbat_tests_run", "tests/run")
user_host = scriptload.load("numbat_tests_user_host", "tests/user-host")
check_layers = scriptload.load("numbat_check_layers", "scripts/check-layers")
nb = run.nb


def log(text):
    return textwrap.dedent(text).lstrip("\n")


PASS_LOG = log("""
    \x1b[H\x1b[J\x1b[1;1H  Booting `numbat'\r
    [    0.000000] Numbat booting on 4 CPUs\r
    KTAP version 1\r
    1..2\r
        KTAP version 1\r
        # Subtest: topology\r
        1..3\r
        ok 1 nodes_match\r
    [    0.120000] a kernel log line in the middle\r
        ok 2 cpus_match\r
        ok 3 dist_match\r
    ok 1 topology\r
        KTAP version 1\r
        # Subtest: percpu\r
        1..2\r
        ok 1 this_cpu_inc\r
        ok 2 alloc_percpu # SKIP needs 2 nodes\r
    ok 2 percpu\r
    # numbat: 4 passed, 0 failed, 1 skipped\r
""")

FAIL_LOG = log("""
    KTAP version 1
    1..2
        KTAP version 1
        # Subtest: topology
        1..3
        ok 1 nodes_match
        # cpus_match: node 1: expected 2-3, found 2
        # at tests/kernel/topology.c:42
        not ok 2 cpus_match
        ok 3 dist_match
    not ok 1 topology
        KTAP version 1
        # Subtest: vma
        1..1
        ok 1 find_vma
    ok 2 vma
""")

TRUNCATED_LOG = log("""
    KTAP version 1
    1..3
        KTAP version 1
        # Subtest: slab
        1..2
        ok 1 alloc_free
    ok 1 slab
        KTAP version 1
        # Subtest: mempolicy
        1..4
        ok 1 interleave
    [    2.000000] BUG: unable to handle page fault for address 0xdead
    [    2.000001] RIP: mpol_rebind+0x12/0x40
""")

DEEP_LOG = log("""
    KTAP version 1
    1..1
        KTAP version 1
        # Subtest: user
        1..2
            KTAP version 1
            # Subtest: mmap
            1..2
            ok 1 anon
            not ok 2 file
        not ok 1 mmap
        ok 2 fork
    not ok 1 user
""")


class ParserTest(unittest.TestCase):
    def rows(self, text):
        return {name: (c.passed, c.failed, c.skipped) for name, c in
                run.count_report(run.parse_ktap(text))}

    def test_pass_with_noise_and_skip(self):
        self.assertEqual(self.rows(PASS_LOG), {"topology": (3, 0, 0), "percpu": (1, 0, 1)})

    def test_fail_keeps_diagnostics(self):
        rows = run.count_report(run.parse_ktap(FAIL_LOG))
        self.assertEqual({n: (c.passed, c.failed) for n, c in rows},
                         {"topology": (2, 1), "vma": (1, 0)})
        failures = [f for _, c in rows for f in c.failures]
        self.assertEqual(len(failures), 1)
        path, diag, why = failures[0]
        self.assertEqual(path, "topology/cpus_match")
        self.assertEqual(diag, ["# cpus_match: node 1: expected 2-3, found 2",
                                "# at tests/kernel/topology.c:42"])

    def test_truncated_suite_counts_missing_tests(self):
        rows = self.rows(TRUNCATED_LOG)
        # mempolicy planned 4, reported 1; slab planned 2, reported 1; the
        # third top-level suite never started.
        self.assertEqual(rows["mempolicy"], (1, 3, 0))
        self.assertEqual(rows["slab"], (1, 1, 0))
        self.assertEqual(rows["(not run)"], (0, 1, 0))

    def test_deeper_nesting_counts_leaves(self):
        rows = run.count_report(run.parse_ktap(DEEP_LOG))
        self.assertEqual([(n, c.passed, c.failed) for n, c in rows], [("user", 2, 1)])
        self.assertEqual([f[0] for f in rows[0][1].failures], ["user/mmap/file"])

    def test_no_ktap(self):
        r = run.parse_ktap("[    0.0] booting\n[    0.1] panic: no memory\n")
        self.assertFalse(r.seen_ktap)
        self.assertEqual(run.count_report(r), [])

    def test_suite_not_ok_without_failing_leaf(self):
        text = log("""
            KTAP version 1
            1..1
                KTAP version 1
                # Subtest: mm
                1..1
                ok 1 a
            # leak check: 3 pages lost
            not ok 1 mm
        """)
        rows = run.count_report(run.parse_ktap(text))
        self.assertEqual((rows[0][1].passed, rows[0][1].failed), (1, 1))
        self.assertIn("# leak check: 3 pages lost", rows[0][1].failures[0][1])

    def test_skipped_suite_and_todo(self):
        text = log("""
            KTAP version 1
            1..2
            ok 1 kvm_only # SKIP needs kvm
                KTAP version 1
                # Subtest: s
                1..2
                not ok 1 known_bug # TODO fix later
                ok 2 b # skip lower case
            ok 2 s
        """)
        self.assertEqual(self.rows(text), {"kvm_only": (0, 0, 1), "s": (0, 0, 2)})

    def test_subtest_without_version_line_and_dash_names(self):
        text = log("""
            KTAP version 1
            1..1
                # Subtest: rcu
                1..2
                ok 1 - grace_period
                ok 2 - call_rcu
            ok 1 - rcu
        """)
        self.assertEqual(self.rows(text), {"rcu": (2, 0, 0)})

    def test_subtest_line_before_version_line(self):
        text = log("""
            KTAP version 1
            1..1
                # Subtest: rcu
                KTAP version 1
                1..1
                ok 1 gp
            ok 1 rcu
        """)
        self.assertEqual(self.rows(text), {"rcu": (1, 0, 0)})

    def test_sibling_starts_before_result_line(self):
        text = log("""
            KTAP version 1
            1..2
                KTAP version 1
                # Subtest: a
                1..2
                ok 1 x
                KTAP version 1
                # Subtest: b
                1..1
                ok 1 y
            ok 2 b
        """)
        rows = self.rows(text)
        self.assertEqual(rows["a"], (1, 1, 0))
        self.assertEqual(rows["b"], (1, 0, 0))


class JudgeTest(unittest.TestCase):
    def judge(self, status, text, timed_out=False):
        entry = run.MatrixEntry("t", nb.Topology(1, 256), "", 5, None)
        out = run.Outcome(entry)
        out.status, out.timed_out = status, timed_out
        run.judge(out, text)
        return out

    def test_all_passed(self):
        out = self.judge(nb.EXIT_ALL_PASSED, PASS_LOG)
        self.assertIsNone(out.crash)
        self.assertEqual(out.total().summary(), "4 passed, 0 failed, 1 skipped")

    def test_some_failed(self):
        out = self.judge(nb.EXIT_SOME_FAILED, FAIL_LOG)
        self.assertIsNone(out.crash)
        self.assertEqual(out.total().summary(), "3 passed, 1 failed")

    def test_panic_keeps_partial_results_and_tail(self):
        out = self.judge(nb.EXIT_PANIC, TRUNCATED_LOG)
        self.assertIn("panic", out.crash)
        self.assertEqual(out.total().summary(), "2 passed, 5 failed")
        self.assertTrue(out.tail[-1].startswith("[    2.000001] RIP"))

    def test_crash_without_results_is_one_failure(self):
        out = self.judge(0, "[    0.0] triple fault ahead\n")
        self.assertIn("exit status 0", out.crash)
        self.assertEqual(out.total().summary(), "0 passed, 1 failed")

    def test_timeout_after_all_passed_still_fails(self):
        out = self.judge(-9, PASS_LOG, timed_out=True)
        self.assertIn("timed out", out.crash)
        self.assertEqual(out.total().failed, 1)

    def test_pass_status_without_ktap_is_a_crash(self):
        out = self.judge(nb.EXIT_ALL_PASSED, "no tests here\n")
        self.assertIsNotNone(out.crash)
        self.assertEqual(out.total().failed, 1)

    def test_failed_status_without_failures_is_a_failure(self):
        out = self.judge(nb.EXIT_SOME_FAILED, PASS_LOG)
        self.assertIsNone(out.crash)
        self.assertEqual(out.total().failed, 1)


    def test_lock_order_warning_fails_the_boot(self):
        warned = PASS_LOG.replace("KTAP version 1", "[    0.5] cpu1: WARNING: lock order violation on cpu1\n"
                                  "[    0.5] cpu1: taking rq.lock (rank 330) while holding x (rank 360)\n"
                                  "KTAP version 1", 1)
        out = self.judge(nb.EXIT_ALL_PASSED, warned)
        self.assertIsNone(out.crash)
        self.assertEqual(out.total().summary(), "4 passed, 1 failed, 1 skipped")
        path, diag, why = out.total().failures[-1]
        self.assertEqual(path, "lockdep/no_lock_order_warnings")
        self.assertIn("taking rq.lock", "\n".join(diag))

    def test_broken_lock_contract_fails_the_boot(self):
        warned = PASS_LOG.replace("KTAP version 1", "[    0.5] WARNING: lock not held for writing: mm->mmap_lock "
                                  "(&mm->mmap_lock) at kernel/mm/vma.c:160 on cpu0\n"
                                  "KTAP version 1", 1)
        out = self.judge(nb.EXIT_ALL_PASSED, warned)
        self.assertEqual(out.total().summary(), "4 passed, 1 failed, 1 skipped")
        path, diag, why = out.total().failures[-1]
        self.assertEqual(path, "lockdep/no_lock_order_warnings")
        self.assertIn("mm->mmap_lock", "\n".join(diag))


class BootHelpersTest(unittest.TestCase):
    def test_cpulist(self):
        self.assertEqual(nb.parse_cpulist("0,2-3"), [0, 2, 3])
        self.assertEqual(nb.parse_cpulist("-"), [])
        self.assertEqual(nb.format_cpulist([0, 2, 3, 5]), "0,2-3,5")
        self.assertRaises(nb.BootError, nb.parse_cpulist, "3-1")

    def test_numa_args_memless_and_cpuless(self):
        topo = nb.make_topology(None, None, "512:0,2-3 0:1 256:-", "10,20,30/20,10,20/30,20,10")
        self.assertEqual(topo.smp, 4)
        self.assertEqual(topo.total_mem_mb(), 768)
        args = topo.numa_args()
        self.assertEqual(args[:8], [
            "-object", "memory-backend-ram,id=m0,size=512M",
            "-numa", "node,nodeid=0,cpus=0,cpus=2-3,memdev=m0",
            "-numa", "node,nodeid=1,cpus=1",
            "-object", "memory-backend-ram,id=m2,size=256M"])
        self.assertEqual(args[8:10], ["-numa", "node,nodeid=2,memdev=m2"])
        self.assertIn("dist,src=2,dst=0,val=30", args)
        self.assertEqual(sum(1 for a in args if a.startswith("dist,")), 6)

    def test_default_and_even_split(self):
        topo = nb.make_topology()
        self.assertEqual((topo.smp, topo.total_mem_mb()), (4, 1024))
        self.assertEqual(topo.nodes, [nb.Node(512, [0, 1]), nb.Node(512, [2, 3])])
        self.assertEqual(nb.make_topology(3, 1000, "2").nodes,
                         [nb.Node(500, [0, 1]), nb.Node(500, [2])])

    def test_topology_errors(self):
        for args in [(None, None, "512:0-1 512:1"),       # cpu twice
                     (4, None, "512:0-1"),                # cpus 2-3 in no node
                     (None, None, "0:0 0:1"),             # no memory at all
                     (None, None, "512:0 0:-"),           # invisible node
                     (None, None, "512:0 512:1", "10,20/20"),
                     (None, None, "512:0 512:1", "10,5/20,10"),
                     (None, None, "512:0 512:1", "11,20/20,10")]:
            with self.assertRaises(nb.BootError, msg=repr(args)):
                nb.make_topology(*args)

    def test_expect_args(self):
        uni = nb.make_topology(1, 256, "none")
        self.assertEqual(uni.numa_args(), [])
        self.assertEqual(uni.expect_args(), ["expect.ncpus=1", "expect.nodes=1", "expect.cpus=0",
                                             "expect.mem=256", "expect.dist=10"])
        n4 = nb.make_topology(None, None, "256:0-1 512:2-3 256:4-5 384:-")
        self.assertIn("expect.cpus=0-1/2-3/4-5/-", n4.expect_args())
        self.assertIn("expect.dist=10,20,20,20/20,10,20,20/20,20,10,20/20,20,20,10",
                      n4.expect_args())

    def test_cmdline_and_modules(self):
        self.assertEqual(nb.check_cmdline(" a=1   selftest=mm*,top?\t"), "a=1 selftest=mm*,top?")
        for bad in ["a;b", "a='x'", "$x", "{", "a\\b", "a#b"]:
            self.assertRaises(nb.BootError, nb.check_cmdline, bad)
        self.assertEqual(nb.parse_module("user/init.elf"), ("user/init.elf", "init.elf"))
        self.assertEqual(nb.parse_module("build/user/init:init"), ("build/user/init", "init"))
        cfg = nb.grub_cfg("a=1", ["script", "init"])
        self.assertIn("  multiboot2 /boot/numbat.elf a=1\n", cfg)
        self.assertIn("  module2 /boot/mod/script script\n", cfg)

    def test_qemu_command(self):
        topo = nb.make_topology(2, 256, "none")
        cmd = nb.qemu_command("/tmp/a,b.iso", topo, serial="file:/tmp/s.log", accel="kvm",
                              gdb=True, qemuflags="-d int -D '/tmp/q log'")
        self.assertEqual(cmd[:7], ["qemu-system-x86_64", "-machine", "q35", "-accel", "kvm",
                                   "-cpu", "host"])
        self.assertIn("/tmp/a,,b.iso", cmd)
        self.assertEqual(cmd[-6:], ["-s", "-S", "-d", "int", "-D", "/tmp/q log"])


class InitCheckTest(unittest.TestCase):
    def load(self, text):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        path = os.path.join(d, "matrix")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return run.load_matrix(path)

    def test_init_key(self):
        e, = self.load("""
            [i]
            smp = 1
            init = testhelper  exit   7
            expect_exit = 7
            expect_output = ^x$
        """)
        self.assertEqual(e.check.init, ("testhelper", "exit 7"))
        self.assertEqual(e.check.exit_status, 7)
        for bad in ("[i]\ninit = hello\n", "[i]\ninit = hello a;b\nexpect_exit = 0\n",
                    "[i]\ninit = he/llo\nexpect_exit = 0\n"):
            with self.assertRaises(nb.BootError, msg=bad):
                self.load(bad)

    def test_suites_key(self):
        e, = self.load("""
            [t]
            smp = 2
            cmdline = vma_lookup=vma_ref
            suites = usertest_*  mm
        """)
        self.assertEqual(e.suites, ["usertest_*", "mm"])
        self.assertIsNone(self.load("[t]\nsmp = 1\n")[0].suites)
        for bad in ("[t]\nsuites = a,b\n",
                    "[t]\nsuites = x\nscript = poweroff\nexpect_exit = 0\n"):
            with self.assertRaises(nb.BootError, msg=bad):
                self.load(bad)

    def judge(self, qemu_status, text, expect):
        check = run.BootCheck("", expect, [], ("testhelper", "segv"))
        out = run.Outcome(run.MatrixEntry("i", nb.Topology(1, 256), "", 5, None, check))
        out.status = qemu_status
        run.judge_check(out, text)
        return out.rows[0][1]

    def test_judge_program_status(self):
        log_segv = "testhelper (pid 1) killed by signal 11 (SIGSEGV)\n"
        qemu = ((139 << 1) | 1) & 0xff          # what the host sees: 23
        self.assertEqual(self.judge(qemu, log_segv, 139).failed, 0)
        self.assertEqual(self.judge(qemu, log_segv, 11).failed, 1)
        self.assertEqual(self.judge((3 << 1) | 1, "", 3).failed, 0)   # no line: QEMU's value
        c = self.judge(0, "", 0)                 # powered off: no program status
        self.assertEqual(c.failed, 1)
        self.assertIn("none", c.failures[0][2])

    def test_forbid_output(self):
        e, = self.load("""
            [f]
            smp = 2
            init = fuzz -n 10
            expect_exit = 0
            forbid_output = fuzz: FAILED
            \tWARNING:
        """)
        self.assertEqual(e.check.forbidden, ["fuzz: FAILED", "WARNING:"])
        out = run.Outcome(e)
        out.status = 1                           # status 0
        run.judge_check(out, "fuzz (pid 1) exited with status 0\n")
        self.assertEqual((out.rows[0][1].passed, out.rows[0][1].failed), (3, 0))
        out = run.Outcome(e)
        out.status = 1
        run.judge_check(out, "WARNING: x at a.c:1 on cpu0\nfuzz (pid 1) exited with status 0\n")
        c = out.rows[0][1]
        self.assertEqual((c.passed, c.failed), (2, 1))
        self.assertEqual(c.failures[0][0], "boot/forbidden_output")
        self.assertEqual(c.failures[0][1], ["WARNING: x at a.c:1 on cpu0"])

    def test_user_matrix_loads(self):
        entries = {e.name: e for e in run.load_matrix(os.path.join(HERE, "matrix"))}
        self.assertEqual(entries["init-signal"].check.init, ("testhelper", "segv"))
        self.assertEqual(entries["init-signal"].check.exit_status, 139)
        self.assertEqual(entries["init-args"].check.init, ("hello", "a b c"))
        self.assertEqual(entries["fuzz-n2"].check.init[0], "fuzz")
        self.assertIn("fuzz: FAILED", entries["fuzz-n2"].check.forbidden)


class MatrixTest(unittest.TestCase):
    def test_repository_matrix_loads(self):
        entries = {e.name: e for e in run.load_matrix(os.path.join(HERE, "matrix"))}
        for name in ("uni", "n2", "n2-unequal", "n4-memonly"):
            self.assertIn(name, entries)
        self.assertEqual(entries["uni"].topology.numa_args(), [])
        self.assertEqual(entries["n4-memonly"].topology.smp, 6)
        for e in entries.values():
            self.assertLessEqual(e.topology.total_mem_mb(), 1536, e.name)


# The kernel's self-test run with user suites after the kernel suites, as
# kernel/proc/usertest.c prints them: each user program prints its own
# nested block; the kernel prints the top-level line from its exit status.
USER_SUITES_LOG = log("""
    KTAP version 1
    1..4
        KTAP version 1
        # Subtest: vma
        1..1
        ok 1 find_vma
    ok 1 vma
        KTAP version 1
        # Subtest: usertest_mm
        1..3
        ok 1 brk_grow_shrink
        # mmap_errors: user/usertest_mm.c:300: sys_mmap(...) returned 0, expected -EINVAL
        not ok 2 mmap_errors
        ok 3 madvise_dontneed
    # usertest_mm: exit status 1
    not ok 2 usertest_mm
        KTAP version 1
        # Subtest: usertest_threads
        1..4
        ok 1 create_join
    [    9.000000] usertest_threads[12]: segfault at 0x10 ip 0x401000 (no VMA)
    # usertest_threads: killed by signal 11 (SIGSEGV)
    not ok 3 usertest_threads
        KTAP version 1
        # Subtest: usertest_leak
        1..1
        ok 1 leak_check
    ok 4 usertest_leak
""")


class UserSuitesTest(unittest.TestCase):
    def test_user_suites_in_kernel_log(self):
        rows = run.count_report(run.parse_ktap(USER_SUITES_LOG))
        got = {n: (c.passed, c.failed) for n, c in rows}
        self.assertEqual(got, {"vma": (1, 0), "usertest_mm": (2, 1),
                               "usertest_threads": (1, 3), "usertest_leak": (1, 0)})
        fails = {f[0]: f for _, c in rows for f in c.failures}
        self.assertIn("usertest_mm/mmap_errors", fails)
        self.assertIn("# usertest_threads: killed by signal 11 (SIGSEGV)",
                      fails["usertest_threads"][1])
        self.assertIn("3 of 4 planned tests never reported", fails["usertest_threads"][2])

    def test_judge_counts_user_tests_in_total(self):
        entry = run.MatrixEntry("t", nb.Topology(1, 256), "", 5, None)
        out = run.Outcome(entry)
        out.status = nb.EXIT_SOME_FAILED
        run.judge(out, USER_SUITES_LOG)
        self.assertIsNone(out.crash)
        self.assertEqual(out.total().summary(), "5 passed, 4 failed")

    def suite_output(self, results, plan=None):
        lines = ["    KTAP version 1", "    # Subtest: usertest_x",
                 "    1..%d" % (plan if plan is not None else len(results))]
        lines += ["    %s %d t%d" % ("ok" if ok else "not ok", i, i)
                  for i, ok in enumerate(results, 1)]
        return "\n".join(lines) + "\n"

    def host_rows(self, output, status, timed_out=False):
        text = "KTAP version 1\n1..1\n" + user_host.wrap(1, "usertest_x", output, status,
                                                         timed_out)
        return run.count_report(run.parse_ktap(text))

    def test_user_host_wrap(self):
        rows = self.host_rows(self.suite_output([True, True]), 0)
        self.assertEqual([(n, c.passed, c.failed) for n, c in rows], [("usertest_x", 2, 0)])
        # killed after one of three tests: two never reported, and why
        rows = self.host_rows(self.suite_output([True], plan=3), -11)
        c = rows[0][1]
        self.assertEqual((c.passed, c.failed), (1, 2))
        self.assertIn("# usertest_x: killed by signal 11", c.failures[0][1])
        # exit status 1 without a failed test is still a failure
        rows = self.host_rows(self.suite_output([True]), 1)
        self.assertEqual((rows[0][1].passed, rows[0][1].failed), (1, 1))
        rows = self.host_rows(self.suite_output([True, True], plan=2), -9, timed_out=True)
        self.assertEqual(rows[0][1].failed, 1)
        self.assertIn("# usertest_x: timed out, killed", rows[0][1].failures[0][1])


def elf_header(cls=2, data=1, etype=2, machine=62, interp=False):
    """A minimal ELF file: the header and, with interp, one PT_INTERP."""
    phnum = 1 if interp else 0
    head = b"\x7fELF" + bytes([cls, data, 1, 0]) + bytes(8)
    head += struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, 0x401000, 64 if phnum else 0, 0,
                        0, 64, 56, phnum, 64, 0, 0)
    if interp:
        head += struct.pack("<IIQQQQQQ", 3, 4, 0, 0, 0, 0, 0, 1)
    return head


class UserProgramsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def file(self, name, content=b"x"):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def test_kernel_exit_status(self):
        with open(os.devnull, "w") as null:
            saved, sys.stderr = sys.stderr, null
            try:
                self.assertEqual(nb.kernel_exit_status(0), 0)          # poweroff
                self.assertEqual(nb.kernel_exit_status(nb.EXIT_ALL_PASSED), 0)
                self.assertEqual(nb.kernel_exit_status(nb.EXIT_SOME_FAILED), 35)
                self.assertEqual(nb.kernel_exit_status(nb.EXIT_PANIC), 37)
                self.assertEqual(nb.kernel_exit_status(1), 1)          # QEMU could not start
                self.assertEqual(nb.kernel_exit_status(-9), 137)
            finally:
                sys.stderr = saved

    def test_program_status(self):
        self.assertEqual(nb.program_status(1), 0)
        self.assertEqual(nb.program_status((42 << 1) | 1), 42)
        self.assertEqual(nb.program_status(255), 127)
        for s in (0, 2, 130, -9, None):
            self.assertIsNone(nb.program_status(s))

    def test_init_status_from_log(self):
        text = ("hello: a line of its own\n"
                "hello (pid 1) killed by signal 11 (SIGSEGV)\n")
        self.assertEqual(nb.init_status_from_log(text, "hello", 11), 139)
        self.assertIsNone(nb.init_status_from_log(text, "other", 11))
        self.assertIsNone(nb.init_status_from_log(text, "hello", 3))   # disagrees with QEMU
        text = "[  1.0] x\nhello (pid 1) exited with status 3\n"
        self.assertEqual(nb.init_status_from_log(text, "hello", 3), 3)
        self.assertEqual(nb.init_status_from_log("hello (pid 1) exited with status 200\n",
                                                 "hello", 200 & 0x7f), 200)

    def test_check_static_elf(self):
        nb.check_static_elf(self.file("ok", elf_header()))
        for name, content, why in [
                ("text", b"#!/bin/sh\n" + bytes(64), "not an ELF"),
                ("short", b"\x7fELF", "not an ELF"),
                ("elf32", elf_header(cls=1), "64-bit"),
                ("arm", elf_header(machine=183), "x86-64"),
                ("pie", elf_header(etype=3), "position-independent"),
                ("dyn", elf_header(interp=True), "dynamically linked"),
                ("obj", elf_header(etype=1), "not an executable")]:
            with self.assertRaisesRegex(nb.BootError, why, msg=name):
                nb.check_static_elf(self.file(name, content))
        with self.assertRaisesRegex(nb.BootError, "not found"):
            nb.check_static_elf(os.path.join(self.dir, "missing"))

    def test_check_args(self):
        self.assertEqual(nb.check_args("  a   b\tc "), "a b c")
        self.assertEqual(nb.check_args(None), "")
        for bad in ["a;b", "'q'", "$HOME", "x#y", "a|b"]:
            self.assertRaises(nb.BootError, nb.check_args, bad)

    def test_user_programs_and_plan(self):
        users = os.path.join(self.dir, "user")
        for name in ("usertest_mm", "hello", ".hidden", "bad name"):
            self.file(os.path.join("user", name), elf_header())
        os.makedirs(os.path.join(users, "subdir"))
        self.assertEqual([n for _, n in nb.user_programs(users)], ["hello", "usertest_mm"])
        self.assertEqual(nb.user_programs(os.path.join(self.dir, "none")), [])
        script = self.file("script.txt", b"poweroff\n")
        plan = nb.plan_modules(script=script, user_dir=users)
        self.assertEqual([(n, s) for _, n, s in plan],
                         [("hello", "hello"), ("usertest_mm", "usertest_mm"), ("script", "script")])
        # --prog replaces the packed program of the same name, with its args
        prog = os.path.join(users, "hello")
        plan = nb.plan_modules(user_dir=users, prog=prog, args=" a  b ")
        self.assertEqual([(p, n, s) for p, n, s in plan],
                         [(os.path.join(users, "usertest_mm"), "usertest_mm", "usertest_mm"),
                          (prog, "hello", "hello a b")])
        with self.assertRaisesRegex(nb.BootError, "without a program"):
            nb.plan_modules(user_dir=users, args="x")
        with self.assertRaisesRegex(nb.BootError, "name of module"):
            nb.plan_modules(modules=[(script, "hello")], user_dir=users, prog=prog)
        with self.assertRaisesRegex(nb.BootError, "longer than"):
            nb.plan_modules(user_dir=users, prog=prog, args="x" * nb.MODULE_STRING_MAX)
        with self.assertRaisesRegex(nb.BootError, "dynamically linked"):
            nb.plan_modules(prog=self.file("dyn", elf_header(interp=True)))
        many = [(script, "m%d" % i) for i in range(nb.MAX_BOOT_MODULES)]
        with self.assertRaisesRegex(nb.BootError, "keeps only"):
            nb.plan_modules(modules=many, user_dir=users)
        self.assertEqual(nb.default_user_dir("/x/build-release/numbat.elf"),
                         "/x/build-release/user")

    def test_grub_cfg_module_strings(self):
        cfg = nb.grub_cfg("init=hello", ["script", ("hello", "hello a b")])
        self.assertIn("  module2 /boot/mod/script script\n", cfg)
        self.assertIn("  module2 /boot/mod/hello hello a b\n", cfg)

    def test_qemu_command_gdb_socket(self):
        topo = nb.make_topology(1, 256, "none")
        cmd = nb.qemu_command("/tmp/a.iso", topo, serial="file:/tmp/s", gdb=True,
                              gdb_socket="/tmp/d,x/gdb.sock")
        self.assertEqual(cmd[-3:], ["-gdb", "unix:/tmp/d,,x/gdb.sock,server=on,wait=off", "-S"])
        self.assertNotIn("-s", cmd)

    def test_qemu_command_console_log(self):
        topo = nb.make_topology(1, 256, "none")
        cmd = nb.qemu_command("/tmp/a.iso", topo, console_log="/tmp/run,x/console.log")
        self.assertNotIn("-serial", cmd[:cmd.index("-chardev")])
        i = cmd.index("-chardev")
        self.assertEqual(cmd[i:i + 6], ["-chardev", "stdio,id=con0,mux=on,logfile=/tmp/run,,x/console.log",
                                        "-serial", "chardev:con0",
                                        "-mon", "chardev=con0,mode=readline"])
        # a file serial (tests) ignores it
        cmd = nb.qemu_command("/tmp/a.iso", topo, serial="file:/tmp/s", console_log="/tmp/c")
        self.assertIn("file:/tmp/s", cmd)
        self.assertNotIn("-chardev", cmd)


LAYERS_DOC = log("""
    # Layers

    ```layers
    lib    kernel/lib/ kernel/types.h
    sync   kernel/sync/
    sched  kernel/sched/
    top    kernel/ *_bench.c
    ```

    ```exceptions
    kernel/sync/ -> kernel/sched/task.h
    ```

    ```private
    kernel/sched/rq.h kernel/sched/
    ```

    ```forbidden
    kernel/sched/ ->user\\.
    ```
""")


class CheckLayersTest(unittest.TestCase):
    """scripts/check-layers on a made-up tree: each file a dict entry."""

    CLEAN = {
        "docs/layers.md": LAYERS_DOC,
        "kernel/types.h": "/* types */\n",
        "kernel/lib/list.h": '#include "kernel/types.h"\n',
        "kernel/sync/spinlock.h": '#include "kernel/lib/list.h"\n',
        "kernel/sched/task.h": '#include "kernel/sync/spinlock.h"\n',
        "kernel/sched/rq.h": '#include "kernel/sched/task.h"\n',
        "kernel/sched/sched.h": '#include "kernel/sched/task.h"\n',
        "kernel/sched/core.c": '#include "kernel/sched/rq.h"\n/* never p->user.x here */\n',
        "kernel/sync/mutex.c": '#include "kernel/sync/spinlock.h"\n#include "kernel/sched/task.h"\n',
        "kernel/sync/rcu_bench.c": '#include "kernel/sched/sched.h"\n',  # a benchmark is top
        "kernel/main.c": '#include "kernel/sched/task.h"\n',
        "tests/kernel/t.c": '#include "kernel/sched/rq.h"\n',
    }

    def check(self, changes, exit_status=False):
        """The problems found in CLEAN with changes; or the script's exit status."""
        files = dict(self.CLEAN, **changes)
        with tempfile.TemporaryDirectory() as root:
            for path, text in files.items():
                os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(root, path), "w") as f:
                    f.write(text)
            if exit_status:
                with open(os.devnull, "w") as null:
                    saved, sys.stdout = sys.stdout, null
                    try:
                        return check_layers.main(["check-layers", root])
                    finally:
                        sys.stdout = saved
            return check_layers.check(root)

    def test_clean_tree_passes(self):
        self.assertEqual(self.check({}), [])
        self.assertEqual(self.check({}, exit_status=True), 0)

    def test_upward_include_fails_with_file_line_and_layers(self):
        got = self.check({"kernel/lib/list.h": '#include "kernel/types.h"\n'
                                               '#include "kernel/sync/spinlock.h"\n'})
        self.assertEqual(got, ["kernel/lib/list.h:2: includes kernel/sync/spinlock.h: up from lib to sync"])
        self.assertEqual(self.check({"kernel/lib/list.h": '#include "kernel/sync/spinlock.h"\n'},
                                    exit_status=True), 1)

    def test_exception_is_exact(self):
        # sync may include task.h, but not another scheduler header
        got = self.check({"kernel/sync/mutex.c": '#include "kernel/sched/sched.h"\n'})
        self.assertEqual(got, ["kernel/sync/mutex.c:1: includes kernel/sched/sched.h: up from sync to sched"])

    def test_private_header(self):
        got = self.check({"kernel/main.c": '#include "kernel/sched/rq.h"\n'})
        self.assertEqual(got, ["kernel/main.c:1: includes kernel/sched/rq.h, which is private to kernel/sched/"])

    def test_forbidden_pattern_outside_comments(self):
        got = self.check({"kernel/sched/core.c": '#include "kernel/sched/rq.h"\n'
                                                 'int f(struct task *p) { return p->user.tgid; }\n'})
        self.assertEqual(len(got), 1)
        self.assertTrue(got[0].startswith("kernel/sched/core.c:2: "), got)

    def test_unplaced_file_and_missing_header(self):
        got = self.check({"kernel/fs/open.c": "/* a new directory */\n"})
        self.assertEqual(got, [])	# kernel/ is top: a new directory there is top until placed
        got = self.check({"boot/head.S": '#include "kernel/types.h"\n',
                          "kernel/main.c": '#include "kernel/nothing.h"\n'})
        self.assertIn("boot/head.S: in no layer of docs/layers.md", got)
        self.assertIn("kernel/main.c:1: includes kernel/nothing.h, which does not exist", got)

    def test_broken_table(self):
        with self.assertRaises(check_layers.TableError):
            self.check({"docs/layers.md": "no table here\n"})
        with self.assertRaises(check_layers.TableError):
            self.check({"docs/layers.md": LAYERS_DOC + "```exceptions\nkernel/sync/ kernel/x.h\n```\n"})

    def test_repository_table_loads(self):
        with open(os.path.join(os.path.dirname(HERE), "docs", "layers.md")) as f:
            rules = check_layers.Rules(f.read())
        self.assertEqual(rules.order[0], "lib")
        self.assertEqual(rules.order[-1], "top")
        self.assertEqual(rules.layer("kernel/sync/rcu.c"), "sched")
        self.assertEqual(rules.layer("kernel/sync/rcu_bench.c"), "top")
        self.assertEqual(rules.layer("kernel/printk.h"), "lib")
        self.assertEqual(rules.layer("kernel/printk.c"), "top")


if __name__ == "__main__":
    unittest.main()
