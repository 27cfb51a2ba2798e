-- Sign-ins through an OpenID Connect provider under way: the hash of the
-- state sent to the provider (its secret is in the citizen's browser
-- cookie), the nonce and PKCE verifier to check its answer with; or,
-- once the provider vouched for someone whose mobile number it did not
-- give, their identity, waiting to be tied to a number verified by a
-- code. Each row is used once and lives minutes. Keep in step with the
-- other engine.
CREATE TABLE citizen_oidc_logins (
    token_hash     TEXT PRIMARY KEY,
    provider       TEXT NOT NULL,
    nonce          TEXT,
    pkce_verifier  TEXT,
    issuer         TEXT,
    subject        TEXT,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
