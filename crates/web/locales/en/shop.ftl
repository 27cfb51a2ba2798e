# The one-stop shop
nav-services = Services
nav-track = Track an application
nav-inbox = Inbox
nav-intake = Counter intake
nav-overview = Units overview
services-title = Services
services-lead = Every service of the local units in one place: documents, fees, time and steps are published before you apply.
services-search-label = Search for a service
services-search-hint = For example: building permit, shop, street occupancy
search = Search
services-count = { $count ->
    [zero] No matching services.
    [one] One service.
   *[other] { $count } services.
}
back-to-services = Back to services
back = Back
service-who = Who can apply
service-sla = Maximum time
service-fee = Fee
service-legal-basis = Legal basis
service-documents = Documents you need
service-steps = Steps of the procedure
apply-online = Apply online
fee-none = No fee
fee-minimum = at least
fee-maximum = at most
list-and = , and
optional = optional
choose = Choose…
max-size = up to
working-days = { $days ->
    [one] one working day
   *[other] { $days } working days
}
apply-title = Application
apply-applicant = About the applicant
apply-details = Application details
apply-documents = Documents
apply-documents-hint = Upload each document as one file. If the form comes back with errors, the files you chose are kept: choose a file again only to replace it.
apply-document-held = Kept from your last attempt; no need to choose it again
apply-unit = { $country ->
    [EG] Local unit
    [SA] Municipality
   *[other] Local authority
}
apply-unit-hint = The unit where the property or business is
apply-name = Full name
apply-id = { $country ->
    [EG] National ID number
    [SA] National ID or iqama number
   *[other] ID number
}
apply-phone = Mobile number
hint-egypt-id = National ID: 14 digits as on the card
hint-saudi-id = National ID or iqama: 10 digits
hint-egypt-phone = Such as 01012345678
hint-saudi-phone = Such as 0501234567
apply-submit = Send the application
submitted-title = Your application has been received
submitted-number = Tracking number
submitted-expected = Expected completion:
submitted-fee = Fee due:
submitted-next = Keep the tracking number. You will get a message at every change of the application, and you can track it at any time.
track-title = Track an application
track-lead = Enter the tracking number and the ID or mobile number given in the application.
track-number = Tracking number
track-number-hint = Such as EG-GZ-BDR-2026-000123-K
track-proof = ID or mobile number
track-proof-hint = As written in the application
track-submit = Show the application
track-not-found = We found no application with this number and these details. Check the tracking number and the ID or mobile number.
track-service = Service
track-unit = Unit
track-status = Status
track-step = Current step
track-expected = Expected completion
track-history = History
track-view-license = { $kind ->
    [permit] View and print the permit
    [certificate] View and print the certificate
   *[license] View and print the license
}
track-complete-heading = Complete the application
track-comment = Notes
track-resubmit = Send the application again
track-resubmitted = Your application was sent again and is back at the step that returned it.
rate-heading = Rate the service
rate-question = How would you rate the service, from 1 to 5?
rate-submit = Send the rating
rate-thanks = Thank you for your rating; it helps us improve the service.
status-in_progress = In progress
status-returned = Returned for completion
status-rejected = Rejected
status-issued = License issued
event-submitted = Application submitted
event-accept = Documents complete
event-return_for_completion = Returned for completion
event-approve = Approved
event-reject = Rejected
event-pass_inspection = Inspection passed
event-fail_inspection = Inspection failed
event-record_payment = Fee paid
event-issue = License issued
event-resubmitted = Sent again by the applicant
event-rated = Rated by the applicant
event-revoked = License revoked
action-accept = Accept the documents
action-return_for_completion = Return for completion
action-approve = Approve
action-reject = Reject
action-pass_inspection = Inspection passed
action-fail_inspection = Inspection failed
action-record_payment = Record the payment
action-issue = { $kind ->
    [permit] Issue the permit
    [certificate] Issue the certificate
   *[license] Issue the license
}
actions-title = Actions you can take
actions-department = On behalf of
actions-reason = Reason (shown to the applicant)
actions-receipt = Payment receipt number
inbox-title = Inbox
inbox-count = { $count ->
    [zero] No applications are waiting for you.
    [one] One application is waiting for you.
   *[other] { $count } applications are waiting for you.
}
inbox-escalations = Overdue applications in your units
inbox-waiting = Waiting for you
inbox-empty = No applications are waiting for you now.
back-to-inbox = Back to the inbox
col-tracking = Tracking number
col-applicant = Applicant
col-due = Step due
col-final-due = Application due
action-done = Done:
col-channel = Channel
overdue = Overdue
the-applicant = The applicant
channel-online = Online
channel-counter = { $country ->
    [EG] At the technology-center counter
    [SA] At the customer service center
   *[other] At the service center
}
intake-title = Counter intake
intake-lead = Choose the service to register an application for a citizen at the technology center, and give them the tracking number.
overview-title = Units overview
overview-open = Open
overview-overdue = Overdue
overview-completed = Completed this month
license-holder = Holder
license-issued = Issued on
license-valid-until = Valid until
license-status = Status
license-code = Verification code
license-qr = Scan the code to verify the license:
license-signature = Digital signature:
license-valid = Valid
license-expired = Expired
license-revoked = Revoked
license-forged = Not genuine — it may be forged
verify-title = Verify a license
verify-hint = The code printed on the license, such as ABCD-EFGH-JKLM
verify-submit = Verify
verify-not-found = There is no license with this code.
verify-signature-ok = The digital signature is right: this license was issued by the platform and has not been changed.
verify-signature-bad = The digital signature does not match: do not rely on this license.
country-EG = Egypt
country-SA = Saudi Arabia
applicant-citizen = Citizens
applicant-investor = Investors
applicant-company = Companies
department-engineering = Engineering
department-licensing = { $country ->
    [EG] Licensing
    [SA] Commercial licensing
   *[other] Licensing
}
department-revenue = Revenue
department-civil_defense_liaison = { $country ->
    [EG] Civil protection
    [SA] Civil defense
   *[other] Civil protection / civil defense
}
department-state_property = { $country ->
    [EG] State property
    [SA] Lands and property
   *[other] State property
}
department-environment = { $country ->
    [EG] Environment and cleanliness
    [SA] Environmental health
   *[other] Environment and cleanliness
}
department-urban_planning = Urban planning
department-technology_center = { $country ->
    [EG] Technology center
    [SA] Customer service center
   *[other] Service center
}
apply-email = E-mail address
apply-email-hint = To get the application's messages by e-mail too, such as name@example.com
inbox-all-services = All services
inbox-overdue-only = Overdue only
inbox-filter = Filter
size-kb = { $n } KB
size-mb = { $n } MB
document-kind = { $kind ->
    [permit] Permit
    [certificate] Certificate
   *[license] License
}
document-number = { $kind ->
    [permit] Permit number
    [certificate] Certificate number
   *[license] License number
}
document-holder = { $kind ->
    [permit] Permit holder
    [certificate] Certificate holder
   *[license] License holder
}
document-qr = { $kind ->
    [permit] Scan to check this permit:
    [certificate] Scan to check this certificate:
   *[license] Scan to check this license:
}
document-public-copy = { $kind ->
    [permit] This is the public copy of the permit: the holder's name is partly hidden. The holder finds their full copy from the tracking page.
    [certificate] This is the public copy of the certificate: the holder's name is partly hidden. The holder finds their full copy from the tracking page.
   *[license] This is the public copy of the license: the holder's name is partly hidden. The holder finds their full copy from the tracking page.
}
document-application = Application number
document-issuer = Issued by
document-signatory = Approved by
document-signed = Digitally signed by Baladiya with the issuing authority's key; the QR code proves it genuine and shows its status now.
document-open = View and print the document
inbox-search = Find an application
inbox-search-hint = Tracking number, or the applicant's ID or mobile number
inbox-search-results = Search results
inbox-search-none = No application with this number in the units you work for.
actions-to-correct = Documents to replace
actions-to-correct-hint = Mark what the applicant must replace; everything else stays as it is.
track-returned-heading = Your application needs completing
track-returned-reason = Why it was returned
track-returned-documents = Replace only these documents
track-returned-any = Attach what completes the application (each document optional)
property-location = Location of the property
assignment-title = Assignment
assignment-assignee = Assigned to
assignment-nobody = No one
assignment-choose = Assign to
assignment-assign = Save the assignment
assignment-take = Take it yourself
assignment-done = The assignment is saved.
inbox-mine-only = Assigned to me only
event-assigned = Assigned to a staff member
track-to-come = Steps still to come
apply-fee-when = paid once the application is reviewed, online from your account or at the counter.
apply-step-1 = Step 1 of 2: your details and documents
apply-step-2 = Step 2 of 2: check your answers
apply-continue = Continue to check your answers
check-title = Check your answers before sending
check-hint = By sending the application you confirm these details are right. You can go back and change any of them; the documents you uploaded are kept.
check-change = Change your answers
help-title = Help and contact
help-questions = Questions people ask
help-where = Where to ask
help-where-hint = Call, write or visit the technology center of your local unit: bring your tracking number if you have applied.
help-ask-about = Questions about this application?
help-need = Need help?
help-phone = Phone
help-email = E-mail
help-address = Address
help-hours = Opening hours
