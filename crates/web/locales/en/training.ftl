training-title = Training center: upcoming sessions
training-lead = Sessions of the annual training plan for the staff and leaders of local units. A unit head nominates their staff within the unit's seats; the center accepts them.
training-subscribe = Add the sessions to your calendar (iCalendar)
training-none = No upcoming sessions now.
training-dates = When
training-audience = For
training-duration = Duration
training-center = Center and venue
training-partner = With
training-seats = Seats left
training-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
training-seats-left = { $n ->
    [0] Full
    [one] { $n } seat
   *[other] { $n } seats
}
training-mode-in_person = In person
training-mode-online = Online
training-mode-blended = Blended
home-training = Training center: upcoming sessions
nav-training = Training center
staff-training-title = Training plan: sessions
staff-training-course = Course
staff-training-taken = Accepted / seats
staff-training-done = Saved.
staff-training-capacity = Seats
staff-training-nominate-who = Nominate one of your staff
staff-training-nominate = Nominate
staff-training-roster = Nominations
staff-training-nobody = Nobody is nominated yet.
staff-training-trainee = Trainee
staff-training-status = Status
staff-training-attended = Days attended
staff-training-pre = Pre-test
staff-training-post = Post-test
staff-training-outcome = Outcome
staff-training-actions = Actions
staff-training-accept = Accept
staff-training-decline = Decline
staff-training-reason = Reason
staff-training-withdraw = Withdraw
staff-training-save-scores = Save scores
staff-training-attendance = Attendance
staff-training-day = Day
staff-training-present = Present
staff-training-record = Record attendance
training-status-nominated = Nominated
training-status-accepted = Accepted
training-status-wait_listed = Wait list
training-status-declined = Declined by the center
training-status-withdrawn = Withdrawn
training-outcome-completed = Completed
training-outcome-attendance = Not enough attendance
training-outcome-test-missing = Post-test not taken
training-outcome-test-failed = Post-test not passed
verify-no-expiry = Does not expire
staff-training-certify = Issue certificates
staff-training-certify-hint = A signed certificate goes to everyone who completed the session by its rule (attendance and post-test); anyone can verify it by its code.
training-mine-title = My training
training-mine-certificates = My certificates
training-mine-no-certificate = No certificates yet.
training-mine-sessions = My sessions
training-mine-no-session = You have not been nominated for a session yet.
certificate-title = Certificate of training
certificate-verify = To verify this certificate, scan the code or open:
