"""Baladiya's Open311 endpoint as a real client sees it: the `georeport`
package from PyPI (GET in JSON and in XML, parsed with xmltodict), and
form-encoded POSTs with `requests`, as the specification describes.

Usage: python3 check.py BASE_URL API_KEY   (exits non-zero on any failure)
"""
import sys
from datetime import datetime, timedelta, timezone

import requests
from georeport import GeoReport

base, key = sys.argv[1].rstrip("/"), sys.argv[2]
root = f"{base}/open311/v2"


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAILED: {message}")


def as_list(value):
    return value if isinstance(value, list) else [value]


since = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
for fmt in ("json", "xml"):
    client = GeoReport(root, jurisdiction="baladiya", api_key=key, output_format=fmt)
    services = as_list(client.get_service_list())
    codes = [s["service_code"] for s in services]
    check(len(services) >= 12 and "street-lighting" in codes, f"{fmt}: service list {codes}")
    definition = client.get_service_definition("street-lighting")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = as_list(attributes["attribute"])
    check(attributes[0]["code"] == "problem", f"{fmt}: definition {definition}")

    response = requests.post(
        f"{root}/requests.{fmt}",
        data={
            "api_key": key,
            "jurisdiction_id": "baladiya",
            "service_code": "street-lighting",
            "lat": "29.90",
            "long": "31.30",
            "attribute[problem]": "off",
            "description": f"lamp out ({fmt} client)",
            "email": "client@example.com",
        },
        timeout=10,
    )
    check(response.ok, f"{fmt}: POST answered {response.status_code}: {response.text}")
    if fmt == "json":
        created = response.json()[0]
    else:
        import xmltodict

        created = xmltodict.parse(response.content)["service_requests"]["request"]
    request_id = created["service_request_id"]

    one = client.get_service_request(request_id)
    check(one["service_request_id"] == request_id and one["status"] == "open", f"{fmt}: {one}")
    check(one["service_code"] == "street-lighting", f"{fmt}: {one}")
    check("client@example.com" not in str(one), f"{fmt}: the e-mail is public")

    found = as_list(client.get_service_requests(service_code="street-lighting", status="open", start_date=since))
    check(request_id in [r["service_request_id"] for r in found], f"{fmt}: search missed {request_id}")
    closed = client.get_service_requests(status="closed") if fmt == "json" else []
    check(closed == [], f"{fmt}: closed requests {closed}")

    try:
        client.get_service_definition("no-such-category")
        check(False, f"{fmt}: an unknown service code was found")
    except requests.HTTPError as error:
        check(error.response.status_code == 404, f"{fmt}: {error}")

print("georeport client: services, definitions, POST, GET one and many in JSON and XML: ok")
