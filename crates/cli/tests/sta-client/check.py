"""A real SensorThings client (frost-sta-client, Fraunhofer's, from PyPI)
drives Baladiya's /sta/v1.1/: creates a building with its location, a
datastream with its sensor and observed property, observations one by one
and as a data array, reads them back through queries, pages, updates and
deletes. Exits non-zero on the first thing that is not as the
specification says.

    python3 check.py http://127.0.0.1:PORT USER PASSWORD STAFF_USER STAFF_TOKEN

Deleting is for staff: the last step signs in with a staff API token.
"""
import sys

import frost_sta_client as fsc
from frost_sta_client.model.ext.unitofmeasurement import UnitOfMeasurement
from frost_sta_client.model.ext.data_array_value import DataArrayValue
from frost_sta_client.model.ext.data_array_document import DataArrayDocument
from geojson import Point

base, user, password, staff_user, staff_token = sys.argv[1:6]
service = fsc.SensorThingsService(
    base.rstrip("/") + "/sta/v1.1",
    auth_handler=fsc.AuthHandler(username=user, password=password),
)


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


location = fsc.Location(
    name="Town hall",
    description="Main entrance",
    encoding_type="application/geo+json",
    location=Point((31.2766, 29.8712)),
)
thing = fsc.Thing(
    name="Badrashin town hall",
    description="Municipal building",
    properties={"floorArea": 2400},
    locations=[location],
)
service.create(thing)
check(thing.id is not None, "a Thing with its Location is created and gets its id")

datastream = fsc.Datastream(
    name="Water",
    description="Main water meter",
    observation_type="http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
    unit_of_measurement=UnitOfMeasurement(
        name="cubic metre", symbol="m3", definition="http://qudt.org/vocab/unit/M3"
    ),
    thing=thing,
    sensor=fsc.Sensor(
        name="Meter W-3",
        description="Ultrasonic water meter",
        encoding_type="text/html",
        metadata="https://example.org/w3",
    ),
    observed_property=fsc.ObservedProperty(
        name="Water volume",
        definition="http://qudt.org/vocab/quantitykind/Volume",
        description="Water used",
    ),
)
service.create(datastream)
check(datastream.id is not None, "a Datastream with a new Sensor and ObservedProperty, linked to the Thing")

for hour, value in enumerate([0.05, 0.04, 0.61, 0.58]):
    observation = fsc.Observation(
        result=value,
        phenomenon_time=f"2026-03-02T0{hour}:00:00Z",
        datastream=datastream,
    )
    service.create(observation)
    check(observation.id is not None, f"observation {hour} created")

dav = DataArrayValue()
dav.datastream = datastream
dav.components = {DataArrayValue.Property.PHENOMENON_TIME, DataArrayValue.Property.RESULT}
for hour in range(4, 10):
    dav.add_observation(
        fsc.Observation(result=0.5 + hour / 100, phenomenon_time=f"2026-03-02T0{hour}:00:00Z", datastream=datastream)
    )
document = DataArrayDocument()
document.add_data_array_value(dav)
created = service.observations().create(document)
links = [o.self_link for o in created]
check(len(links) == 6 and all("Observations(" in l for l in links), "six observations as a data array")

things = service.things().query().filter("name eq 'Badrashin town hall'").expand("Locations").list()
found = [t for t in things]
check(len(found) == 1 and found[0].name == "Badrashin town hall", "the Thing is found by $filter")

streams = list(thing.get_datastreams().query().list())
check(len(streams) == 1 and streams[0].name == "Water", "the Thing's Datastreams")

night = datastream.get_observations().query().filter("result gt 0.5").orderby("phenomenonTime", "asc").list()
values = [o.result for o in night]
check(len(values) == 8 and values[0] == 0.61, f"$filter and $orderby on observations: {values}")

paged = datastream.get_observations().query().top(3).list()
everything = [o.result for o in paged]
check(len(everything) == 10, f"paging through @iot.nextLink reads all ten: {len(everything)}")

thing.description = "Municipal building, renovated"
service.update(thing)
again = service.things().find(thing.id)
check(again.description == "Municipal building, renovated", "an update is read back")

staff = fsc.SensorThingsService(
    base.rstrip("/") + "/sta/v1.1",
    auth_handler=fsc.AuthHandler(username=staff_user, password=staff_token),
)
try:
    service.delete(datastream)
    raise SystemExit("FAILED: a device deleted a Datastream")
except SystemExit:
    raise
except Exception:
    print("ok: a device may not delete")
staff.delete(datastream)
remaining = list(service.datastreams().query().list())
check(len(remaining) == 0, "a deleted Datastream is gone")
print("the SensorThings client works against Baladiya")
