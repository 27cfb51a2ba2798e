-- Online payments of fees through a gateway, and every callback the
-- gateway sent (kept for reconciliation, whatever became of it). Keep in
-- step with the other engine.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    -- Baladiya's reference, random: it is in the gateway's return address.
    reference       TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id),
    amount_minor    INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    -- pending, paid or failed.
    status          TEXT NOT NULL,
    gateway_ref     TEXT,
    created_at      TEXT NOT NULL,
    settled_at      TEXT
);
CREATE INDEX payments_application ON payments(application_id);

CREATE TABLE payment_callbacks (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL,
    status        TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    currency      TEXT NOT NULL,
    gateway_ref   TEXT NOT NULL,
    -- What Baladiya made of it: recorded, already, unknown-payment,
    -- payment-wrong-amount, payment-wrong-currency, payment-settled.
    verdict       TEXT NOT NULL,
    received_at   TEXT NOT NULL
);
CREATE INDEX payment_callbacks_reference ON payment_callbacks(reference);
