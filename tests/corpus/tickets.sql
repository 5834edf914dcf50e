-- A ticketing app: uuid keys, enums, indexes of several access methods, cross-column checks and
-- names long enough that Postgres cuts them to 63 bytes.
CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high', 'urgent');
CREATE TYPE ticket_state AS ENUM ('open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed');

CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key varchar(10) NOT NULL UNIQUE CHECK (key ~ '^[A-Z][A-Z0-9]+$'),
  name text NOT NULL,
  archived boolean NOT NULL DEFAULT false
);

CREATE TABLE tickets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects ON DELETE CASCADE,
  number integer NOT NULL,
  title text NOT NULL,
  description text,
  priority ticket_priority NOT NULL DEFAULT 'normal',
  state ticket_state NOT NULL DEFAULT 'open',
  labels text[],
  reporter_email text NOT NULL,
  assignee_email text,
  opened_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  estimate interval,
  UNIQUE (project_id, number),
  CHECK (closed_at IS NULL OR closed_at >= opened_at)
);
CREATE INDEX tickets_assignee_hash ON tickets USING hash (assignee_email);
CREATE INDEX ON tickets USING gin (labels);
CREATE INDEX ON tickets USING brin (opened_at);
CREATE INDEX tickets_open_by_priority ON tickets (project_id, priority, state)
  WHERE state NOT IN ('resolved', 'closed');
CREATE UNIQUE INDEX tickets_one_urgent_per_assignee ON tickets (assignee_email)
  WHERE priority = 'urgent' AND state = 'open';

CREATE TABLE ticket_events_with_a_really_long_descriptive_table_name (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id uuid NOT NULL REFERENCES tickets ON DELETE CASCADE,
  the_kind_of_event_that_happened_to_the_ticket_in_question text NOT NULL,
  happened_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (ticket_id, the_kind_of_event_that_happened_to_the_ticket_in_question)
);
CREATE INDEX ON ticket_events_with_a_really_long_descriptive_table_name
  (the_kind_of_event_that_happened_to_the_ticket_in_question, happened_at);

CREATE TABLE watchers (
  ticket_id uuid NOT NULL REFERENCES tickets ON DELETE CASCADE,
  email text NOT NULL,
  PRIMARY KEY (ticket_id, email)
);
