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
