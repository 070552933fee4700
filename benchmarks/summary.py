"""What the side-by-side benchmark scripts (run-attach.sh, run-network.sh) share.

  python3 benchmarks/summary.py jmh JSON ROUND [CLASS=SYSTEM ...]
      one raw line per JMH benchmark of a -rf json file: "SYSTEM round=R NAME n= median_ms= p90_ms="
      (SYSTEM is the one named for the benchmark's class, else "java")

The summaries import it: Raw(path) reads the raw lines (the C floors print the same shape),
header(title) prints the machine and the date, footer() the raw lines.
"""
import datetime
import platform
import re
import statistics
import subprocess
import sys


def jmh_lines(path, rnd, systems):
    import json
    for b in json.load(open(path)):
        cls, name = b["benchmark"].rsplit(".", 2)[1:]
        p = b["primaryMetric"]["scorePercentiles"]
        n = b["primaryMetric"]["rawDataHistogram"]
        count = sum(c for fork in n for it in fork for _, c in it)
        print(f"{systems.get(cls, 'java')} round={rnd} {name:<10} n={count} "
              f"median_ms={p['50.0'] / 1000:.3f} p90_ms={p['90.0'] / 1000:.3f}")


class Raw:
    def __init__(self, path):
        self.rows = [line.split() for line in open(path)]

    def med(self, system, phase, key="median_ms"):
        """The median over rounds of each round's key for system's phase."""
        return statistics.median(float(re.search(key + r"=([0-9.]+)", " ".join(r)).group(1))
                                 for r in self.rows if r[0] == system and r[2] == phase)

    def header(self, title):
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        print(f"# {title} - {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC")
        print(f"# {platform.node()}: {cpu}, {nproc} cores, kernel {platform.release()}")
        print(f"# {java}")
        print("# medians over rounds of each round's median / p90, in ms; ratio = median / C median")

    def footer(self):
        print("# raw")
        for r in self.rows:
            print("# " + " ".join(r))


if __name__ == "__main__" and sys.argv[1] == "jmh":
    jmh_lines(sys.argv[2], sys.argv[3], dict(a.split("=", 1) for a in sys.argv[4:]))
