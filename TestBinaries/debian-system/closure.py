#!/usr/bin/env python3
"""Dependency closure over Debian Packages files, for debian-system.sh.

    closure.py ALL-PACKAGES VARIANT PACKAGE...   print NAME ARCH PRIORITY SECTION
    closure.py --verify PACKAGES                 check every dependency is there

ALL-PACKAGES is the concatenation of the arm64 Packages lists, later
records of a package replacing earlier ones (bookworm, then -updates,
then -security). The roots are debootstrap's: every `Priority: required`
package and usr-is-merged, plus apt (minbase) or every `important` one
(default), plus the PACKAGEs. Depends and Pre-Depends are followed; of a
group of alternatives, one already chosen or provided satisfies it, else
the first one that exists (debootstrap excludes usrmerge on bookworm).
"""
import re
import sys

PRIO = {"required": 0, "important": 1, "standard": 2, "optional": 3, "extra": 4}
EXCLUDED = {"usrmerge"}


def records(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    for block in text.split("\n\n"):
        rec, key = {}, None
        for line in block.splitlines():
            if line[:1] in (" ", "\t") and key:
                rec[key] += "\n" + line
            elif ":" in line:
                key, _, value = line.partition(":")
                rec[key] = value.strip()
        if "Package" in rec:
            yield rec


def alternatives(field):
    """[[name, ...], ...] of a Depends-style field, versions and arch qualifiers dropped."""
    groups = []
    for group in field.split(","):
        names = []
        for alt in group.split("|"):
            alt = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alt).strip()
            if alt:
                names.append(alt.split(":")[0])
        if names:
            groups.append(names)
    return groups


def index(path):
    pkgs, best_prio = {}, {}
    for rec in records(path):
        name = rec["Package"]
        if rec.get("Architecture") not in ("arm64", "all"):
            continue
        p = rec.get("Priority", "optional")
        if name not in best_prio or PRIO.get(p, 5) < PRIO.get(best_prio[name], 5):
            best_prio[name] = p
        pkgs[name] = rec
    provides = {}
    for name, rec in pkgs.items():
        for group in alternatives(rec.get("Provides", "")):
            for virt in group:
                provides.setdefault(virt, []).append(name)
    return pkgs, best_prio, provides


def deps(rec):
    return alternatives(rec.get("Pre-Depends", "")) + alternatives(rec.get("Depends", ""))


def closure(path, variant, extra):
    pkgs, prio, provides = index(path)
    roots = [n for n, p in prio.items() if p == "required"] + ["usr-is-merged"]
    roots += [n for n, p in prio.items() if p == "important"] if variant == "default" else ["apt"]
    roots += extra
    chosen, queue = set(), []

    def add(name):
        if name not in chosen and name in pkgs and name not in EXCLUDED:
            chosen.add(name)
            queue.append(name)

    for r in roots:
        if r not in pkgs:
            sys.exit("closure.py: no arm64 package named %s" % r)
        add(r)
    while queue:
        for group in deps(pkgs[queue.pop()]):
            if any(a in chosen or any(p in chosen for p in provides.get(a, [])) for a in group):
                continue
            for a in group:
                if a in pkgs and a not in EXCLUDED:
                    add(a)
                    break
                real = [p for p in provides.get(a, []) if p not in EXCLUDED]
                if real:
                    add(sorted(real)[0])
                    break
            else:
                sys.exit("closure.py: nothing satisfies %s" % " | ".join(group))
    for name in sorted(chosen):
        rec = pkgs[name]
        print(name, rec["Architecture"], prio[name], rec.get("Section", "misc"))


def verify(path):
    pkgs, _, provides = index(path)
    missing = 0
    for name, rec in sorted(pkgs.items()):
        for group in deps(rec):
            if not any(a in pkgs or provides.get(a) for a in group):
                print("closure.py: %s depends on %s, which the mirror lacks" % (name, " | ".join(group)))
                missing += 1
    print("closure.py: %d packages, %d unmet dependencies" % (len(pkgs), missing))
    return 1 if missing else 0


if __name__ == "__main__":
    if sys.argv[1] == "--verify":
        sys.exit(verify(sys.argv[2]))
    closure(sys.argv[1], sys.argv[2], sys.argv[3:])
