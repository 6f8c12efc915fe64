"""Self-check of the editor support: scripts/compdb (compile_commands.json
from `make -n`), scripts/format-check (drift from .clang-format) and the
.clang-format file itself.

    python3 tests/test_editor.py        (make test runs it)

Standard library only; runs neither make nor clang-format.
"""

import os
import re
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import scriptload  # noqa: E402

compdb = scriptload.load("numbat_compdb", "scripts/compdb")
fmt = scriptload.load("numbat_format_check", "scripts/format-check")

MAKE_N = """\
mkdir -p build/obj/kernel/
gcc -std=gnu11 -O2 -g -nostdinc -isystem /usr/lib/gcc/x86_64-linux-gnu/12/include -I. -MMD -MP -DCONFIG_DEBUG=1 -c kernel/main.c -o build/obj/kernel/main.o
gcc -I. -D__ASSEMBLY__ -MMD -MP -c boot/head.S -o build/obj/boot/head.o
ld -nostdlib -static -T linker.ld -o build/numbat.pass1.elf build/obj/kernel/main.o
scripts/gen-ksyms nm build/numbat.pass1.elf > build/ksyms.S
mkdir -p build/user/ build/obj/user
musl-gcc -static -O2 -std=gnu11 -Iuser/lib -MMD -MP -MF build/obj/user/hello.d -MT build/user/hello -o build/user/hello user/hello.c
"""


class CompdbTest(unittest.TestCase):
    def test_compile_lines_only(self):
        entries = compdb.compile_entries(MAKE_N.splitlines(), "/src", ["/musl/include", "/gcc/include"])
        self.assertEqual([e["file"] for e in entries], ["/src/kernel/main.c", "/src/boot/head.S",
                                                         "/src/user/hello.c"])
        self.assertTrue(all(e["directory"] == "/src" for e in entries))
        self.assertEqual(entries[0]["output"], "build/obj/kernel/main.o")
        self.assertEqual(entries[0]["arguments"][-4:], ["-c", "kernel/main.c", "-o", "build/obj/kernel/main.o"])

    def test_musl_gcc_becomes_gcc_with_its_headers(self):
        user = compdb.compile_entries(MAKE_N.splitlines(), "/src", ["/musl/include", "/gcc/include"])[2]
        self.assertEqual(user["arguments"][0], "gcc")
        self.assertEqual(user["arguments"][-5:], ["-nostdinc", "-isystem", "/musl/include",
                                                   "-isystem", "/gcc/include"])
        self.assertEqual(user["output"], "build/user/hello")
        # without musl's specs the command stays as the Makefile has it
        user = compdb.compile_entries(MAKE_N.splitlines(), "/src", None)[2]
        self.assertEqual(user["arguments"][0], "musl-gcc")

    def test_the_makefile_compiles_every_source(self):
        r = subprocess.run(["make", "--no-print-directory", "-B", "-n", "V=1", "all"], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True)
        if r.returncode:
            self.skipTest("make -n failed here")
        files = {os.path.relpath(e["file"], ROOT) for e in compdb.compile_entries(r.stdout.splitlines())}
        for top in ("boot", "arch", "kernel", "tests/kernel", "user"):
            for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
                if top != "user" or dirpath == os.path.join(ROOT, "user"):
                    for n in names:
                        if n.endswith((".c", ".S")):
                            self.assertIn(os.path.relpath(os.path.join(dirpath, n), ROOT), files)


class FormatCheckTest(unittest.TestCase):
    def test_changed_ranges(self):
        diff = ("diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n"
                "@@ -3 +3 @@\n-a\n+b\n@@ -10,0 +11,2 @@\n+c\n+d\n@@ -20,2 +21,0 @@\n-e\n-f\n")
        self.assertEqual(fmt.changed_ranges(diff), [(3, 3), (11, 12)])

    def test_alignment_is_no_drift(self):
        orig = "int cpu;\t\t\t/* its CPU */\n#define A\t\t1\n\tx = 1;\n"
        new = "int cpu; /* its CPU */\n#define A 1\n\tx = 1;\n"
        self.assertEqual(fmt.drift_hunks(orig, new), [])

    def test_layout_is_drift(self):
        orig = "int f(int x){ if(x) return 1; return 0; }\nint aligned;\t\t/* fine */\n"
        new = "int f(int x)\n{\n\tif (x)\n\t\treturn 1;\n\treturn 0;\n}\nint aligned; /* fine */\n"
        hunks = fmt.drift_hunks(orig, new)
        self.assertEqual(len(hunks), 1)
        first, old, _ = hunks[0]
        self.assertEqual((first, old), (1, ["int f(int x){ if(x) return 1; return 0; }"]))
        # indentation counts
        self.assertEqual(len(fmt.drift_hunks("  x = 1;\n", "\tx = 1;\n")), 1)

    def test_assembler_headers_are_skipped(self):
        with open(os.path.join(ROOT, "arch/x86_64/entry_regs.h")) as f:
            self.assertTrue(fmt.ASM_RE.search(f.read()))
        with open(os.path.join(ROOT, "kernel/lib/list.h")) as f:
            self.assertFalse(fmt.ASM_RE.search(f.read()))


class ClangFormatFileTest(unittest.TestCase):
    def test_every_for_each_macro_is_a_loop(self):
        """A for_each macro missing from ForEachMacros is formatted as a
        call, `list_for_each_entry (p, ...)` turning into `...(p, ...)`
        with its body misplaced: a new one must be listed."""
        with open(os.path.join(ROOT, ".clang-format")) as f:
            listed = set(re.findall(r"^\s+- (\w+)$", f.read(), re.M))
        defined = set()
        for top in ("arch", "kernel", "tests/kernel", "user", "boot"):
            for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
                for n in names:
                    if n.endswith((".c", ".h")):
                        with open(os.path.join(dirpath, n), errors="replace") as f:
                            defined |= set(re.findall(r"^#define\s+(\w*for_each\w*)\(", f.read(), re.M))
        self.assertEqual(sorted(defined - listed), [])


if __name__ == "__main__":
    unittest.main()
