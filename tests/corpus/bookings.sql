-- Bookings: the table layer of contract Part 2. An exclusion constraint keeps a room's bookings
-- from overlapping (a WHERE skips cancelled ones), a generated column, collations, deferrable
-- keys, a MATCH FULL foreign key, a NO INHERIT check and an unlogged cache table.
CREATE TABLE rooms (
  id integer PRIMARY KEY,
  code text COLLATE "C" NOT NULL,
  name text NOT NULL,
  CONSTRAINT rooms_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE bookings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id integer NOT NULL,
  building integer,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  cancelled boolean NOT NULL DEFAULT false,
  guest text COLLATE "POSIX",
  guest_key text GENERATED ALWAYS AS (lower(guest)) STORED,
  hours numeric GENERATED ALWAYS AS (EXTRACT(epoch FROM ends_at - starts_at) / 3600) STORED,
  tags text[] NOT NULL DEFAULT '{}',
  CONSTRAINT bookings_room_fk FOREIGN KEY (room_id) REFERENCES rooms (id) MATCH FULL
    ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
  CONSTRAINT bookings_order CHECK (ends_at > starts_at) NO INHERIT,
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (int4range(room_id, room_id, '[]') WITH =,
    tstzrange(starts_at, ends_at) WITH &&) WHERE (NOT cancelled)
);

CREATE TABLE codes (code text NOT NULL, EXCLUDE USING btree (code WITH =));

CREATE UNLOGGED TABLE availability_cache (
  room_id integer PRIMARY KEY,
  free_until timestamptz
);

-- Row-level security (contract Part 2, Access): enabled on one table, enabled and forced on another.
ALTER TABLE bookings ENABLE ROW LEVEL SECURITY;
ALTER TABLE codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE codes FORCE ROW LEVEL SECURITY;
-- Policies (contract Part 2, Access): to PUBLIC, so that the rebuilt database needs no role.
CREATE POLICY bookings_open ON bookings FOR SELECT USING (NOT cancelled);
CREATE POLICY bookings_guest ON bookings AS RESTRICTIVE FOR UPDATE USING (guest IS NOT NULL) WITH CHECK (guest <> '');
-- Grants (contract Part 2, Access): to PUBLIC, so that the rebuilt database needs no role.
GRANT SELECT, INSERT ON rooms TO PUBLIC;
GRANT SELECT (guest), UPDATE (guest) ON bookings TO PUBLIC;
-- Triggers (contract Part 2, Code objects), calling Postgres's own trigger functions so that the
-- rebuilt database needs no function: a condition, UPDATE OF columns, arguments, a disabled one.
CREATE TABLE room_notes (room_id integer PRIMARY KEY, title text, body text, search tsvector);
CREATE TRIGGER room_notes_search BEFORE INSERT OR UPDATE OF body, title ON room_notes
  FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search, 'pg_catalog.english', title, body);
CREATE TRIGGER bookings_unchanged BEFORE UPDATE ON bookings FOR EACH ROW
  WHEN (OLD.cancelled AND NEW.cancelled) EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE TRIGGER rooms_unchanged BEFORE UPDATE ON rooms FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
ALTER TABLE rooms DISABLE TRIGGER rooms_unchanged;
