-- A submission's idempotency key: a form's hidden key, or an API client's
-- Idempotency-Key header scoped to that client. Written in the same
-- transaction as the application or report it made, so a repeated or
-- concurrent submission with the same key gets the first one's result and
-- never files twice. `fingerprint` tells a true repeat from another
-- request that reuses a key. Keep in step with ../sqlite.
CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
