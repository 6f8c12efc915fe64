"""Self-check of tests/fuzz's verdicts: canned serial logs of fuzz boots,
each with one way to fail (an oops, a warning, a leak, a failed check of
the fuzzer's own, a hang, a wrong exit status), must fail, and a clean
one must pass; the differential mode's comparison of hash and trace lines.

    python3 tests/test_fuzz.py        (make test runs it)

Boots nothing. The lines are as the kernel and user/fuzz.c print them.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scriptload  # noqa: E402

fuzz = scriptload.load("numbat_tests_fuzz", "tests/fuzz")

CLEAN = """\
[    0.000] Numbat teaching kernel, command line: init=fuzz init.leak_check
fuzz: seed 7 calls 3000 workers 2
fuzz: seed 7 calls 1000 hash 62450eae1c3e3720
fuzz: seed 7 calls 2000 hash 1f6396ad62adb2a9
fuzz: seed 7 calls 3000 hash 70e94cf2cdeffcdd
fuzz: done: 3000 calls, 1436 accesses (812 faulted), 27 forks, 25 threads, 0 failed checks
fuzz (pid 1) exited with status 0
init: leak_check: no leak
"""


def kinds(text, **kw):
    return [k for k, _ in fuzz.judge(text, **kw).problems]


class JudgeTest(unittest.TestCase):
    def test_clean_run_passes(self):
        v = fuzz.judge(CLEAN)
        self.assertTrue(v.ok, v.problems)
        self.assertEqual(v.progress, (3000, "70e94cf2cdeffcdd"))
        self.assertEqual(v.status, 0)

    def test_printk_prefix_and_escapes(self):
        text = CLEAN.replace("init: leak_check", "\x1b[0m[   12.5] cpu1: init: leak_check")
        self.assertTrue(fuzz.judge(text).ok)

    def test_oops(self):
        text = ("fuzz: seed 7 calls 1000 hash 62450eae1c3e3720\n"
                "[   3.1] cpu2: Oops: page fault (#PF), error code 0x2 [#1] on cpu2\n"
                "[   3.1] cpu2: Kernel panic - not syncing: fatal exception\n")
        k = kinds(text)
        self.assertIn("oops", k)
        self.assertIn("panic", k)
        self.assertNotIn("no exit", k)      # the oops says it all
        self.assertEqual(fuzz.judge(text).progress, (1000, "62450eae1c3e3720"))

    def test_warning_and_bug(self):
        text = CLEAN + "[   4.0] cpu0: WARNING: !list_empty(&mm->mmlist) at kernel/mm/mm.c:88 on cpu0\n"
        self.assertEqual(kinds(text), ["warning"])
        text = CLEAN + "BUG: Bad page state: pfn 0x1234 node 0 flags 0x0 refcount 1: freed while mapped\n"
        self.assertEqual(kinds(text), ["bug"])
        text = CLEAN + "WARNING: lock order violation on cpu1\n"
        self.assertEqual(kinds(text), ["warning"])

    def test_rcu_stall_and_slab(self):
        self.assertIn("rcu stall", kinds(CLEAN + "rcu: INFO: rcu detected stall: grace period 5 running for 21000 ms; "
                                                 "CPUs owing a quiescent state: 1\n"))
        self.assertIn("slab error", kinds(CLEAN + "slab error in cache vm_area: double free at ffff8000012340\n"))

    def test_leak(self):
        text = CLEAN.replace("init: leak_check: no leak",
                             "init: # leak_check: free pages was 250112 before fuzz and is 250111 after\n"
                             "init: leak_check: LEAKED")
        self.assertEqual(kinds(text), ["leak", "leak"])
        # the kernel's line missing altogether (booted without init.leak_check?) fails too
        self.assertEqual(kinds(CLEAN.replace("init: leak_check: no leak\n", "")), ["leak"])
        self.assertEqual(kinds(CLEAN.replace("init: leak_check: no leak\n", ""), leak_check=False), [])

    def test_failed_check_and_status(self):
        text = CLEAN.replace("fuzz: done: 3000 calls", "fuzz: FAILED seed 7 call #17 worker 0: read of 0x300000001000: "
                             "0x5, expected 0\nfuzz: FAILED: 3000 calls").replace("status 0", "status 1")
        k = kinds(text)
        self.assertIn("fuzzer check", k)
        self.assertIn("exit status", k)
        self.assertIn("no summary", k)

    def test_killed_by_signal(self):
        text = CLEAN.replace("exited with status 0", "killed by signal 11")
        self.assertEqual(fuzz.judge(text).status, 139)
        self.assertIn("exit status", kinds(text))

    def test_hang_and_timeout(self):
        text = "fuzz: seed 7 calls 1000 hash 62450eae1c3e3720\n"
        self.assertEqual(kinds(text, hung=120), ["hang"])
        self.assertEqual(kinds(text, timed_out=True), ["timeout"])
        self.assertEqual(kinds(text), ["no exit"])


class DiffTest(unittest.TestCase):
    def test_progress_and_first_difference(self):
        ours = fuzz.progress_lines(CLEAN)
        self.assertEqual([c for c, _ in ours], [1000, 2000, 3000])
        theirs = list(ours)
        self.assertIsNone(fuzz.first_difference(ours, theirs))
        theirs[1] = (2000, "0000000000000000")
        self.assertEqual(fuzz.first_difference(ours, theirs), 1)
        self.assertEqual(fuzz.first_difference(ours, ours[:2]), 2)

    def test_trace_lines(self):
        text = ("fuzz: seed 7 calls 20 workers 1 differential\n"
                "fuzz: > #5 w0 mremap(A+0x2000, 0x1000, 0x3000, 0x1, A+0x5000) ...\n"
                "fuzz: #5 w0 mremap(A+0x2000, 0x1000, 0x3000, 0x1, A+0x5000) = 0xe15e000000000000  [00ff]\n"
                "fuzz: #6 w0 read A+0x9e780 = 2 0  [09b4]\n"
                "fuzz:   #5 w0 mremap(...) = 0  [00ff]\n"      # a failure's ring: not a trace line
                "fuzz: seed 7 calls 20 hash 09b4\n")
        t = fuzz.trace_lines(text)
        self.assertEqual(len(t), 3)
        self.assertTrue(t[0].startswith("fuzz: > #5"))


if __name__ == "__main__":
    unittest.main()
