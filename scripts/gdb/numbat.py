"""scripts/gdb/numbat.py - gdb commands that read Numbat's data structures.

Loaded by `make gdb` (gdb -x scripts/gdb/numbat.py), or by hand with
`source scripts/gdb/numbat.py` in any gdb attached to a Numbat kernel. Like
Linux's lx- helpers (scripts/gdb/linux/), they only read memory through the
symbols of build/numbat.elf, so they work where the kernel can no longer
help itself: stopped at a breakpoint, hung with interrupts off, or after
an oops. `help user-defined` lists them; `help nb-ps` shows one.

    nb-ps                 every task: pid, tgid, CPU, state, name
    nb-dmesg              the kernel log buffer (kernel/printk.c)
    nb-percpu VAR [CPU]   a per-CPU variable's copy on CPU (default: this thread's)
    nb-rq [CPU]           runqueues: current task, queued tasks, counters
    nb-vmas PID [-t]      a process's VMA tree, as /proc/PID/maps
    nb-slabinfo           the slab caches, as /proc/slabinfo
    nb-bt PID             the kernel stack of a task that is not running
    $nb_per_cpu(VAR, CPU) and $nb_current([CPU]) for expressions

QEMU's gdbstub shows one thread per virtual CPU, thread N being CPU N - 1;
"this CPU" is the CPU of the selected thread (`thread 2`, then `nb-percpu
cpu_number` reads 1). The layouts mirror the C code named in each command:
when a structure changes there, change it here too (`make test` runs every
command against a booted kernel, tests/test_gdb.py).
"""

import gdb

# ---------------------------------------------------------------- helpers

TASK_STATES = {0x0001: "sleeping", 0x0002: "blocked", 0x0080: "dead", 0x0800: "new"}
PF_IDLE = 0x0002
EXIT_ZOMBIE = 0x10
MAPS_NAME_COLUMN = 73           # kernel/mm/maps.c: Linux pads names to column 74
VM_READ, VM_WRITE, VM_EXEC, VM_MAYSHARE = 0x1, 0x2, 0x4, 0x80


class NumbatError(gdb.GdbError):
    pass


def lookup(name, filename=None):
    """A variable by name: a global, else a file-static (from filename when
    several files have one of that name)."""
    sym = gdb.lookup_global_symbol(name)
    if sym is None:
        statics = gdb.lookup_static_symbols(name)
        if filename is not None:
            statics = [s for s in statics if s.symtab and s.symtab.filename.endswith(filename)]
        sym = statics[0] if statics else None
    if sym is None:
        raise NumbatError("no symbol %s in the kernel (is build/numbat.elf loaded?)" % name)
    return sym.value()


def field_offset(type_name, field):
    """offsetof(struct type_name, field), in bytes."""
    t = gdb.lookup_type(type_name)
    for f in t.fields():
        if f.name == field:
            return f.bitpos // 8
    raise NumbatError("%s has no field %s" % (type_name, field))


def at(addr, type_):
    """The object of type_ at addr. gdb.Value() takes a Python int as a
    signed 64-bit number, and kernel addresses have the top bit set."""
    if addr >= 1 << 63:
        addr -= 1 << 64
    return gdb.Value(addr).cast(type_.pointer()).dereference()


def container_of(ptr, type_name, field):
    return at(int(ptr) - field_offset(type_name, field), gdb.lookup_type(type_name))


def list_for_each_entry(head, type_name, field):
    """The entries of a struct list_head list (kernel/lib/list.h), head
    being the list_head value itself."""
    head_addr = int(head.address)
    node = head["next"]
    seen = 0
    while int(node) != head_addr:
        if int(node) == 0:
            raise NumbatError("list at %#x is broken: a NULL next pointer" % head_addr)
        yield container_of(node, type_name, field)
        node = node["next"]
        seen += 1
        if seen > 1000000:
            raise NumbatError("list at %#x does not come back to its head" % head_addr)


def c_string(value):
    """A char array field as a Python string."""
    return value.string(errors="replace", length=value.type.sizeof).split("\0", 1)[0]


def nr_cpu_ids():
    return int(lookup("nr_cpu_ids"))


def cpumask_test(mask, cpu):
    bits = mask["bits"]
    word_bits = bits[0].type.sizeof * 8
    return bool((int(bits[cpu // word_bits]) >> (cpu % word_bits)) & 1)


def possible_cpus():
    mask = lookup("cpu_possible_mask")
    cpus = [c for c in range(nr_cpu_ids()) if cpumask_test(mask, c)]
    return cpus or [0]          # before the MADT is read: the boot CPU alone


def online_cpus():
    mask = lookup("cpu_online_mask")
    cpus = [c for c in range(nr_cpu_ids()) if cpumask_test(mask, c)]
    return cpus or [0]


def selected_cpu():
    """The CPU of gdb's selected thread: QEMU numbers CPU N's thread N + 1."""
    thread = gdb.selected_thread()
    if thread is None:
        raise NumbatError("no thread selected: is gdb attached (target remote :1234)?")
    tid = thread.ptid[1] or thread.num
    return tid - 1


def parse_cpu(arg):
    try:
        cpu = int(arg, 0)
    except ValueError:
        raise NumbatError("CPU must be a number, not %r" % arg)
    if not 0 <= cpu < nr_cpu_ids():
        raise NumbatError("no CPU %d (CPUs 0-%d)" % (cpu, nr_cpu_ids() - 1))
    return cpu


def per_cpu_offset(cpu):
    """__per_cpu_offset[cpu] (kernel/percpu.c): the copy of a per-CPU
    variable on cpu is at its linked address plus this. It is 0 before
    setup_per_cpu_areas(), when the boot CPU uses the template itself."""
    return int(lookup("__per_cpu_offset")[cpu])


def percpu_range():
    """[start, end) of the addresses that name per-CPU data: the static
    template (.data..percpu) and, after it, the dynamic part of alloc_percpu."""
    start = int(lookup("__per_cpu_start").address)
    area = int(lookup("percpu_area_size"))
    if area == 0:               # areas not set up yet: the template alone
        return start, int(lookup("__per_cpu_end").address)
    return start, start + area


def per_cpu(value, cpu):
    """The copy on cpu of a per-CPU lvalue (a variable, a field of one, or
    *p of a dynamic per-CPU pointer p)."""
    if value.address is None:
        raise NumbatError("not a per-CPU variable (it has no address)")
    addr = int(value.address)
    start, end = percpu_range()
    if not start <= addr < end:
        raise NumbatError("%#x is not per-CPU data (per-CPU addresses: %#x-%#x)" % (addr, start, end))
    return at((addr + per_cpu_offset(cpu)) & ((1 << 64) - 1), value.type)


def per_cpu_var(name, cpu):
    return per_cpu(lookup(name), cpu)


def task_state(task):
    state = int(task["state"])
    if is_user_task(task) and int(task["user"]["exit_state"]) == EXIT_ZOMBIE:
        return "zombie"         # dead, waiting for its parent's wait4
    if state == 0:
        return "running" if int(task["on_cpu"]) else "runnable"
    return TASK_STATES.get(state, "?%#x" % state)


def is_user_task(task):
    return int(task["user"]["signal"]) != 0


def task_name(task):
    name = c_string(task["comm"])
    if not is_user_task(task):
        return name + " [kernel]"
    if int(task["user"]["group_leader"]) != int(task.address):
        return name + " (thread)"
    return name


def all_tasks():
    return list_for_each_entry(lookup("task_list"), "struct task", "tasks")


def find_task(pid):
    for t in all_tasks():
        if int(t["pid"]) == pid and not int(t["flags"]) & PF_IDLE:
            return t
    return None


def task_arg(arg):
    """A command's PID argument -> (pid, its struct task)."""
    try:
        pid = int(arg, 0)
    except ValueError:
        raise NumbatError("PID must be a number, not %r" % arg)
    task = find_task(pid)
    if task is None:
        raise NumbatError("no task with pid %d" % pid)
    return pid, task


# ---------------------------------------------------------------- commands

class NbPs(gdb.Command):
    """Every task (task_list, kernel/sched/kthread.c): pid, tgid, CPU, state, name.

Usage: nb-ps
The monitor's `ps`, read from memory: idle tasks (pid 0, one per CPU), kernel
threads ([kernel]) and user threads. CPU is the runqueue the task is on or last
ran on; "running" means a CPU is running it now (its on_cpu)."""

    def __init__(self):
        super().__init__("nb-ps", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise NumbatError("nb-ps takes no arguments")
        gdb.write("  pid   tgid  cpu  state     task                name\n")
        for t in all_tasks():
            tgid = int(t["user"]["tgid"]) if is_user_task(t) else int(t["pid"])
            gdb.write("%5d  %5d  %3d  %-8s  %#x  %s\n" % (
                int(t["pid"]), tgid, int(t["cpu"]), task_state(t), int(t.address), task_name(t)))


class NbDmesg(gdb.Command):
    """The kernel log buffer (log_buf, kernel/printk.c), oldest line first.

Usage: nb-dmesg
The monitor's `dmesg`, read from memory: every printk since boot, including the
messages above the console log level that never reached the serial port; once
more than its 64 KiB were written, the last 64 KiB."""

    def __init__(self):
        super().__init__("nb-dmesg", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise NumbatError("nb-dmesg takes no arguments")
        buf = lookup("log_buf", "printk.c")
        head = int(lookup("log_head", "printk.c"))
        size = buf.type.sizeof
        mem = bytes(gdb.selected_inferior().read_memory(int(buf.address), size))
        if head <= size:
            text = mem[:head]
        else:
            # a ring: the oldest byte is where the next one goes; its first
            # line was partly overwritten
            start = head % size
            text = mem[start:] + mem[:start]
            text = text[text.find(b"\n") + 1:]
        gdb.write(text.decode("utf-8", "replace"))


class NbPercpu(gdb.Command):
    """A per-CPU variable's copy on a CPU (kernel/percpu.h).

Usage: nb-percpu VAR [CPU]
VAR is a DEFINE_PER_CPU variable, a field or element of one (runqueues.nr_switches),
or *p of a dynamic per-CPU pointer p (*kmalloc_caches[0].cpu_slab). CPU defaults to
the CPU of the selected thread. The copy of CPU c is at &VAR + __per_cpu_offset[c],
the address %gs-relative code reaches on that CPU."""

    def __init__(self):
        super().__init__("nb-percpu", gdb.COMMAND_USER, gdb.COMPLETE_SYMBOL)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not 1 <= len(argv) <= 2:
            raise NumbatError("usage: nb-percpu VAR [CPU]")
        cpu = parse_cpu(argv[1]) if len(argv) == 2 else selected_cpu()
        value = per_cpu(gdb.parse_and_eval(argv[0]), cpu)
        gdb.write("cpu%d: %s = %s\n" % (cpu, argv[0], value.format_string()))


class NbRq(gdb.Command):
    """The runqueues (struct rq, kernel/sched/rq.h): running task, queue, counters.

Usage: nb-rq [CPU]
Without CPU, every online CPU's. For each: the task it runs (curr), its idle task,
nr_running, switches, tasks pulled by load balancing, who holds rq->lock (-1: nobody),
then the tasks waiting on rq->queue in the order they will run."""

    def __init__(self):
        super().__init__("nb-rq", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if len(argv) > 1:
            raise NumbatError("usage: nb-rq [CPU]")
        cpus = [parse_cpu(argv[0])] if argv else online_cpus()
        for cpu in cpus:
            rq = per_cpu_var("runqueues", cpu)
            curr = rq["curr"]
            gdb.write("cpu%d: rq %#x  curr %s  nr_running %d  switches %d  pulled %d  lock held by cpu %d\n" % (
                cpu, int(rq.address), describe_task(curr), int(rq["nr_running"]),
                int(rq["nr_switches"]), int(rq["nr_pulled"]), int(rq["lock"]["owner_cpu"])))
            queued = list(list_for_each_entry(rq["queue"], "struct task", "run_list")) \
                if int(rq["queue"]["next"]) else []
            if not queued:
                gdb.write("  queue: empty\n")
            for i, t in enumerate(queued):
                gdb.write("  queue[%d]: %s  %s\n" % (i, describe_task(t.address), task_state(t)))


def describe_task(ptr):
    if int(ptr) == 0:
        return "-"
    t = ptr.dereference()
    return "%s (pid %d)" % (c_string(t["comm"]), int(t["pid"]))


class NbVmas(gdb.Command):
    """A process's VMAs, walked in its augmented rbtree, as /proc/PID/maps.

Usage: nb-vmas PID [-t]
Walks mm->mm_rb (kernel/mm/vma.h, kernel/lib/rbtree.h) in order, as the kernel's
show_maps() prints the list. -t also shows each VMA's place in the tree: depth,
colour, its gap below (vm_start - the previous vm_end) and rb_subtree_gap, the
largest gap of its subtree that get_unmapped_area() steers by."""

    def __init__(self):
        super().__init__("nb-vmas", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        tree = "-t" in argv
        argv = [a for a in argv if a != "-t"]
        if len(argv) != 1:
            raise NumbatError("usage: nb-vmas PID [-t]")
        pid, task = task_arg(argv[0])
        mm_ptr = task["mm"]
        if int(mm_ptr) == 0:
            raise NumbatError("pid %d (%s) has no mm: a kernel thread, or exiting"
                              % (pid, c_string(task["comm"])))
        mm = mm_ptr.dereference()
        vmas = list(rb_inorder(mm["mm_rb"]["node"]))
        prev_end = 0
        for vma, depth, color in vmas:
            gdb.write(maps_line(mm, vma))
            if tree:
                gdb.write("    depth %d %s  gap %#x  subtree_gap %#x\n" % (
                    depth, "black" if color else "red", int(vma["vm_start"]) - prev_end,
                    int(vma["rb_subtree_gap"])))
            prev_end = int(vma["vm_end"])
        if len(vmas) != int(mm["map_count"]):
            gdb.write("nb-vmas: %d VMAs in the tree but map_count is %d\n"
                      % (len(vmas), int(mm["map_count"])))


def rb_inorder(node_ptr):
    """(vma, depth, colour) of each node of a VMA tree, in address order;
    iterative, with a bound, since a corrupted tree may loop."""
    stack, depth, out = [], 0, []
    node = node_ptr
    while stack or int(node):
        while int(node):
            stack.append((node, depth))
            node = node["left"]
            depth += 1
        node, depth = stack.pop()
        out.append((container_of(node, "struct vm_area_struct", "vm_rb"), depth, int(node["color"])))
        if len(out) > 1000000:
            raise NumbatError("the VMA tree does not end: corrupted?")
        node = node["right"]
        depth += 1
    return out


def maps_line(mm, vma):
    """One line of /proc/PID/maps, as show_map_vma() in kernel/mm/maps.c."""
    f = int(vma["vm_flags"])
    start, end = int(vma["vm_start"]), int(vma["vm_end"])
    shared = int(vma["vm_shared"]) != 0
    line = "%08x-%08x %s%s%s%s %08x %s 0 " % (
        start, end, "r" if f & VM_READ else "-", "w" if f & VM_WRITE else "-",
        "x" if f & VM_EXEC else "-", "s" if f & VM_MAYSHARE else "p", 0,
        "00:01" if shared else "00:00")
    name = None
    brk, start_brk, start_stack = int(mm["brk"]), int(mm["start_brk"]), int(mm["start_stack"])
    if shared:
        name = "/dev/zero (deleted)"
    elif brk and start <= brk and end >= start_brk:
        name = "[heap]"
    elif start_stack and start <= start_stack and end >= start_stack:
        name = "[stack]"
    if name:
        line = line.ljust(MAPS_NAME_COLUMN - 1) + " " + name
    return line + "\n"


class NbBt(gdb.Command):
    """The kernel stack of a task that is not running, through its frame pointers.

Usage: nb-bt PID
A task switched out sleeps inside switch_to() (arch/x86_64/switch.S), which pushed
six registers, the last being RBP, and left its stack pointer in task->saved_rsp:
above them lies the return address into schedule(). From there each frame starts
with the caller's RBP and the return address (the kernel keeps frame pointers).
A task running on a CPU has no saved stack: use `thread CPU+1` and `bt`."""

    SAVED_REGS = 6              # r15 r14 r13 r12 rbx rbp, as switch_to pushes them

    def __init__(self):
        super().__init__("nb-bt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if len(argv) != 1:
            raise NumbatError("usage: nb-bt PID")
        pid, task = task_arg(argv[0])
        if int(task["on_cpu"]):
            raise NumbatError("pid %d runs on cpu%d now: `thread %d` and `bt`"
                              % (pid, int(task["cpu"]), int(task["cpu"]) + 1))
        ulong = gdb.lookup_type("unsigned long")
        lo, hi = int(task["stack_bottom"]), int(task["stack_top"])
        sp = int(task["saved_rsp"])
        if not lo <= sp < hi:
            raise NumbatError("saved_rsp %#x is outside the task's stack %#x-%#x" % (sp, lo, hi))
        word = lambda addr: int(at(addr, ulong))
        rbp = word(sp + 8 * (self.SAVED_REGS - 1))
        pc = word(sp + 8 * self.SAVED_REGS)
        for depth in range(64):
            # pc - 1: the call, not the instruction after it, names the line
            sal = gdb.find_pc_line(pc - 1)
            where = " at %s:%d" % (sal.symtab.filename, sal.line) if sal.symtab else ""
            gdb.write("#%-2d %s%s\n" % (depth, gdb.format_address(pc), where))
            if not lo <= rbp < hi - 8:
                break
            rbp, pc = word(rbp), word(rbp + 8)
            if pc == 0:
                break


class NbSlabinfo(gdb.Command):
    """The slab caches (slab_caches, kernel/mm/slab.c), as /proc/slabinfo.

Usage: nb-slabinfo
The monitor's `slabinfo`, read from memory (kernel/mm/slab_stat.c): objects in use
are the per-CPU allocation counters summed over CPUs, minus the frees; slabs and
objects are summed over the nodes."""

    def __init__(self):
        super().__init__("nb-slabinfo", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise NumbatError("nb-slabinfo takes no arguments")
        gdb.write("slabinfo - version: 2.1\n")
        gdb.write("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
                  " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>"
                  " <num_slabs> <sharedavail>\n")
        cpus = possible_cpus()
        nodes = lookup("numa")["nodes"]
        stat = {n: int(gdb.parse_and_eval(n)) for n in
                ("ALLOC_FASTPATH", "ALLOC_SLOWPATH", "ALLOC_LOCKED",
                 "FREE_FASTPATH", "FREE_SLOWPATH", "FREE_LOCKED")}
        for s in list_for_each_entry(lookup("slab_caches"), "struct kmem_cache", "list"):
            inuse = 0
            if int(s["cpu_slab"]):
                for cpu in cpus:
                    st = per_cpu(s["cpu_slab"].dereference(), cpu)["stat"]
                    inuse += sum(int(st[stat[k]]) for k in ("ALLOC_FASTPATH", "ALLOC_SLOWPATH", "ALLOC_LOCKED"))
                    inuse -= sum(int(st[stat[k]]) for k in ("FREE_FASTPATH", "FREE_SLOWPATH", "FREE_LOCKED"))
            slabs = objects = 0
            node_count = s["node"].type.range()[1] + 1
            for nid in range(node_count):
                if not bool(nodes[nid]["online"]):
                    continue
                slabs += int(s["node"][nid]["nr_slabs"])
                objects += int(s["node"][nid]["total_objects"])
            gdb.write("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d\n" % (
                c_string(s["name"]), inuse, objects, int(s["size"]), int(s["objects"]),
                1 << int(s["order"]), 0, 0, 0, slabs, slabs, 0))


# ---------------------------------------------------------------- functions

class NbPerCpuFunction(gdb.Function):
    """$nb_per_cpu(VAR, CPU): the copy of per-CPU variable VAR on CPU, e.g.
p $nb_per_cpu(runqueues, 1).nr_switches"""

    def __init__(self):
        super().__init__("nb_per_cpu")

    def invoke(self, var, cpu=None):
        return per_cpu(var, selected_cpu() if cpu is None else int(cpu))


class NbCurrentFunction(gdb.Function):
    """$nb_current([CPU]): the task running on CPU (default: the selected
thread's), e.g. p $nb_current()->comm"""

    def __init__(self):
        super().__init__("nb_current")

    def invoke(self, cpu=None):
        return per_cpu_var("current_task", selected_cpu() if cpu is None else int(cpu))


NbPs()
NbDmesg()
NbPercpu()
NbRq()
NbVmas()
NbSlabinfo()
NbBt()
NbPerCpuFunction()
NbCurrentFunction()
