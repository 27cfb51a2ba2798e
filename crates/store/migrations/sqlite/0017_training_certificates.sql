-- Certificates of completed training: a short verification code, the
-- signed text's parts, the Ed25519 signature; revocable with a reason.
-- Keep in step with the other engine.
CREATE TABLE training_certificates (
    id                 INTEGER PRIMARY KEY,
    session_id         INTEGER NOT NULL REFERENCES training_sessions(id),
    trainee_id         INTEGER NOT NULL REFERENCES users(id),
    verification_code  TEXT NOT NULL UNIQUE,
    holder_name        TEXT NOT NULL,
    hours              INTEGER NOT NULL,
    issued_on          TEXT NOT NULL,
    signature          TEXT NOT NULL,
    revoked_at         TEXT,
    revoke_reason      TEXT,
    UNIQUE (session_id, trainee_id)
);
CREATE INDEX training_certificates_trainee ON training_certificates(trainee_id);
