-- An application or a report is assigned to one staff member (or none):
-- the unit head hands it to a colleague, or an officer takes it. Keep in
-- step with the other engine.
ALTER TABLE applications ADD COLUMN assigned_to BIGINT REFERENCES users(id);
ALTER TABLE reports ADD COLUMN assigned_to BIGINT REFERENCES users(id);
