"""Self-check of tests/torture (make torture): its one list of suites, the
matrix it boots, and the SUCCESS / FAILURE verdict of each suite from a
serial log.

    python3 tests/test_torture.py        (make test runs it)

Standard library only; boots nothing.
"""

import os
import re
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import scriptload  # noqa: E402

torture = scriptload.load("numbat_tests_torture", "tests/torture")
SUITES = ["rcutorture", "percpu_ref_torture", "proc_torture"]


def suite(name, results, own=()):
    lines = ["    KTAP version 1", "    # Subtest: %s" % name, "    1..%d" % len(results)]
    lines += ["[    7.1] cpu0: %s" % l for l in own]
    lines += ["    %s %d %s" % (r, i + 1, n) for i, (r, n) in enumerate(results)]
    ok = all(r.startswith("ok") for r, _ in results)
    return lines + ["%s %%d %s" % ("ok" if ok else "not ok", name)]


def log(*suites):
    lines = ["[    0.0] cpu0: Numbat teaching kernel, command line: rcutorture.duration=5",
             "KTAP version 1", "1..%d" % len(suites)]
    for i, s in enumerate(suites):
        lines += s[:-1] + [s[-1] % (i + 1)]
    return "\n".join(lines) + "\n"


RCU_GOOD = suite("rcutorture", [("ok", "readers_never_see_old_or_freed_objects"), ("ok", "leak_check")],
                 ["# rcutorture: Reader Pipe: 983509 3659 0 0 0 0 0 0 0 0 0", "# rcutorture: SUCCESS"])
REF_GOOD = suite("percpu_ref_torture", [("ok", "kill_switch_reinit_cycles"), ("ok", "leak_check")],
                 ["# percpu_ref torture: 214 rounds on 2 CPUs: SUCCESS"])
PROC_GOOD = suite("proc_torture", [("ok", "exit_and_wait"), ("ok", "leak_check")])


class VerdictTest(unittest.TestCase):
    def test_all_succeed(self):
        v = torture.verdicts(log(REF_GOOD, PROC_GOOD, RCU_GOOD), SUITES)
        self.assertEqual([(s, ok) for s, ok, _ in v], [(s, True) for s in SUITES])
        self.assertEqual(v[0][2], "2 passed; # rcutorture: SUCCESS")
        self.assertEqual(v[1][2], "2 passed; # percpu_ref torture: 214 rounds on 2 CPUs: SUCCESS")

    def test_a_failed_test_fails_its_suite(self):
        proc = suite("proc_torture", [("not ok", "exit_and_wait"), ("ok", "leak_check")])
        v = dict((s, (ok, why)) for s, ok, why in torture.verdicts(log(REF_GOOD, proc, RCU_GOOD), SUITES))
        self.assertEqual(v["proc_torture"], (False, "1 failed: proc_torture/exit_and_wait"))
        self.assertTrue(v["rcutorture"][0])

    def test_own_failure_line_fails_a_passing_suite(self):
        rcu = suite("rcutorture", [("ok", "readers"), ("ok", "leak_check")], ["# rcutorture: FAILURE"])
        v = dict((s, ok) for s, ok, _ in torture.verdicts(log(REF_GOOD, PROC_GOOD, rcu), SUITES))
        self.assertFalse(v["rcutorture"])

    def test_skipped_and_missing_suites_fail(self):
        proc = suite("proc_torture", [("ok", "exit_and_wait # SKIP exit_torture is not packed"),
                                      ("ok", "leak_check")])
        v = dict((s, (ok, why)) for s, ok, why in torture.verdicts(log(REF_GOOD, proc), SUITES))
        self.assertEqual(v["proc_torture"], (False, "1 passed; 1 skipped"))
        self.assertFalse(v["rcutorture"][0])
        self.assertIn("never reported", v["rcutorture"][1])

    def test_own_lines_take_off_the_printk_prefix(self):
        mine = torture.own_lines(log(REF_GOOD, PROC_GOOD, RCU_GOOD), SUITES)
        self.assertEqual(mine["rcutorture"], ["# rcutorture: Reader Pipe: 983509 3659 0 0 0 0 0 0 0 0 0",
                                              "# rcutorture: SUCCESS"])
        self.assertEqual(mine["proc_torture"], [])


class ListAndMatrixTest(unittest.TestCase):
    def test_every_torture_suite_is_listed(self):
        """A suite named *torture* that is not in TORTURE_SUITES would never
        run under make torture: adding it to the list is the one step."""
        defined = set()
        kdir = os.path.join(ROOT, "tests", "kernel")
        for n in os.listdir(kdir):
            if n.endswith(".c"):
                with open(os.path.join(kdir, n), errors="replace") as f:
                    defined |= set(re.findall(r"^SELFTEST\((\w*torture\w*),", f.read(), re.M))
        self.assertTrue(defined)
        self.assertEqual(sorted(defined - set(torture.TORTURE_SUITES)), [])
        self.assertEqual(sorted(set(torture.TORTURE_SUITES) - defined), [])

    def test_matrix_loads(self):
        for smp, nodes in ((1, None), (2, "512:0 512:1"), (8, "512:0-3 512:4-7")):
            text = torture.matrix_text(smp, 600)
            with tempfile.NamedTemporaryFile("w", suffix=".matrix", delete=False) as f:
                f.write(text)
            try:
                (entry,) = torture.run.load_matrix(f.name)
            finally:
                os.unlink(f.name)
            self.assertEqual(entry.name, "torture")
            self.assertEqual(entry.topology.smp, smp)
            self.assertEqual(entry.cmdline, "rcutorture.duration=600")
            self.assertGreaterEqual(entry.timeout, 600 * len(torture.TORTURE_SUITES))
            if nodes:
                self.assertIn("nodes = " + nodes, text)
            else:
                self.assertNotIn("nodes", text)


if __name__ == "__main__":
    unittest.main()
