# Error codes: each key is a stable code that API clients also receive.
invalid-input = Some of the information is not right. Correct the fields shown.
malformed-body = The request could not be read: it must be valid JSON with the expected fields and types.
payload-too-large = The request is larger than allowed.
unsupported-media-type = The request's content type is not supported.
invalid-credentials = The username or password is not right.
account-locked = The account is locked for a while after repeated wrong sign-in attempts. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
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
