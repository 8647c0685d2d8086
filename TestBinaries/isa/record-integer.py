#!/usr/bin/env python3
"""Records integer-instruction test vectors from qemu-aarch64.

Generates random A64 integer instructions (data processing, conditional
branches, loads/stores, exclusives, LSE atomics) with random register and
flag inputs, runs them all in one static program under qemu-aarch64, and
writes what qemu computed to Tests/AArch64Tests/Fixtures/integer-vectors.txt.

Usage: TestBinaries/isa/record-integer.py [--count N] [--seed S]
Needs aarch64-linux-gnu-as/ld/objcopy and qemu-aarch64 (Debian: binutils-aarch64-linux-gnu, qemu-user).

Fixture line: words;inputs(x0..x15,nzcv);outputs(x0..x15,nzcv);memhash_in_out
All numbers hex. Memory cases use a 256-byte buffer at BUF, reset to a fixed
pattern before each case; the hash is FNV-1a 64 of the buffer afterwards.
"""
import argparse, os, random, struct, subprocess, sys, tempfile

BUF = 0x200000000
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests/AArch64Tests/Fixtures/integer-vectors.txt")

CONDS = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al"]
BITMASKS64 = [0xff, 0xffff, 0xffffffff, 0xff00, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa, 0x0f0f0f0f0f0f0f0f,
              0x7fffffffffffffff, 0x8000000000000000, 0xfffffffffffffffe, 0x3, 0xfffffff0, 0x1ffffffff, 0xc000000000000001]
BITMASKS32 = [0xff, 0xffff, 0xff00, 0x55555555, 0xaaaaaaaa, 0x0f0f0f0f, 0x7fffffff, 0x80000000, 0xfffffffe, 0x3, 0xfffffff0, 0xc0000001]
EXTS = ["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"]

def r(n=16):
    return random.randrange(n)

def interesting():
    c = random.randrange(12)
    if c == 0: return 0
    if c == 1: return 1
    if c == 2: return (1 << 64) - 1
    if c == 3: return 0x7fffffffffffffff
    if c == 4: return 0x8000000000000000
    if c == 5: return 0xffffffff
    if c == 6: return 0x80000000
    if c == 7: return 0x7fffffff
    if c == 8: return random.randrange(256)
    if c == 9: return (1 << 64) - random.randrange(1, 256)
    return random.getrandbits(64)

def gen_dp():
    X = lambda: "x%d" % r()
    W = lambda: "w%d" % r()
    sf = random.random() < 0.6
    R = X if sf else W
    size = 64 if sf else 32
    k = random.randrange(30)
    if k == 0:
        op = random.choice(["add", "adds", "sub", "subs"])
        return "%s %s, %s, #%d%s" % (op, R(), R(), random.randrange(4096), random.choice(["", ", lsl #12"]))
    if k == 1:
        return "%s %s, #%d" % (random.choice(["cmp", "cmn"]), R(), random.randrange(4096))
    if k == 2:
        op = random.choice(["movz", "movn", "movk"])
        return "%s %s, #%d, lsl #%d" % (op, R(), random.randrange(65536), 16 * random.randrange(4 if sf else 2))
    if k == 3:
        op = random.choice(["and", "orr", "eor", "ands"])
        imm = random.choice(BITMASKS64 if sf else BITMASKS32)
        return "%s %s, %s, #0x%x" % (op, R(), R(), imm)
    if k == 4:
        op = random.choice(["sbfm", "ubfm", "bfm"])
        return "%s %s, %s, #%d, #%d" % (op, R(), R(), random.randrange(size), random.randrange(size))
    if k == 5:
        return "extr %s, %s, %s, #%d" % (R(), R(), R(), random.randrange(size))
    if k in (6, 7):
        op = random.choice(["and", "bic", "orr", "orn", "eor", "eon", "ands", "bics"])
        sh = random.choice(["lsl", "lsr", "asr", "ror"])
        return "%s %s, %s, %s, %s #%d" % (op, R(), R(), R(), sh, random.randrange(size))
    if k in (8, 9):
        op = random.choice(["add", "adds", "sub", "subs"])
        sh = random.choice(["lsl", "lsr", "asr"])
        return "%s %s, %s, %s, %s #%d" % (op, R(), R(), R(), sh, random.randrange(size))
    if k == 10:
        op = random.choice(["add", "adds", "sub", "subs"])
        ext = random.choice(EXTS)
        if sf:
            src = ("x%d" if ext in ("uxtx", "sxtx") else "w%d") % r()
            return "%s x%d, x%d, %s, %s #%d" % (op, r(), r(), src, ext, random.randrange(5))
        return "%s w%d, w%d, w%d, %s #%d" % (op, r(), r(), r(), ext, random.randrange(5))
    if k == 11:
        op = random.choice(["adc", "adcs", "sbc", "sbcs", "ngc", "ngcs"])
        if op.startswith("ngc"):
            return "%s %s, %s" % (op, R(), R())
        return "%s %s, %s, %s" % (op, R(), R(), R())
    if k == 12:
        op = random.choice(["ccmp", "ccmn"])
        if random.random() < 0.5:
            return "%s %s, %s, #%d, %s" % (op, R(), R(), random.randrange(16), random.choice(CONDS))
        return "%s %s, #%d, #%d, %s" % (op, R(), random.randrange(32), random.randrange(16), random.choice(CONDS))
    if k in (13, 14):
        op = random.choice(["csel", "csinc", "csinv", "csneg"])
        return "%s %s, %s, %s, %s" % (op, R(), R(), R(), random.choice(CONDS))
    if k == 15:
        op = random.choice(["cset", "csetm"])
        return "%s %s, %s" % (op, R(), random.choice(CONDS[:-1]))
    if k == 16:
        op = random.choice(["lslv", "lsrv", "asrv", "rorv"])
        return "%s %s, %s, %s" % (op, R(), R(), R())
    if k == 17:
        op = random.choice(["udiv", "sdiv"])
        return "%s %s, %s, %s" % (op, R(), R(), R())
    if k == 18:
        op = random.choice(["madd", "msub"])
        return "%s %s, %s, %s, %s" % (op, R(), R(), R(), R())
    if k == 19:
        op = random.choice(["smaddl", "smsubl", "umaddl", "umsubl"])
        return "%s x%d, w%d, w%d, x%d" % (op, r(), r(), r(), r())
    if k == 20:
        return "%s x%d, x%d, x%d" % (random.choice(["smulh", "umulh"]), r(), r(), r())
    if k == 21:
        ops = ["rbit", "rev16", "rev", "clz", "cls"] + (["rev32"] if sf else [])
        return "%s %s, %s" % (random.choice(ops), R(), R())
    if k == 22:
        sz = random.choice(["b", "h", "w", "x"])
        c = random.choice(["crc32", "crc32c"])
        return "%s%s w%d, w%d, %s%d" % (c, sz, r(), r(), "x" if sz == "x" else "w", r())
    if k == 23:
        op = random.choice(["lsl", "lsr", "asr", "ror"])
        return "%s %s, %s, #%d" % (op, R(), R(), random.randrange(size))
    if k == 24:
        op = random.choice(["sxtb", "sxth", "uxtb", "uxth"])
        return "%s %s, w%d" % (op, R(), r())
    if k == 25:
        return "sxtw x%d, w%d" % (r(), r())
    if k == 26:
        # flag-consuming branches
        c = random.choice(CONDS)
        return ["cmp %s, %s" % (R(), R()), "b.%s 8" % c, "mov x15, #1"]
    if k == 27:
        op = random.choice(["cbz", "cbnz"])
        return ["%s %s, 8" % (op, R()), "mov x15, #2"]
    if k == 28:
        op = random.choice(["tbz", "tbnz"])
        return ["%s x%d, #%d, 8" % (op, r(), random.randrange(64)), "mov x15, #3"]
    return ["%s %s, %s, %s" % (random.choice(["adds", "subs"]), R(), R(), R()), "b.%s 8" % random.choice(CONDS), "mov x15, #4"]

def gen_mem():
    """Memory case: x0..x3 are bases into the buffer."""
    b = "x%d" % random.randrange(4)
    t = lambda: r(12) + 4   # x4..x15 as data registers
    k = random.randrange(16)
    sizes = [("b", 1), ("h", 2), ("", 4), ("", 8)]
    if k in (0, 1, 2):
        name, n = random.choice(sizes)
        reg = "x" if n == 8 else "w"
        load = random.random() < 0.5
        op = ("ldr" if load else "str") + name
        if load and n < 8 and random.random() < 0.4:
            op = "ldrs" + (name or "w")
            reg = random.choice(["x", "w"]) if n < 4 else "x"
        mode = random.randrange(4)
        rt = "%s%d" % (reg, t())
        if mode == 0: return "%s %s, [%s, #%d]" % (op, rt, b, n * random.randrange(8))
        if mode == 1: return "%s %s, [%s, #%d]!" % (op, rt, b, random.randrange(-32, 32))
        if mode == 2: return "%s %s, [%s], #%d" % (op, rt, b, random.randrange(-32, 32))
        return "%s %s, [%s, #%d]" % (op.replace("ldr", "ldur").replace("str", "stur"), rt, b, random.randrange(-32, 32))
    if k == 3:
        name, n = random.choice(sizes)
        reg = "x" if n == 8 else "w"
        op = random.choice(["ldr", "str"]) + name
        ext = random.choice(["lsl", "uxtw", "sxtw", "sxtx"])
        idx = ("w%d" if ext in ("uxtw", "sxtw") else "x%d") % (12 + random.randrange(4))
        sh = random.choice([0, {1: 0, 2: 1, 4: 2, 8: 3}[n]])
        return "%s %s%d, [%s, %s, %s #%d]" % (op, reg, t(), b, idx, ext, sh)
    if k in (4, 5):
        op = random.choice(["ldp", "stp", "ldnp", "stnp"] + (["ldpsw"] if k == 5 else []))
        reg = "x" if op != "ldpsw" and random.random() < 0.6 else "w"
        if op == "ldpsw": reg = "x"
        n = 8 if reg == "x" and op != "ldpsw" else 4
        r1 = t()
        r2 = t()
        while r2 == r1: r2 = t()
        mode = random.randrange(3) if "np" not in op else 0
        off = n * random.randrange(-4, 4)
        if mode == 0: return "%s %s%d, %s%d, [%s, #%d]" % (op, reg, r1, reg, r2, b, off)
        if mode == 1: return "%s %s%d, %s%d, [%s, #%d]!" % (op, reg, r1, reg, r2, b, off)
        return "%s %s%d, %s%d, [%s], #%d" % (op, reg, r1, reg, r2, b, off)
    if k == 6:
        sz = random.choice([("b", "w"), ("h", "w"), ("", "w"), ("", "x")])
        op = random.choice(["ldxr", "ldaxr"])
        st = random.choice(["stxr", "stlxr"])
        return ["%s%s %s%d, [%s]" % (op, sz[0], sz[1], 4, b), "add %s4, %s4, #1" % (sz[1], sz[1]), "%s%s w5, %s4, [%s]" % (st, sz[0], sz[1], b)]
    if k == 7:
        reg = random.choice(["w", "x"])
        return ["ldxp %s4, %s6, [%s]" % (reg, reg, b), "add %s4, %s4, %s6" % (reg, reg, reg), "stxp w5, %s4, %s6, [%s]" % (reg, reg, b)]
    if k in (8, 9):
        op = random.choice(["ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin", "swp"])
        op += random.choice(["", "a", "l", "al"])
        sz = random.choice([("b", "w"), ("h", "w"), ("", "w"), ("", "x")])
        return "%s%s %s%d, %s%d, [%s]" % (op, sz[0], sz[1], t(), sz[1], t(), b)
    if k == 10:
        op = random.choice(["cas", "casa", "casl", "casal"])
        sz = random.choice([("b", "w"), ("h", "w"), ("", "w"), ("", "x")])
        return ["ldr%s %s%d, [%s]" % (sz[0], sz[1], 4, b) if random.random() < 0.5 else "nop",
                "%s%s %s4, %s%d, [%s]" % (op, sz[0], sz[1], sz[1], t(), b)]
    if k == 11:
        reg = random.choice(["w", "x"])
        return ["ldp %s4, %s5, [%s]" % (reg, reg, b) if random.random() < 0.5 else "nop",
                "casp %s4, %s5, %s6, %s7, [%s]" % (reg, reg, reg, reg, b)]
    if k == 12:
        sz = random.choice([("b", "w"), ("h", "w"), ("", "w"), ("", "x")])
        return "%s%s %s%d, [%s]" % (random.choice(["ldar", "stlr", "ldapr"]), sz[0], sz[1], t(), b)
    if k == 14:
        # FP/SIMD register loads and stores, observed through memory and fmov/umov
        reg, n = random.choice([("s", 4), ("d", 8), ("q", 16)])
        b2 = "x%d" % random.randrange(4)
        mode = random.randrange(4)
        off = n * random.randrange(-2, 4)
        if mode == 0: ld = "ldr %s4, [%s, #%d]" % (reg, b, max(off, 0))
        elif mode == 1: ld = "ldr %s4, [%s, #%d]!" % (reg, b, off)
        elif mode == 2: ld = "ldr %s4, [%s], #%d" % (reg, b, off)
        else: ld = "ldur %s4, [%s, #%d]" % (reg, b, random.randrange(-16, 16))
        return [ld, "str q4, [%s, #16]" % b2, "umov x5, v4.d[0]", "umov x6, v4.d[1]"]
    if k == 15:
        reg, n = random.choice([("s", 4), ("d", 8), ("q", 16)])
        b2 = "x%d" % random.randrange(4)
        mode = random.randrange(3)
        off = n * random.randrange(-2, 3)
        if mode == 0: ld = "ldp %s4, %s5, [%s, #%d]" % (reg, reg, b, off)
        elif mode == 1: ld = "ldp %s4, %s5, [%s, #%d]!" % (reg, reg, b, off)
        else: ld = "ldp %s4, %s5, [%s], #%d" % (reg, reg, b, off)
        st = random.choice(["stp q5, q4, [%s, #32]" % b2, "stp %s5, %s4, [%s, #%d]" % (reg, reg, b2, off),
                            "stp %s5, %s4, [%s, #%d]!" % (reg, reg, b2, off), "str %s5, [%s], #%d" % (reg, b2, off)])
        return [ld, st, "umov x6, v4.d[1]"]
    return "prfm pldl1keep, [%s, #%d]" % (b, 8 * random.randrange(8))

def assemble(snippets, tmp):
    """Returns the list of encodings for each snippet (list of words)."""
    # Snippets hold at most three instructions plus the svc the test appends.
    src = [".arch armv8.3-a+lse+crc+rcpc", ".text"]
    for i, s in enumerate(snippets):
        lines = s if isinstance(s, list) else [s]
        src.append("s%d:" % i)
        for ln in lines:
            ln = ln.replace(" 8", " .+8") if ln.split()[0].startswith(("b.", "cbz", "cbnz", "tbz", "tbnz")) else ln
            src.append("    " + ln)
    path = os.path.join(tmp, "snip.s")
    open(path, "w").write("\n".join(src) + "\n")
    subprocess.check_call(["aarch64-linux-gnu-as", path, "-o", path + ".o"])
    subprocess.check_call(["aarch64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", path + ".o", path + ".bin"])
    data = open(path + ".bin", "rb").read()
    words = struct.unpack("<%dI" % (len(data) // 4), data)
    out, pos = [], 0
    for s in snippets:
        n = len(s) if isinstance(s, list) else 1
        out.append(list(words[pos:pos + n]))
        pos += n
    return out

def pattern():
    return bytes((i * 37 + 11) & 0xff for i in range(256))

def fnv(b):
    h = 0xcbf29ce484222325
    for x in b:
        h ^= x
        h = (h * 0x100000001b3) & 0xffffffffffffffff
    return h

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    random.seed(a.seed)
    cases = []
    for i in range(a.count):
        mem = random.random() < 0.3
        snip = gen_mem() if mem else gen_dp()
        regs = [interesting() for _ in range(16)]
        if mem:
            for j in range(4):
                regs[j] = BUF + 64 + 16 * random.randrange(8)
            for j in range(12, 16):
                regs[j] = random.randrange(0, 8)
        nzcv = random.randrange(16) << 28
        cases.append((snip, regs, nzcv, mem))
    tmp = tempfile.mkdtemp()
    encs = assemble([c[0] for c in cases], tmp)
    asm = [".text", ".globl _start", "_start:",
           # mmap the buffer at BUF
           "    movz x0, #0x2, lsl #32", "    mov x1, #4096", "    mov x2, #3", "    mov x3, #0x32", "    mov x4, #-1", "    mov x5, #0",
           "    mov x8, #222", "    svc #0"]
    for i, (snip, regs, nzcv, mem) in enumerate(cases):
        asm += ["    adrp x16, in%d" % i, "    add x16, x16, :lo12:in%d" % i]
        if mem:
            asm += ["    adrp x17, pattern", "    add x17, x17, :lo12:pattern", "    movz x18, #0x2, lsl #32", "    mov x19, #0",
                    "1:  ldr x20, [x17, x19]", "    str x20, [x18, x19]", "    add x19, x19, #8", "    cmp x19, #256", "    b.ne 1b"]
        for j in range(0, 16, 2):
            asm.append("    ldp x%d, x%d, [x16, #%d]" % (j, j + 1, 8 * j))
        asm += ["    ldr x17, [x16, #128]", "    msr nzcv, x17"]
        asm += ["    .inst 0x%08x" % w for w in encs[i]]
        asm += ["    adrp x16, out%d" % i, "    add x16, x16, :lo12:out%d" % i]
        for j in range(0, 16, 2):
            asm.append("    stp x%d, x%d, [x16, #%d]" % (j, j + 1, 8 * j))
        asm += ["    mrs x17, nzcv", "    str x17, [x16, #128]"]
        if mem:
            asm += ["    add x16, x16, #136", "    movz x18, #0x2, lsl #32", "    mov x19, #0",
                    "1:  ldr x20, [x18, x19]", "    str x20, [x16, x19]", "    add x19, x19, #8", "    cmp x19, #256", "    b.ne 1b"]
    asm += ["    adrp x1, outstart", "    add x1, x1, :lo12:outstart", "    adrp x2, outend", "    add x2, x2, :lo12:outend",
            "    sub x2, x2, x1", "2:  mov x0, #1", "    mov x8, #64", "    svc #0", "    cmp x0, #0", "    b.le 3f",
            "    add x1, x1, x0", "    sub x2, x2, x0", "    cbnz x2, 2b", "3:  mov x0, #0", "    mov x8, #93", "    svc #0"]
    asm += [".data", ".balign 8", "pattern:"] + ["    .byte " + ",".join(str(b) for b in pattern())]
    for i, (snip, regs, nzcv, mem) in enumerate(cases):
        asm.append("in%d: .quad %s" % (i, ",".join("0x%x" % v for v in regs + [nzcv])))
    asm += ["outstart:"]
    for i, (snip, regs, nzcv, mem) in enumerate(cases):
        asm.append("out%d: .space %d" % (i, 136 + (256 if mem else 0)))
    asm += ["outend:"]
    prog = os.path.join(tmp, "prog.s")
    open(prog, "w").write("\n".join(asm) + "\n")
    subprocess.check_call(["aarch64-linux-gnu-as", "-march=armv8.3-a+lse+crc+rcpc", prog, "-o", prog + ".o"])
    subprocess.check_call(["aarch64-linux-gnu-ld", "-static", prog + ".o", "-o", prog + ".elf"])
    raw = subprocess.run(["qemu-aarch64", prog + ".elf"], check=True, stdout=subprocess.PIPE).stdout
    pos = 0
    lines = ["# Recorded from qemu-aarch64 by TestBinaries/isa/record-integer.py; DO NOT EDIT.",
             "# words;x0..x15,nzcv in;x0..x15,nzcv out;memory hash (0 for register-only cases)"]
    for i, (snip, regs, nzcv, mem) in enumerate(cases):
        outs = struct.unpack_from("<17Q", raw, pos)
        pos += 136
        h = 0
        if mem:
            h = fnv(raw[pos:pos + 256])
            pos += 256
        text = snip if isinstance(snip, str) else " / ".join(snip)
        lines.append("%s;%s;%s;%x  # %s" % (",".join("%08x" % w for w in encs[i]),
                                            ",".join("%x" % v for v in regs + [nzcv]),
                                            ",".join("%x" % v for v in outs), h, text))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    open(OUT, "w").write("\n".join(lines) + "\n")
    print("wrote %d vectors to %s" % (len(cases), OUT))

if __name__ == "__main__":
    main()
