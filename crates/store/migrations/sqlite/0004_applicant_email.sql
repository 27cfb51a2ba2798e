-- An optional e-mail address for notifications by e-mail.
ALTER TABLE applications ADD COLUMN applicant_email TEXT;
