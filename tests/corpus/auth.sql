-- An auth schema written by someone who likes hard names: reserved words, mixed case, quotes,
-- spaces, YAML's own words (on/no/yes/null), numbers as names, and defaults of every sort.
CREATE TYPE "Role" AS ENUM ('on', 'off', 'Admin', 'has space', 'it''s', 'null', '1.0');

CREATE TABLE "user" (
  "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "select" text NOT NULL UNIQUE,
  "MixedCase" text,
  "with space" text DEFAULT 'a: b # not a comment',
  "quote""d" text DEFAULT 'it''s',
  "on" boolean NOT NULL DEFAULT true,
  "no" boolean DEFAULT false,
  "null" text,
  "123" integer DEFAULT 42,
  "prénom" text,
  "role" "Role" NOT NULL DEFAULT 'Admin',
  "roles" "Role"[] NOT NULL DEFAULT '{}',
  "order" numeric(12,4) DEFAULT 3.14,
  "from" date DEFAULT CURRENT_DATE,
  "offset" integer DEFAULT -1,
  "ttl" interval DEFAULT '1 day'::interval,
  "lowered" text DEFAULT lower('MiXeD'),
  "sum" integer DEFAULT (1 + 2),
  "settings" jsonb DEFAULT '{"theme": "dark", "n": [1, 2]}'::jsonb,
  "aliases" text[] DEFAULT ARRAY['x', 'y:z'],
  "created" timestamp with time zone DEFAULT statement_timestamp(),
  "bits" bit varying(8) DEFAULT B'101',
  "token" bytea DEFAULT '\xdeadbeef'::bytea,
  "ip" inet DEFAULT '127.0.0.1',
  "- dash" text,
  "#hash" text,
  ": colon" text,
  "  leading" text,
  CHECK ("offset" >= -1),
  CONSTRAINT "Named Check" CHECK ("123" IS NULL OR "123" BETWEEN 0 AND 1000)
);
COMMENT ON TABLE "user" IS 'Line one
line two: with a colon # and a hash
"quoted" and ''single''';
COMMENT ON COLUMN "user"."on" IS 'yes';
COMMENT ON COLUMN "user"."123" IS '123';

CREATE TABLE "Group" (
  "GroupId" integer PRIMARY KEY,
  "Name" text NOT NULL,
  "table" text
);

CREATE TABLE "123" (
  "user" bigint NOT NULL REFERENCES "user" ON DELETE CASCADE,
  "Group" integer NOT NULL REFERENCES "Group" ("GroupId"),
  "yes" "Role",
  PRIMARY KEY ("user", "Group")
);
CREATE INDEX "idx ""quoted"" name" ON "123" ("Group", "user");
CREATE INDEX ON "123" ("yes") WHERE "yes" <> 'off';

CREATE TABLE "select" (
  "where" text NOT NULL,
  "having" text,
  CONSTRAINT "select_where_key" UNIQUE ("where")
);
