#!/usr/bin/env python3
"""Replays the hostile requests of the second reliability probe against a
running `baladiya serve --demo` and prints what each costs now: its answer,
its time, the server's peak memory, and `/healthz`'s latency meanwhile.

    scripts/probe-hostile.py BASE_URL SERVER_PID DEVICE_CREDENTIAL METRICS_TOKEN

BASE_URL is http://127.0.0.1:PORT, SERVER_PID the server process (its
memory is read from /proc), DEVICE_CREDENTIAL the `demo-device:…` and
METRICS_TOKEN the token `serve --demo` prints. Only the standard library.
"""

import base64
import json
import math
import random
import socket
import string
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

BASE, PID, DEVICE, METRICS = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
STA = BASE + "/sta/v1.1"


def rss_mib():
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Peak:
    """The server's largest RSS while a block runs."""

    def __enter__(self):
        self.peak, self.running = rss_mib(), True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while self.running:
            self.peak = max(self.peak, rss_mib())
            time.sleep(0.05)

    def __exit__(self, *_):
        self.running = False
        self.thread.join()


def get(url, headers=None, timeout=300):
    started = time.monotonic()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, len(body), time.monotonic() - started, body


def sta(path, **query):
    return STA + "/" + path + ("?" + urllib.parse.urlencode(query) if query else "")


def device_headers():
    return {"authorization": "Basic " + base64.b64encode(DEVICE.encode()).decode()}


def report(name, status, size, seconds, peak):
    print(f"{name:60} {status:4} {size:>11,} B {seconds:7.2f} s  peak {peak:7.1f} MiB")


def nesting():
    print("== Nesting and expansion (anonymous)")
    for depth in (63, 64, 2_500):
        text = "(" * depth + "1" + ")" * depth + " eq 1"
        with Peak() as peak:
            status, size, seconds, _ = get(sta("Things", **{"$filter": text}))
        report(f"$filter with {depth} nested parentheses", status, size, seconds, peak.peak)
    for depth in (6, 7, 32):
        expand = ""
        for i in range(depth - 1):
            expand += "Datastreams($expand=" if i % 2 == 0 else "Thing($expand="
        expand += ("Datastreams" if (depth - 1) % 2 == 0 else "Thing") + ")" * (depth - 1)
        with Peak() as peak:
            status, size, seconds, _ = get(sta("Things", **{"$top": "1", "$expand": expand}))
        report(f"$expand {depth} levels deep", status, size, seconds, peak.peak)
    wide = "Datastreams($top=10000;$expand=Thing($expand=Locations,Datastreams($top=10000)))"
    with Peak() as peak:
        status, size, seconds, _ = get(sta("Things", **{"$top": "10000", "$expand": wide}))
    report("every Thing, 4 levels expanded, $top at its most", status, size, seconds, peak.peak)
    with Peak() as peak:
        status, size, seconds, _ = get(
            sta("Observations", **{"$top": "10000", "$expand": "Datastream($expand=Thing($expand=Locations))"})
        )
    report("10,000 observations with 3 levels expanded", status, size, seconds, peak.peak)


def polygon(n, cx, cy, r):
    points = [f"{cx + r * math.cos(2 * math.pi * i / n):.5f} {cy + r * math.sin(2 * math.pi * i / n):.5f}" for i in range(n)]
    return "geography'POLYGON((" + ", ".join(points + points[:1]) + "))'"


def geometry(observations):
    print("== Geometry filters and /healthz meanwhile")
    # More observations to scan than an anonymous filter may read.
    things = json.loads(get(sta("Datastreams", **{"$top": "1"}))[3])
    stream = things["value"][0]["@iot.id"]
    rows = [[f"2020-01-01T00:00:{i % 60:02d}Z", i] for i in range(observations)]
    body = json.dumps([{"Datastream": {"@iot.id": stream}, "components": ["phenomenonTime", "result"], "dataArray": rows}])
    request = urllib.request.Request(
        STA + "/CreateObservations", data=body.encode(), method="POST",
        headers={**device_headers(), "content-type": "application/json"},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=600) as answer:
        answer.read()
    print(f"  {observations:,} observations added in {time.monotonic() - started:.1f} s")
    hostile = f"st_within(FeatureOfInterest/feature, {polygon(998, 31.2, 29.9, 0.5)})"
    results = []

    def attack():
        results.append(get(sta("Observations", **{"$top": "1", "$count": "true", "$filter": hostile})))

    health, stop = [], threading.Event()

    def probe():
        while not stop.is_set():
            status, _, seconds, _ = get(BASE + "/healthz", timeout=5)
            health.append(seconds)
            time.sleep(0.2)

    with Peak() as peak:
        attackers = [threading.Thread(target=attack) for _ in range(2)]
        prober = threading.Thread(target=probe)
        started = time.monotonic()
        prober.start()
        for t in attackers:
            t.start()
        for t in attackers:
            t.join()
        stop.set()
        prober.join()
    took = time.monotonic() - started
    for status, size, seconds, body in results:
        report("st_within of a 998-vertex literal, per observation", status, size, seconds, peak.peak)
        if status != 200:
            print("   ", json.loads(body).get("message", "")[:150])
    health.sort()
    print(f"  /healthz while both ran ({took:.1f} s): {len(health)} probes, "
          f"median {health[len(health) // 2] * 1000:.0f} ms, max {health[-1] * 1000:.0f} ms")
    too_big = f"st_within({polygon(600, 31, 30, 1)}, {polygon(600, 31, 30, 1)})"
    status, size, seconds, body = get(sta("Observations", **{"$filter": too_big}))
    report("two literals of 600 vertices", status, size, seconds, rss_mib())


def metrics():
    print("== /metrics after 20,000 made-up methods")
    scrape = lambda: get(BASE + "/metrics", {"authorization": "Bearer " + METRICS})[1]
    before = scrape()
    host, port = BASE.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)))
    f = s.makefile("rb")
    started = time.monotonic()
    for _ in range(20_000):
        m = "M" + "".join(random.choice(string.ascii_uppercase) for _ in range(200))
        s.sendall(f"{m} /healthz HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        f.readline()
        length = 0
        while (h := f.readline()) not in (b"\r\n", b""):
            if h.lower().startswith(b"content-length"):
                length = int(h.split(b":")[1])
        f.read(length)
    took = time.monotonic() - started
    after = scrape()
    print(f"  scrape {before:,} B before, {after:,} B after ({took:.1f} s of requests); RSS {rss_mib():.1f} MiB")


nesting()
geometry(100_000)
metrics()
