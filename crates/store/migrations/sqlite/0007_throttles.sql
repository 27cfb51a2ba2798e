-- Fixed-window counters shared by every server: sign-in attempts per client
-- and per name, anonymous submissions and tracking look-ups per client.
-- Keep in step with ../postgres.
CREATE TABLE throttles (
    key           TEXT PRIMARY KEY,
    window_start  TEXT NOT NULL,
    count         INTEGER NOT NULL
);
CREATE INDEX throttles_window ON throttles(window_start);

-- Sign-in is throttled per client and per (name, client) in `throttles`:
-- a stranger can no longer lock a staff account for everyone.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
