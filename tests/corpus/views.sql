-- Reporting views: a plain view, a view on a view, options (security barrier, check option), a
-- comment, and a materialized view with a unique index and a plain one.
-- Default privileges (contract Part 2, Access), first: every table and view below is made with
-- what they say (the rebuilt database sets them before it creates anything, and so gets the same).
-- To PUBLIC, so that the rebuilt database needs no role.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
CREATE TABLE accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  closed_at timestamptz
);
CREATE TABLE payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts,
  cents integer NOT NULL,
  paid_at timestamptz NOT NULL DEFAULT now()
);
CREATE VIEW open_accounts WITH (security_barrier) AS
  SELECT id, email FROM accounts WHERE closed_at IS NULL WITH LOCAL CHECK OPTION;
COMMENT ON VIEW open_accounts IS 'Accounts still open';
CREATE VIEW open_account_payments AS
  SELECT p.id, p.cents, a.email
    FROM payments p JOIN open_accounts a ON a.id = p.account_id
   WHERE p.cents > 0;
CREATE MATERIALIZED VIEW account_totals AS
  SELECT account_id, sum(cents) AS cents, count(*) AS payments FROM payments GROUP BY account_id;
CREATE UNIQUE INDEX account_totals_account ON account_totals (account_id);
CREATE INDEX account_totals_cents ON account_totals USING btree (cents);
COMMENT ON MATERIALIZED VIEW account_totals IS 'Refreshed nightly';
-- Grants on views (contract Part 2, Access), beside what the default privileges gave.
GRANT UPDATE ON open_accounts TO PUBLIC;
GRANT REFERENCES ON account_totals TO PUBLIC;
