app-name = Baladiya
skip-to-content = Skip to main content
nav-label = Main menu
nav-staff = Local units
nav-sign-out = Sign out
nav-staff-sign-in = Staff sign in
switch-language = العربية
footer-text = Baladiya — the open-source digital municipality platform for local government.
home-title = Digital municipal services
home-lead = One platform linking technology centers and the departments of local units, serving citizens and investors around the clock, from anywhere.
home-staff-heading = For staff
home-staff-text = Technology-center clerks, department officers and unit heads sign in to follow the work of their units and everything below them.
error-summary-title = There is a problem
title-error-prefix = Error:
login-title = Staff sign in
field-username = Username
field-username-hint = The username your administrator gave you, such as eg.clerk
field-password = Password
login-submit = Sign in
units-title = Local units
units-count = { $count ->
    [zero] There are no units you can follow.
    [one] You can follow one unit.
   *[other] You can follow { $count } units.
}
units-none = No units are linked to your account. Ask your administrator to grant you a role on a unit.
col-unit = Unit
col-kind = Kind
col-code = Code
back-to-units = Back to units
back-home = Back to the home page
departments-title = Departments
departments-none = No departments are registered for this unit.
kind-governorate = Governorate
kind-markaz = Markaz
kind-city = City
kind-district = District
kind-village = Village
kind-region = Region
kind-amana = Amana
kind-municipality = Municipality
kind-sub_municipality = Sub-municipality
