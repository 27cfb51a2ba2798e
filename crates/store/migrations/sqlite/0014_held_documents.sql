-- Documents of an application form that was sent with errors, held for
-- the form's next attempt (by the form's idempotency key) so that nothing
-- is chosen twice. Keep in step with ../postgres.
CREATE TABLE held_documents (
    form_key      TEXT NOT NULL,
    code          TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    storage_key   TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    held_at       TEXT NOT NULL,
    PRIMARY KEY (form_key, code)
);
CREATE INDEX held_documents_at ON held_documents(held_at);

-- Staff find an application by the applicant's ID or mobile number.
CREATE INDEX applications_applicant_id ON applications(applicant_id_number);
CREATE INDEX applications_applicant_phone ON applications(applicant_phone);
