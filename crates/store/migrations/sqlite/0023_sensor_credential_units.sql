-- A device credential writes in one org unit (its code; a place's unit is
-- its Thing's properties.unit) and below it; none: every unit, for an
-- integrator of the whole deployment. Keep in step with the other engine.
ALTER TABLE sta_credentials ADD COLUMN unit_code TEXT;
