-- 012: the request journal: every SOAP call the emulators sharing this
-- database answered (docs/control.md, "Request journal").
--
-- Released migrations are never edited: change the schema with a new file.

-- One row per call, written in batches by each emulator's journal thread
-- and trimmed to its --journal-size (the oldest rows go first).  t is when
-- the call's body was whole; duration_ms until its answer was ready;
-- status the HTTP status (0: closed without an answer); arguments the
-- operation element's children as JSON, secrets masked; request and
-- response the whole bodies, kept only with --journal-bodies.
CREATE TABLE journal (
    id bigserial PRIMARY KEY,
    t timestamptz NOT NULL,
    operation text NOT NULL CHECK (octet_length(operation) <= 256),
    login text CHECK (octet_length(login) <= 256),
    duration_ms double precision NOT NULL CHECK (duration_ms >= 0),
    fault text CHECK (octet_length(fault) <= 1024),
    status integer NOT NULL CHECK (status BETWEEN 0 AND 999),
    peer text NOT NULL CHECK (octet_length(peer) <= 64),
    arguments jsonb NOT NULL,
    request text,
    response text
);
CREATE INDEX journal_operation ON journal (operation, id);
CREATE INDEX journal_t ON journal (t);
