#!/usr/bin/env python3
"""Records the disassembler fixture: A64 words and what GNU objdump prints.

Words are drawn per encoding class of the Arm ARM (a mask/value pattern per
class, the free bits random), so every class is well represented however
small its share of the 32-bit space. Each sample is run once through
`aarch64-linux-gnu-objdump -D -b binary -m aarch64`; words objdump decodes
go to the valid part of the fixture, and a smaller share of the words it
rejects (`.inst ... ; undefined`) to the rejected part.

Output (Tests/AArch64Tests/Fixtures/disasm-objdump.txt), one line a word:
    <hex word>\t<objdump text>     (objdump text "" when rejected)
Lines are grouped by class under a `# class` header line. The i-th word line
sits at address 4*i in the binary objdump disassembled, which fixes the
pc-relative operands.

Usage: TestBinaries/isa/record-disasm.py [--per-class N] [--seed S]
"""
import argparse, os, random, struct, subprocess, sys, tempfile

# (class, mask, value): a word belongs to the class when word & mask == value.
# The classes follow the Arm ARM's A64 encoding index (non-SVE space).
CLASSES = [
    # Data processing -- immediate
    ("dpimm.pcrel", 0x1F000000, 0x10000000),
    ("dpimm.addsub", 0x1F800000, 0x11000000),
    ("dpimm.addsub_tags", 0x1F800000, 0x11800000),
    ("dpimm.logical", 0x1F800000, 0x12000000),
    ("dpimm.movewide", 0x1F800000, 0x12800000),
    ("dpimm.bitfield", 0x1F800000, 0x13000000),
    ("dpimm.extract", 0x1F800000, 0x13800000),
    # Branches, exception generating and system instructions
    ("branch.cond", 0xFE000000, 0x54000000),
    ("branch.exception", 0xFF000000, 0xD4000000),
    ("system.hints", 0xFFFFF01F, 0xD503201F),
    ("system.barriers", 0xFFFFF01F, 0xD503301F),
    ("system.pstate", 0xFFF8F01F, 0xD500401F),
    ("system.sys", 0xFFD80000, 0xD5080000),
    ("system.sysreg", 0xFFD00000, 0xD5100000),
    ("branch.reg", 0xFF9FFC1F, 0xD61F0000),
    ("branch.reg_pac", 0xFE1FF000, 0xD61F0000),
    ("branch.imm", 0x7C000000, 0x14000000),
    ("branch.cmp", 0x7E000000, 0x34000000),
    ("branch.test", 0x7E000000, 0x36000000),
    # Loads and stores
    ("ldst.simd_multiple", 0xBFBF0000, 0x0C000000),
    ("ldst.simd_multiple_post", 0xBFA00000, 0x0C800000),
    ("ldst.simd_single", 0xBF9F0000, 0x0D000000),
    ("ldst.simd_single_post", 0xBF800000, 0x0D800000),
    ("ldst.exclusive", 0x3F000000, 0x08000000),
    ("ldst.rcpc_unscaled", 0x3F200C00, 0x19000000),
    ("ldst.literal", 0x3B000000, 0x18000000),
    ("ldst.pair_noalloc", 0x3B800000, 0x28000000),
    ("ldst.pair_post", 0x3B800000, 0x28800000),
    ("ldst.pair_offset", 0x3B800000, 0x29000000),
    ("ldst.pair_pre", 0x3B800000, 0x29800000),
    ("ldst.unscaled", 0x3B200C00, 0x38000000),
    ("ldst.imm_post", 0x3B200C00, 0x38000400),
    ("ldst.unprivileged", 0x3B200C00, 0x38000800),
    ("ldst.imm_pre", 0x3B200C00, 0x38000C00),
    ("ldst.atomic", 0x3B200C00, 0x38200000),
    ("ldst.regoff", 0x3B200C00, 0x38200800),
    ("ldst.pac", 0x3B200400, 0x38200400),
    ("ldst.unsigned_imm", 0x3B000000, 0x39000000),
    # Data processing -- register
    ("dpreg.2source", 0x5FE00000, 0x1AC00000),
    ("dpreg.1source", 0x5FFF0000, 0x5AC00000),
    ("dpreg.1source_pac", 0xFFFF0000, 0xDAC10000),
    ("dpreg.logical", 0x1F000000, 0x0A000000),
    ("dpreg.addsub_shift", 0x1F200000, 0x0B000000),
    ("dpreg.addsub_ext", 0x1F200000, 0x0B200000),
    ("dpreg.adc", 0x1FE0FC00, 0x1A000000),
    ("dpreg.flags", 0xFFE07C10, 0xBA000400),
    ("dpreg.setf", 0xFFFFBFFF, 0x3A00080D),
    ("dpreg.ccmp", 0x1FE00000, 0x1A400000),
    ("dpreg.csel", 0x1FE00000, 0x1A800000),
    ("dpreg.3source", 0x1F000000, 0x1B000000),
    # Scalar floating point and Advanced SIMD
    ("crypto.aes", 0xFF3E0C00, 0x4E280800),
    ("crypto.sha3reg", 0xFF208C00, 0x5E000000),
    ("crypto.sha2reg", 0xFF3E0C00, 0x5E280800),
    ("crypto.sm3tt", 0xFFE0C000, 0xCE408000),
    ("crypto.sha512_3", 0xFFE0B000, 0xCE608000),
    ("crypto.4reg", 0xFF808000, 0xCE000000),
    ("crypto.xar", 0xFFE00000, 0xCE800000),
    ("crypto.sha512_2", 0xFFFFF000, 0xCEC08000),
    ("simd.scalar_copy", 0xDFE08400, 0x5E000400),
    ("simd.scalar_3same_fp16", 0xDFE0C400, 0x5E400400),
    ("simd.scalar_2misc_fp16", 0xDF7E0C00, 0x5E780800),
    ("simd.scalar_3same_extra", 0xDF208400, 0x5E008400),
    ("simd.scalar_2misc", 0xDF3E0C00, 0x5E200800),
    ("simd.scalar_pairwise", 0xDF3E0C00, 0x5E300800),
    ("simd.scalar_3diff", 0xDF200C00, 0x5E200000),
    ("simd.scalar_3same", 0xDF200400, 0x5E200400),
    ("simd.scalar_shift", 0xDF800400, 0x5F000400),
    ("simd.scalar_indexed", 0xDF000400, 0x5F000000),
    ("simd.table", 0xBF208C00, 0x0E000000),
    ("simd.permute", 0xBF208C00, 0x0E000800),
    ("simd.extract", 0xBF208400, 0x2E000000),
    ("simd.copy", 0x9FE08400, 0x0E000400),
    ("simd.3same_fp16", 0x9FE0C400, 0x0E400400),
    ("simd.2misc_fp16", 0x9F7E0C00, 0x0E780800),
    ("simd.3same_extra", 0x9F208400, 0x0E008400),
    ("simd.2misc", 0x9F3E0C00, 0x0E200800),
    ("simd.across", 0x9F3E0C00, 0x0E300800),
    ("simd.3diff", 0x9F200C00, 0x0E200000),
    ("simd.3same", 0x9F200400, 0x0E200400),
    ("simd.modimm", 0x9FF80400, 0x0F000400),
    ("simd.shift", 0x9F800400, 0x0F000400),
    ("simd.indexed", 0x9F000400, 0x0F000000),
    ("fp.fixed", 0x5F200000, 0x1E000000),
    ("fp.int", 0x5F20FC00, 0x1E200000),
    ("fp.1source", 0x5F207C00, 0x1E204000),
    ("fp.compare", 0xFF203C07, 0x1E202000),
    ("fp.imm", 0xFF201FE0, 0x1E201000),
    ("fp.ccmp", 0x5F200C00, 0x1E200400),
    ("fp.2source", 0x5F200C00, 0x1E200800),
    ("fp.csel", 0x5F200C00, 0x1E200C00),
    ("fp.3source", 0x5F000000, 0x1F000000),
    # Later additions stay at the end so the classes above keep their words.
    ("ldst.tags", 0xFF200000, 0xD9200000),
    ("system.dc_el0", 0xFFFFF000, 0xD50B7000),
]


def objdump(words):
    """Runs objdump once over all words; returns {word: text}."""
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(struct.pack("<%dI" % len(words), *words))
        path = f.name
    try:
        out = subprocess.run(["aarch64-linux-gnu-objdump", "-D", "-b", "binary", "-m", "aarch64", path],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    result = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[0].strip().endswith(":"):
            continue
        word = int(parts[1].strip(), 16)
        text = "\t".join(parts[2:]).strip()
        result[word] = "" if text.startswith(".inst") else text
    return result


def objdump_listing(words):
    """objdump's text for each word of `words` laid out from address 0."""
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(struct.pack("<%dI" % len(words), *words))
        path = f.name
    try:
        out = subprocess.run(["aarch64-linux-gnu-objdump", "-D", "-b", "binary", "-m", "aarch64", path],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    texts = [None] * len(words)
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[0].strip().endswith(":"):
            continue
        addr = int(parts[0].strip()[:-1], 16)
        text = "\t".join(parts[2:]).strip()
        texts[addr // 4] = "" if text.startswith(".inst") else text
    assert all(t is not None for t in texts)
    return texts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-class", type=int, default=1300)
    ap.add_argument("--rejected-per-class", type=int, default=60)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "Tests",
                                                  "AArch64Tests", "Fixtures", "disasm-objdump.txt"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    draws = {}
    for name, mask, value in CLASSES:
        free = ~mask & 0xFFFFFFFF
        n = min(30 * args.per_class, 1 << bin(free).count("1"))
        seen = set()
        tries = 0
        while len(seen) < n and tries < 3 * n:
            seen.add(value | (rng.getrandbits(32) & free))
            tries += 1
        draws[name] = sorted(seen, key=lambda _: rng.random())
    allwords = sorted({w for ws in draws.values() for w in ws})
    texts = objdump(allwords)
    lines = ["# A64 words and aarch64-linux-gnu-objdump 2.40 text; recorded by TestBinaries/isa/record-disasm.py",
             "# seed %d, per class %d valid + %d rejected" % (args.seed, args.per_class, args.rejected_per_class)]
    taken = set()
    total_valid = total_rejected = 0
    for name, _, _ in CLASSES:
        valid = [w for w in draws[name] if texts.get(w) and w not in taken][: args.per_class]
        rejected = [w for w in draws[name] if texts.get(w) == "" and w not in taken][: args.rejected_per_class]
        taken.update(valid)
        taken.update(rejected)
        total_valid += len(valid)
        total_rejected += len(rejected)
        lines.append("# " + name)
        for w in valid + rejected:
            lines.append("%08x\t%s" % (w, texts[w]))
        print("%-28s %5d valid %4d rejected" % (name, len(valid), len(rejected)), file=sys.stderr)
    # Disassemble the kept words once more, in fixture order, so that word i
    # of the fixture sits at address 4*i: pc-relative operands (branch
    # targets, ADR, literal loads) are then exact for that address.
    ordered = [int(l.split("\t")[0], 16) for l in lines if not l.startswith("#")]
    again = objdump_listing(ordered)
    out, i = [], 0
    for l in lines:
        if l.startswith("#"):
            out.append(l)
        else:
            out.append("%08x\t%s" % (ordered[i], again[i]))
            i += 1
    lines = out
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("total %d valid, %d rejected -> %s" % (total_valid, total_rejected, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
