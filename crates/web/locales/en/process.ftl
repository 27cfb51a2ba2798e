nav-process = Procedure analytics
process-title = Procedure analytics: how applications really run
process-lead = From the event history Baladiya keeps of every application: where files wait, which steps send them back, which units are faster, where the real path differs from the published procedure. Every figure opens the applications behind it.
process-filter = Show
process-service = Service
process-unit = Unit
process-channel = Channel
process-from = From
process-to = To
process-compare = Compare with unit
process-all = All
process-none = No comparison
process-activity-submitted = Submitted
process-activity-resubmitted = Completed and resubmitted
process-applicant = Applicant
process-start = Start
process-end = End
process-map = The procedure as it runs
process-map-lead = Activities from top to bottom in the order files reach them. An arrow's width is how often it was taken; arrows on the right jump ahead, arrows on the left go back (rework). The figure on an arrow: times taken · median time between the two activities.
process-hidden-arcs = { $n ->
    [one] One rare arrow (under 1% of the applications) is left out; the table has it.
   *[other] { $n } rare arrows (under 1% of the applications) are left out; the table has them.
}
process-hours = { $n ->
    [0] under an hour
    [one] { $n } hour
   *[other] { $n } hours
}
process-days = { $n ->
    [0] under a day
    [one] { $n } day
   *[other] { $n } days
}
process-cases = Applications
process-median-days = Median time to complete (working days)
process-p90-days = 90% complete within (working days)
process-rework = Rework rate
process-fitness = Fitness to the published procedure
process-conforming = Fully conforming applications
process-worst-step = Slowest step
process-cases-count = { $n ->
    [0] No applications
    [one] One application
   *[other] { $n } applications
}
process-headline = Key figures
process-bottlenecks = Bottlenecks: where files wait
process-bottlenecks-lead = Time from a file's arrival at a step to the action taken there (waiting and working together), in working days of the unit's calendar, against the step's published service level.
process-step = Step
process-department = Department
process-visits = Visits
process-median = Median (working days)
process-p90 = 90% within (working days)
process-sla = Service level (working days)
process-over-sla = Over the service level
process-variants = Most frequent paths
process-path = Path
process-share = Share
process-median-time = Median time
process-conformance = Conformance to the published procedure
process-conformance-lead = Each application is checked against the procedure version it was filed under. Baladiya's workflow engine does not let a file leave its procedure, so deviations come from files recorded outside it (paper registers, an earlier system, an import).
process-no-deviation = No deviations: every application followed the published procedure.
process-deviation = Deviation
process-subject = Step or activity
process-by-unit = By unit
process-by-month = By month of submission
process-by-channel = By channel
process-month = Month
process-comparison = Two units on the same service
process-figure = Figure
process-arcs = Every transition between activities
process-from-activity = From
process-to-activity = To
process-count = Times
process-csv = Download CSV
process-cases-title = The applications behind the figure
process-back = Back to the analysis
process-tracking = Tracking number
process-deviations = Deviations
process-activities = Activities
process-first-shown = The first 500 are shown; the file has them all.
process-empty = No applications match.
deviation-skipped = Step skipped
deviation-repeated = Activity repeated
deviation-out_of_order = Activity out of order
deviation-unexpected = Unexpected activity
deviation-other_department = Done by another department
