# Random FP/AdvSIMD encodings for record-fpsimd.py: random words in the
# "Data Processing -- Scalar FP and AdvSIMD" and "AdvSIMD load/store
# structure" spaces, with register fields forced to V0-V3/X0-X3 (X4 as the
# base of memory accesses), kept when objdump decodes them and the
# disassembly reassembles to the same word with -march=armv8-a (base
# Armv8.0 FP/AdvSIMD, no crypto, no FP16, no later extensions).
import os, random, re, subprocess, tempfile

REG_RE = re.compile(r'\b([vqdshbxw])(\d+)\b')


def _disassemble(words, d):
    path = os.path.join(d, 'w.bin')
    with open(path, 'wb') as f:
        for w in words:
            f.write(w.to_bytes(4, 'little'))
    out = subprocess.run(['aarch64-linux-gnu-objdump', '-D', '-b', 'binary', '-m', 'aarch64', path],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r'\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*)$', line)
        if not m:
            continue
        text = m.group(3).split('//')[0].strip()
        res[int(m.group(2), 16)] = text
    return res


def _assembles_to(text, word, d, march='armv8-a'):
    src = os.path.join(d, 'a.s')
    obj = os.path.join(d, 'a.o')
    with open(src, 'w') as f:
        f.write(text + '\n')
    p = subprocess.run(['aarch64-linux-gnu-as', '-march=' + march, src, '-o', obj],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        return False
    out = subprocess.run(['aarch64-linux-gnu-objdump', '-d', obj], stdout=subprocess.PIPE, text=True).stdout
    m = re.search(r'^\s*0:\s+([0-9a-f]{8})', out, re.M)
    return bool(m) and int(m.group(1), 16) == word


def _kind(text, is_mem):
    if is_mem:
        return 'mem'
    mn = text.split()[0]
    if mn.startswith('f') or 'cvtf' in mn:
        if '.2d' in text or re.search(r'\bd\d', text):
            return 'fd'
        if '.4h' in text or '.8h' in text or re.search(r'\bh\d', text):
            return 'fh' if 'fcvt' in mn else 'fs'
        return 'fs'
    return 'int'


# FP16 and FHM encoding groups for fuzz_cases(templates=...): (mask, value)
# of the fixed bits; register fields are forced afterwards as for the rest.
FP16_TEMPLATES = [
    (0x9F60_C400, 0x0E40_0400),   # AdvSIMD three same (FP16)
    (0xDF60_C400, 0x5E40_0400),   # AdvSIMD scalar three same (FP16)
    (0x9F7E_0C00, 0x0E78_0800),   # AdvSIMD two-reg misc (FP16)
    (0xDF7E_0C00, 0x5E78_0800),   # AdvSIMD scalar two-reg misc (FP16)
    (0x9F3E_0C00, 0x0E30_0800),   # AdvSIMD across lanes
    (0xDF3E_0C00, 0x5E30_0800),   # AdvSIMD scalar pairwise
    (0x9FC0_0400, 0x0F00_0000),   # AdvSIMD by element, size 00
    (0x9FC0_0400, 0x0F80_0000),   # AdvSIMD by element, size 10 (FMLAL)
    (0x9F20_0400, 0x0E20_0400),   # AdvSIMD three same (FMLAL)
    (0x7FC0_0000, 0x1EC0_0000),   # scalar FP, ftype 11
    (0x7FC0_0000, 0x1EC0_0000),
    (0xFFC0_0000, 0x1FC0_0000),   # scalar FP 3-source, ftype 11
    (0x9F80_0400, 0x0F00_0400),   # shift by immediate / modified immediate
]


def fuzz_cases(count, seed=4242, spaces=None, march='armv8-a', skip=None, templates=None, kind_of=None):
    """`spaces`: (fixed bits, random bits) pairs to draw from instead of
    the whole FP/SIMD space; `templates`: (mask, value) groups to force
    instead (FP16_TEMPLATES); `skip(text)` rejects a disassembly and
    `kind_of(text)` classifies one (None rejects it)."""
    rng = random.Random(seed)
    words = []
    while len(words) < count * 6:
        w = rng.getrandbits(32)
        if spaces:
            fixed, rand = rng.choice(spaces)
            w = fixed | (w & rand)
            w = (w & ~0x1F) | rng.randrange(4)
            w = (w & ~(0x1F << 5)) | (rng.randrange(4) << 5)
            if rand & (0xF << 16) == 0xF << 16:   # Rm is random: keep it small
                w = (w & ~(0xF << 16)) | (rng.randrange(4) << 16)
            words.append((w, False))
            continue
        if templates:
            mask, val = rng.choice(templates)
            w = (w & ~mask) | val
            w = (w & ~0x1F) | rng.randrange(4)
            w = (w & ~(0x1F << 5)) | (rng.randrange(4) << 5)
            w = (w & ~(0x1F << 16)) | (rng.randrange(4) << 16)
            words.append((w, False))
            continue
        if rng.random() < 0.85:
            w = (w & ~(0xF << 25)) | (0x7 << 25)          # x111: FP/SIMD data processing
            w = (w & ~0x1F) | rng.randrange(4)
            w = (w & ~(0x1F << 5)) | (rng.randrange(4) << 5)
            w = (w & ~(0x1F << 16)) | (rng.randrange(4) << 16)
            mem = False
        else:
            w = (w & ~(0xBE << 24)) | (0x0C << 24)        # 0 x 00110 x: load/store structure
            w = (w & ~0x1F) | rng.randrange(2)
            w = (w & ~(0x1F << 5)) | (4 << 5)
            w = (w & ~(0x1F << 16)) | (rng.choice([3, 31, 0]) << 16)
            mem = True
        words.append((w, mem))
    cases = []
    seen = set()
    with tempfile.TemporaryDirectory() as d:
        dis = _disassemble([w for w, _ in words], d)
        for w, mem in words:
            text = dis.get(w)
            if not text or text.startswith('.inst') or 'undefined' in text or w in seen:
                continue
            bad = False
            for kind, num in REG_RE.findall(text):
                num = int(num)
                if kind in 'xw':
                    if num > (4 if mem else 3) and num not in (31,):
                        bad = True
                elif num > 3:
                    bad = True
            if mem and 'x4' not in text:
                bad = True
            if not mem and re.search(r'\b[xw]4\b', text):
                bad = True
            if bad or (skip and skip(text)) or not _assembles_to(text, w, d, march):
                continue
            k = kind_of(text) if kind_of else _kind(text, mem)
            if k is None:
                continue
            seen.add(w)
            cases.append((text, k))
            if len(cases) >= count:
                break
    return cases
