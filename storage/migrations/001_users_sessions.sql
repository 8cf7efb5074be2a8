-- 001: users, sessions and the migration log itself.
--
-- Released migrations are never edited: change the schema with a new file.

CREATE TABLE schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text NOT NULL UNIQUE CHECK (login <> ''),
    password_hash text NOT NULL,
    enabled       boolean NOT NULL DEFAULT true,
    created       timestamptz NOT NULL DEFAULT now()
);

-- A session is live while now() - last_used is below the idle timeout,
-- measured by PostgreSQL's clock (several servers may share the table).
CREATE TABLE sessions (
    id        text PRIMARY KEY CHECK (id <> ''),
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created   timestamptz NOT NULL DEFAULT now(),
    last_used timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_last_used_idx ON sessions (last_used);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
