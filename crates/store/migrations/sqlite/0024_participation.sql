-- Community participation: processes with dated phases, their budgets and
-- projects, and the ballot box. Keep in step with the other engine.
--
-- The ballot box keeps who voted and what was chosen apart, so that no
-- column, row order, identifier or timestamp links them (docs/ARCHITECTURE.md,
-- "The secret ballot"):
-- * participation_roll holds only keyed hashes of the people who voted (the
--   key is kept outside the database), no time, no channel, no budget;
-- * participation_ballots holds the choices under the hash of the voter's
--   receipt, no time, no voter, no channel; its rows are ordered by that hash;
-- * participation_turnout counts voters per budget and channel.
CREATE TABLE participation_processes (
    id                 INTEGER PRIMARY KEY,
    -- Its address: /participate/<slug>.
    slug               TEXT NOT NULL UNIQUE,
    unit_id            INTEGER NOT NULL REFERENCES org_units(id),
    title_ar           TEXT NOT NULL,
    title_en           TEXT NOT NULL,
    summary_ar         TEXT NOT NULL,
    summary_en         TEXT NOT NULL,
    -- Who may take part: mobile, residents or counter.
    eligibility        TEXT NOT NULL,
    -- Supports a proposal needs to go to technical review.
    support_threshold  INTEGER NOT NULL,
    -- The dated phases, as JSON (domain::participation::phases).
    phases             TEXT NOT NULL,
    created_at         TEXT NOT NULL
);

CREATE TABLE participation_budgets (
    id             INTEGER PRIMARY KEY,
    process_id     INTEGER NOT NULL REFERENCES participation_processes(id),
    -- The process's unit (the whole budget) or a unit below it (a district's).
    unit_id        INTEGER NOT NULL REFERENCES org_units(id),
    -- 'unit' or 'district': a person votes once in each slot of a process.
    slot           TEXT NOT NULL,
    name_ar        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    -- In whole units of the currency (pounds, riyals), as pabulib counts.
    amount         INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    -- knapsack, or approval with approval_max choices at most.
    ballot_kind    TEXT NOT NULL,
    approval_max   INTEGER,
    -- The counting rule declared before voting opens (its pabulib name).
    rule           TEXT NOT NULL,
    -- The signed-off result: selected project codes and statistics (JSON).
    result         TEXT,
    signed_off_by  INTEGER REFERENCES users(id),
    signed_off_at  TEXT
);
CREATE INDEX participation_budgets_process ON participation_budgets(process_id);

CREATE TABLE participation_proposals (
    id             INTEGER PRIMARY KEY,
    process_id     INTEGER NOT NULL REFERENCES participation_processes(id),
    unit_id        INTEGER NOT NULL REFERENCES org_units(id),
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    category       TEXT NOT NULL,
    latitude       REAL,
    longitude      REAL,
    -- Estimated, in whole units of the currency.
    cost           INTEGER NOT NULL,
    -- The citizen account that proposed it (none when staff opened it).
    citizen_id     INTEGER REFERENCES citizens(id),
    -- Citizen reports it cites, as a JSON array of ids.
    reports        TEXT NOT NULL,
    supports       INTEGER NOT NULL DEFAULT 0,
    -- Citizens' flags for moderators' attention.
    flags          INTEGER NOT NULL DEFAULT 0,
    -- submitted, feasible or unfeasible.
    review         TEXT NOT NULL,
    review_reason  TEXT,
    reviewed_cost  INTEGER,
    -- Hidden by a moderator, with the public reason (the moderation log is
    -- its events).
    hidden_reason  TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX participation_proposals_process ON participation_proposals(process_id);

-- One support per person and proposal, under a keyed hash of the person.
CREATE TABLE participation_supports (
    proposal_id  INTEGER NOT NULL REFERENCES participation_proposals(id),
    person_hash  TEXT NOT NULL,
    PRIMARY KEY (proposal_id, person_hash)
) WITHOUT ROWID;

CREATE TABLE participation_projects (
    id           INTEGER PRIMARY KEY,
    budget_id    INTEGER NOT NULL REFERENCES participation_budgets(id),
    -- Its code on the ballot and in pabulib (unique in its budget).
    code         TEXT NOT NULL,
    title_ar     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    cost           INTEGER NOT NULL,
    proposal_id  INTEGER REFERENCES participation_proposals(id),
    UNIQUE (budget_id, code)
);

-- The national IDs of a process's residents, as keyed hashes only.
CREATE TABLE participation_residents (
    process_id   INTEGER NOT NULL REFERENCES participation_processes(id),
    person_hash  TEXT NOT NULL,
    PRIMARY KEY (process_id, person_hash)
) WITHOUT ROWID;

-- Who voted: one row per key of the person (their national ID, their
-- mobile number) and slot, so a person votes once in a slot whatever the
-- channel. Ordered by the hash; nothing else.
CREATE TABLE participation_roll (
    process_id  INTEGER NOT NULL REFERENCES participation_processes(id),
    slot        TEXT NOT NULL,
    voter_hash  TEXT NOT NULL,
    PRIMARY KEY (process_id, slot, voter_hash)
) WITHOUT ROWID;

-- What was chosen: under the SHA-256 of the receipt, the chosen project
-- codes in the order of their codes. Ordered by the hash; nothing else.
CREATE TABLE participation_ballots (
    receipt_hash  TEXT NOT NULL PRIMARY KEY,
    budget_id     INTEGER NOT NULL REFERENCES participation_budgets(id),
    choices       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX participation_ballots_budget ON participation_ballots(budget_id, receipt_hash);

-- How many voted in each budget through each channel (web, counter), in
-- sixteen shards a vote picks at random, so that concurrent votes do not
-- all wait for one row's lock; the turnout is their sum.
CREATE TABLE participation_turnout (
    budget_id  INTEGER NOT NULL REFERENCES participation_budgets(id),
    channel    TEXT NOT NULL,
    shard      INTEGER NOT NULL,
    voters     INTEGER NOT NULL,
    PRIMARY KEY (budget_id, channel, shard)
);
