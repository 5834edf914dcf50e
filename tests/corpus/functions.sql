-- Functions and procedures: a column default and a check calling functions, overloads, defaults
-- and OUT parameters, RETURNS TABLE and SETOF a table, a view calling a function, every option,
-- settings (a list one too), a body with quotes, new lines and dollar signs, a procedure, comments.
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql VOLATILE
  AS $$SELECT 'A-' || lpad((floor(random() * 100000))::int::text, 5, '0')$$;
CREATE FUNCTION is_cents(v bigint) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS 'SELECT v >= 0';
COMMENT ON FUNCTION is_cents(bigint) IS 'a non-negative amount';
CREATE TABLE accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL DEFAULT next_code(),
  balance bigint NOT NULL DEFAULT 0 CHECK (is_cents(balance)),
  updated_at timestamptz
);
CREATE FUNCTION money_label(cents bigint) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$SELECT to_char(cents / 100.0, 'FM999999990.00')$$;
CREATE FUNCTION money_label(cents bigint, currency text DEFAULT 'EUR') RETURNS text LANGUAGE sql IMMUTABLE
  AS $$SELECT to_char(cents / 100.0, 'FM999999990.00') || ' ' || currency$$;
CREATE FUNCTION split_cents(total bigint, OUT whole bigint, OUT cents integer) LANGUAGE sql IMMUTABLE
  AS 'SELECT total / 100, (total % 100)::int';
CREATE FUNCTION rich_accounts(threshold bigint) RETURNS SETOF accounts LANGUAGE sql STABLE
  AS 'SELECT * FROM accounts WHERE balance > threshold';
CREATE FUNCTION account_codes() RETURNS TABLE (id bigint, code text) LANGUAGE sql STABLE
  AS 'SELECT id, code FROM accounts';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, public SET work_mem = '8MB'
  AS $body$
BEGIN
  -- 'quoted', "double", $$dollars$$ and a new line
  NEW.updated_at := now();
  RETURN NEW;
END
$body$;
CREATE PROCEDURE close_account(account bigint) LANGUAGE plpgsql
  AS $$BEGIN UPDATE accounts SET balance = 0 WHERE id = account; END$$;
COMMENT ON PROCEDURE close_account(bigint) IS 'zeroes a balance';
CREATE VIEW account_labels AS SELECT id, money_label(balance, 'USD') AS label FROM accounts;
REVOKE EXECUTE ON FUNCTION next_code() FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE close_account(bigint) FROM PUBLIC;
