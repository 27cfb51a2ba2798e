-- Citizens' accounts: a citizen is their verified mobile number; they sign
-- in with a one-time code sent to it (only its hash is kept) or through a
-- national sign-on provider (OpenID Connect). Keep in step with the other
-- engine.
CREATE TABLE citizens (
    id              INTEGER PRIMARY KEY,
    -- E.164, verified by a code.
    mobile          TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    last_sign_in_at TEXT
);

CREATE TABLE citizen_codes (
    id           INTEGER PRIMARY KEY,
    mobile       TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    wrong_tries  INTEGER NOT NULL DEFAULT 0,
    used_at      TEXT
);
CREATE INDEX citizen_codes_mobile ON citizen_codes(mobile, id);

CREATE TABLE citizen_sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    citizen_id   INTEGER NOT NULL REFERENCES citizens(id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX citizen_sessions_citizen ON citizen_sessions(citizen_id);

-- Identities at OpenID Connect providers (issuer and subject), each tied
-- to a citizen.
CREATE TABLE citizen_identities (
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    citizen_id  INTEGER NOT NULL REFERENCES citizens(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);

-- A citizen's reports are found by their number (applications already are).
CREATE INDEX reports_reporter_phone ON reports(reporter_phone);
