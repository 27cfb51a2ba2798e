"""Scrapes Baladiya's /metrics as Prometheus does and parses it with the
Prometheus project's own Python client (its strict OpenMetrics parser
refuses a malformed exposition). Prints every sample as JSON.

Usage: python3 metrics_scrape.py URL TOKEN
"""
import json
import sys
import urllib.request

from prometheus_client.openmetrics.parser import text_string_to_metric_families

url, token = sys.argv[1], sys.argv[2]
request = urllib.request.Request(
    url,
    headers={
        "Authorization": f"Bearer {token}",
        "Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
    },
)
with urllib.request.urlopen(request) as response:
    kind = response.headers["Content-Type"]
    assert kind.startswith("application/openmetrics-text"), kind
    text = response.read().decode("utf-8")
samples = [
    {"name": s.name, "labels": s.labels, "value": s.value}
    for family in text_string_to_metric_families(text)
    for s in family.samples
]
print(json.dumps(samples))
