"""Self-check of tests/bench's figures: `bench ...` lines into CSV rows,
the CSV itself, and the plots drawn from it.

    python3 tests/test_bench.py        (make test runs it)

Boots nothing; draws one plot with gnuplot where gnuplot is installed.
The lines below are as a real `make bench` printed them.
"""

import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scriptload  # noqa: E402

bench = scriptload.load("numbat_tests_bench", "tests/bench")

TECHNIQUE = "bench kmalloc_free_64           cpus=2   global: 183.7K percpu: 1.0M (5.9x)  ops/s/cpu  [slab_lock]"
THREE_MODES = "bench spinlock_contended        cpus=2   tas: 1.2M ticket: 22.5K (0.0x) auto: 2.9M (2.4x)  ops/s/cpu  [spinlock]"
PAIR = ("bench percpu_ref_get_put        cpus=1   percpu_ref: 68.8M ops/s/cpu  shared-atomic: 38.2M ops/s/cpu"
        "  ratio 1.8x")
PFBENCH = "bench pagefault                 cpus=2   +mmap: 7.0K ops/s/cpu  alone: 10.2K ops/s/cpu  ratio 0.7x"
HUNDREDTHS = ("bench mpol_alloc_policy_cost    cpus=1   no-policy: 1.74M ops/s/cpu  percpu-bind-local: 1.66M ops/s/cpu"
              "  ratio 1.05x")
SMALL_RATE = "bench page_fault_dontneed       cpus=2   write: 853 read: 17.4K (20.5x)  ops/s/cpu  [fault_mmap_lock]"
OTHER = "bench synchronize_rcu           cpus=2   mean 13 us  worst 124 us  (50 calls, other CPUs idle)"
CALL_RCU = ("bench call_rcu                  cpus=2   queued 2338232/s/cpu  end-to-end 1847471 callbacks/s"
            " (queue, grace period, invoke, kfree)")


def row(source, benchmark, technique, mode, baseline, cpus, rate, unit, ratio):
    return dict(source=source, benchmark=benchmark, technique=technique, mode=mode,
                baseline=baseline, cpus=cpus, rate=rate, unit=unit, ratio=ratio)


class ParseTest(unittest.TestCase):
    def test_rates(self):
        self.assertEqual(bench.parse_rate("183.7K"), 183700)
        self.assertEqual(bench.parse_rate("1.0M"), 1000000)
        self.assertEqual(bench.parse_rate("853"), 853)

    def test_technique_line(self):
        self.assertEqual(bench.parse_bench_line(TECHNIQUE), [
            row("kernel", "kmalloc_free_64", "slab_lock", "global", "global", 2, 183700, "ops/s/cpu", 1.0),
            row("kernel", "kmalloc_free_64", "slab_lock", "percpu", "global", 2, 1000000, "ops/s/cpu", 5.9)])

    def test_technique_with_three_modes(self):
        rows = bench.parse_bench_line(THREE_MODES)
        self.assertEqual([(r["mode"], r["baseline"], r["rate"], r["ratio"]) for r in rows],
                         [("tas", "tas", 1200000, 1.0), ("ticket", "tas", 22500, 0.0),
                          ("auto", "tas", 2900000, 2.4)])
        rows = bench.parse_bench_line(SMALL_RATE)
        self.assertEqual([(r["mode"], r["rate"], r["ratio"]) for r in rows],
                         [("write", 853, 1.0), ("read", 17400, 20.5)])

    def test_older_pair_line(self):
        self.assertEqual(bench.parse_bench_line(PAIR), [
            row("kernel", "percpu_ref_get_put", "", "percpu_ref", "shared-atomic", 1, 68800000, "ops/s/cpu", 1.8),
            row("kernel", "percpu_ref_get_put", "", "shared-atomic", "shared-atomic", 1, 38200000, "ops/s/cpu", 1.0)])

    def test_hundredths(self):
        """Today's format: rates of three digits and more, ratios to the hundredth."""
        self.assertEqual([(r["mode"], r["rate"], r["ratio"]) for r in bench.parse_bench_line(HUNDREDTHS)],
                         [("no-policy", 1740000, 1.05), ("percpu-bind-local", 1660000, 1.0)])

    def test_pfbench_line(self):
        rows = bench.parse_bench_line(PFBENCH, "pfbench")
        self.assertEqual(rows, [
            row("pfbench", "pagefault", "", "+mmap", "alone", 2, 7000, "ops/s/cpu", 0.7),
            row("pfbench", "pagefault", "", "alone", "alone", 2, 10200, "ops/s/cpu", 1.0)])

    def test_other_figures(self):
        self.assertEqual(bench.parse_bench_line(OTHER), [
            row("kernel", "synchronize_rcu", "", "mean", "", 2, 13, "us", ""),
            row("kernel", "synchronize_rcu", "", "worst", "", 2, 124, "us", "")])
        self.assertEqual([(r["mode"], r["rate"], r["unit"]) for r in bench.parse_bench_line(CALL_RCU)],
                         [("queued", 2338232, "/s/cpu"), ("end-to-end", 1847471, "callbacks/s")])

    def test_lines_without_figures(self):
        for line in ("# numbat bench: 2 CPUs online, 50 ms per measurement",
                     "# pfbench: 2 threads: 20.4K faults/s in all alone, 14.0K with the mmap thread",
                     "bench vma_lookup                no technique vma_lookup: skipped",
                     "# bench kmalloc_free_64: mode global not measured: busy", ""):
            self.assertEqual(bench.parse_bench_line(line), [], line)


class CsvAndPlotTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="numbat-bench-test-")
        self.rows = []
        for line in (TECHNIQUE.replace("cpus=2 ", "cpus=1 "), TECHNIQUE, THREE_MODES, PAIR, OTHER, CALL_RCU):
            self.rows += bench.parse_bench_line(line)
        self.rows += bench.parse_bench_line(PFBENCH, "pfbench")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_csv_round_trip(self):
        path = os.path.join(self.dir, "bench.csv")
        bench.write_csv(self.rows, path)
        with open(path) as f:
            self.assertEqual(f.readline().strip(), ",".join(bench.CSV_FIELDS))
            self.assertIn("kernel,call_rcu,,queued,,2,2338232,/s/cpu,\n", f.read())
        back = bench.read_csv(path)
        self.assertEqual(len(back), len(self.rows))
        for a, b in zip(back, self.rows):
            self.assertEqual((a["benchmark"], a["mode"], a["cpus"], a["rate"]),
                             (b["benchmark"], b["mode"], b["cpus"], b["rate"]))
            self.assertEqual(a["ratio"], b["ratio"] if b["ratio"] != "" else None)

    def test_groups_put_the_naive_mode_first(self):
        groups = {(s, b): (t, base, modes) for s, b, t, base, modes in bench.plot_groups(self.rows)}
        self.assertNotIn(("kernel", "synchronize_rcu"), groups)     # not a rate: CSV only
        t, base, modes = groups[("kernel", "kmalloc_free_64")]
        self.assertEqual((t, base, list(modes)), ("slab_lock", "global", ["global", "percpu"]))
        self.assertEqual(modes["percpu"], [(1, 1000000, 5.9), (2, 1000000, 5.9)])
        t, base, modes = groups[("pfbench", "pagefault")]
        self.assertEqual((t, base, list(modes)), ("", "alone", ["alone", "+mmap"]))

    def test_gnuplot_script(self):
        groups = {b: g for _, b, *g in bench.plot_groups(self.rows)}
        t, base, modes = groups["spinlock_contended"]
        script = bench.gnuplot_script("kernel", "spinlock_contended", t, base, modes, "/x/s.png")
        self.assertIn("set output '/x/s.png'", script)
        self.assertIn("set logscale xy", script)
        self.assertIn("$m0 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc 1 title 'tas (naive)'", script)
        self.assertIn("2 22500 0\n", script)             # ticket at 2 CPUs, its printed ratio
        self.assertIn("spinlock_contended [spinlock]: ticket, auto beside tas", script)

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot is not installed")
    def test_draw(self):
        pngs = bench.draw(self.rows, self.dir)
        names = sorted(os.path.basename(p) for p in pngs)
        self.assertEqual(names, ["kmalloc_free_64.png", "percpu_ref_get_put.png",
                                 "pfbench-pagefault.png", "spinlock_contended.png"])
        with open(pngs[0], "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
