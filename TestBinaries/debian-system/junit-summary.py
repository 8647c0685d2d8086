#!/usr/bin/env python3
"""Counts per module of a regrtest --junit-xml file, for debian-system.sh.

    junit-summary.py JUNIT.xml [REGRTEST.log]

Prints one line per test module: tests run, failures, errors, skipped,
and regrtest's verdict from the log (passed, failed, timed out, ...).
"""
import re
import sys
import xml.etree.ElementTree as ET

counts = {}
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print("python-tests: no junit results (%s)" % e)
    root = None
if root is not None:
    for case in root.iter("testcase"):
        name = case.get("name", "")
        parts = name.split(".")
        module = parts[1] if len(parts) > 1 and parts[0] == "test" else parts[0]
        c = counts.setdefault(module, [0, 0, 0, 0])
        c[0] += 1
        if case.find("failure") is not None:
            c[1] += 1
        if case.find("error") is not None:
            c[2] += 1
        if case.find("skipped") is not None:
            c[3] += 1

verdict = {}
tail = []
if len(sys.argv) > 2:
    text = open(sys.argv[2], errors="replace").read()
    # "0:01:11 load avg: 1.2 [ 1/12/1] test_os failed (3 errors, 1 failure) (1 min 5 sec)"
    for m in re.finditer(r"\] (test_\w+) (passed|failed|skipped|crashed|timed out|resource denied)( \((?![\d.]+ (?:sec|min))[^)]*\))?", text):
        verdict[m.group(1)] = m.group(2) + (m.group(3) or "")
    for m in re.finditer(r"^\d+ tests? (OK|failed|skipped|altered the execution environment|omitted|run no tests):?\n((?:    .*\n)*)", text, re.M):
        for mod in m.group(2).split():
            verdict.setdefault(mod, {"OK": "passed"}.get(m.group(1), m.group(1)))
    tail = [l for l in text.splitlines() if l.startswith(("== Tests result", "Tests result:", "Total duration", "Total tests:"))]

print("%-18s %6s %8s %7s %8s  %s" % ("module", "tests", "failures", "errors", "skipped", "regrtest"))
for module in sorted(set(counts) | set(verdict)):
    c = counts.get(module, [0, 0, 0, 0])
    print("%-18s %6d %8d %7d %8d  %s" % (module, c[0], c[1], c[2], c[3], verdict.get(module, "")))
total = [sum(c[i] for c in counts.values()) for i in range(4)]
print("%-18s %6d %8d %7d %8d" % ("total", *total))
for line in tail:
    print(line)
