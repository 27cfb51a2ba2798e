-- Inboxes read waiting applications of a role in due-date order.
CREATE INDEX applications_inbox ON applications(status, step_role, step_due_on, id);
