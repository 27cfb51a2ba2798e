# Citizen reports and Open311
open311-request-unknown = There is no service request with this service_request_id.
open311-token-unknown = There is no service request with this token.
open311-request-id-invalid = A service_request_id is a number; give several separated by commas.
open311-page-invalid = page is a whole number from 1.
open311-page-size-invalid = page_size is a whole number from 1 to 1000.
open311-status-invalid = status is open or closed (or both, separated by a comma).
open311-date-invalid = Write dates in W3C format, such as 2026-11-20T08:00:00+02:00 or 2026-11-20.
open311-dates-reversed = start_date is after end_date.
open311-dates-too-far-apart = start_date and end_date may be at most 90 days apart.
open311-form-expected = Send the request as a form (application/x-www-form-urlencoded), as Open311 specifies.
open311-contact = The municipality's IT team, through the one-stop center.
open311-key-service = API keys for submitting requests are issued by the municipality's administrator (baladiya admin api-key).
open311-service-notice = The responsible department is expected to resolve this within { $days ->
    [one] one working day
   *[other] { $days } working days
}.
# Field codes
service-code-unknown = There is no report category with this code.
latitude-invalid = The latitude is a number from -90 to 90.
longitude-invalid = The longitude is a number from -180 to 180.
location-required = Place the report on the map, or give its latitude and longitude (or an address).
address-not-placed = This address could not be placed in any unit; give the latitude and longitude.
outside-boundaries = This point is outside every municipality this service covers.
attribute-unknown = This question is not part of the category.
attribute-repeated = This question takes one answer only.
value-not-listed = Choose one of the listed answers.
datetime-invalid = Write the date and time like 2026-11-20T08:00:00+02:00.
url-invalid = The address must start with http:// or https://.
photo-too-large = The photo is larger than 8 MB.
photo-unreadable = The photo could not be read.
photo-type-not-accepted = The photo must be a JPEG or PNG image.
note-required = Write a note the public will see (what was done, or why not).
report-unknown = There is no report with this number.
merge-target-invalid = A report can be merged only into another report that is not itself a duplicate.
not-the-reporter = This is not the e-mail or mobile number the report was made with.
status-unknown = Unknown status.
