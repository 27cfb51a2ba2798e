# Error codes: each key is a stable code that API clients also receive.
invalid-input = Some of the information is not right. Correct the fields shown.
malformed-body = The request could not be read: it must be valid JSON with the expected fields and types.
invalid-query = The query parameters of the address are not valid: check the types of the values and that no parameter is repeated.
control-characters = Remove the invisible control characters from this field.
payload-too-large = The request is larger than allowed.
unsupported-media-type = The request's content type is not supported.
invalid-credentials = The username or password is not right.
account-locked = Too many wrong sign-in attempts with this username. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
too-many-attempts = Too many attempts from this connection. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
server-busy = The server is busy right now. Try again in a moment.
request-timeout = The request took longer than allowed. Try again.
unauthenticated = You need to sign in first, or your session has ended.
forbidden = You are not allowed to do this in this unit.
csrf-failed = The form has expired. Reload the page and try again.
not-found = The page or item you asked for does not exist.
username-taken = This username is already used.
unit-code-taken = Another unit has this code.
role-already-granted = The user already has this role in this unit.
department-exists = This unit already has a department of this kind.
database-unavailable = The service is not available right now. Try again in a moment.
internal = Something unexpected went wrong and has been logged. Try again.
# Field codes
required = This field is required.
too-long = The text is longer than allowed.
date-invalid = Write the date as year-month-day, such as 2026-10-06.
username-length = A username has 3 to 64 characters.
username-characters = A username uses lower-case English letters, digits and . _ - only.
password-too-short = The password must have at least 10 characters.
password-too-long = The password must have at most 128 characters.
password-too-simple = The password is easy to guess; choose a longer, varied phrase.
national-id-not-digits = The national ID has digits only.
national-id-length = The national ID has 14 digits.
national-id-century = The first digit of the national ID must be 2 or 3.
national-id-birth-date = The birth date in the national ID is not a real date.
national-id-governorate = The governorate code in the national ID is not known.
national-id-check-digit = The national ID is not right; check the digits on the card.
saudi-id-not-digits = The ID number has digits only.
saudi-id-length = The ID number has 10 digits.
saudi-id-type = The ID number starts with 1 for citizens or 2 for residents.
saudi-id-check-digit = The ID number is not right; check the digits on the card.
phone-not-digits = The mobile number has digits only.
phone-wrong-country = The mobile number is not from this country.
phone-not-mobile = Enter a valid mobile number, like 01012345678 in Egypt or 0501234567 in Saudi Arabia.
country-unknown = Unknown country; use EG or SA.
unit-code-invalid = A unit code uses capital English letters, digits and dashes, such as EG-GZ-BDR.
unit-unknown = There is no unit with this code.
unit-kind-not-allowed-here = A unit of this kind cannot be created under this unit.
org-unit-kind-unknown = Unknown unit kind.
department-kind-unknown = Unknown department kind.
role-unknown = Unknown role.
user-unknown = There is no user with this name.
# One-stop shop
stale-version = Someone else changed this application before you. Reload it and try again.
service-version-changed = A published service version was changed; it must get a new version number.
already-rated = You have already rated this application.
already-revoked = This license was already revoked.
application-closed = This application is finished (the license was issued or the application was rejected).
application-waiting-for-applicant = The application was returned to the applicant to complete.
action-not-allowed-now = This action is not available at the application's current step.
department-not-in-step = This department is not part of the current step.
department-already-approved = This department has already approved.
application-not-returned = The application is not waiting for the applicant.
service-unknown = There is no service with this code.
unit-wrong-country = This service is not offered in this unit.
applicant-not-allowed = This service is not offered to this kind of applicant.
applicant-unknown = Unknown kind of applicant.
field-unknown = This field is not part of the form.
document-required = This document is required.
document-too-large = The file is larger than allowed for this document.
document-type-not-accepted = This type of file is not accepted for this document, or its content does not match its name.
document-duplicate = This document was sent more than once.
document-unknown = This document is not one of the service's documents.
reason-required = Write the reason, so the applicant knows it.
rating-before-completion = You can rate the service once the application is finished.
rating-out-of-range = Choose a rating from 1 to 5.
action-unknown = Unknown action.
number-invalid = Enter a valid number.
number-not-whole = Enter a whole number.
number-out-of-range = The number is outside the allowed range.
choice-invalid = Choose one of the options shown.
geo-point-invalid = Write the location as latitude, longitude, such as 29.85, 31.25.
tracking-number-invalid = The tracking number is not in the right form.
tracking-number-check = The tracking number is not right; check its letters and digits.
email-invalid = Enter a valid e-mail address, such as name@example.com.
open311-jurisdiction-unknown = This jurisdiction_id is not served here.
open311-service-unknown = There is no report category with this service_code.
api-key-invalid = The API key (api_key) is missing, unknown or revoked.
rate-limited = Too many requests with this key. Wait a minute and try again.
feature-of-interest-missing = An Observation needs a FeatureOfInterest: give one, or give its Datastream's Thing a Location to make it from.
idempotency-key-invalid = The Idempotency-Key is not valid: 1 to 255 printable ASCII characters without spaces.
idempotency-key-reused = This idempotency key was used for a different request; use a new key for each new request.
