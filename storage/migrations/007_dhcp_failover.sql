-- 007: DHCP failover relationships and the configuration outbox.
--
-- Released migrations are never edited: change the schema with a new file.

-- A failover relationship between two ISC servers, as Micetro 11.x models
-- it.  It is identified by either server and its name: a server never has
-- two relationships of one name, in any case (AddDHCPFailoverRelationship
-- checks that under a table lock; the two indexes below catch the simple
-- cases again).  name goes into dhcpd.conf inside double quotes on both
-- servers: no quote, backslash, brace or control character, at most 128
-- bytes.  port is the primary's failover port, peer_port the secondary's.
-- failover_mode, safe_period and shared_secret are what 2017-era clients
-- send; ISC dhcpd has no use for them, they are stored and echoed.  A
-- relationship is "Empty" while no scope instance refers to it.
CREATE TABLE dhcp_failover (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL
                  CHECK (name ~ '^[^"\\{}[:cntrl:]]+$'
                         AND octet_length(name) <= 128),
    primary_id    bigint NOT NULL REFERENCES dhcp_servers (id)
                  ON DELETE RESTRICT,
    secondary_id  bigint NOT NULL REFERENCES dhcp_servers (id)
                  ON DELETE RESTRICT,
    failover_mode text NOT NULL DEFAULT 'LoadBalance'
                  CHECK (failover_mode IN ('LoadBalance', 'HotStandby')),
    mclt          integer NOT NULL CHECK (mclt >= 1),
    safe_period   integer NOT NULL DEFAULT 0 CHECK (safe_period >= 0),
    percentage    integer NOT NULL CHECK (percentage BETWEEN 0 AND 100),
    shared_secret text CHECK (octet_length(shared_secret) <= 255),
    port          integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    peer_port     integer NOT NULL CHECK (peer_port BETWEEN 1 AND 65535),
    load_balance_max_seconds integer NOT NULL
                  CHECK (load_balance_max_seconds >= 0),
    max_response_delay integer NOT NULL CHECK (max_response_delay >= 1),
    max_unacked_updates integer NOT NULL CHECK (max_unacked_updates >= 1),
    created       timestamptz NOT NULL DEFAULT now(),
    updated       timestamptz NOT NULL DEFAULT now(),
    CHECK (primary_id <> secondary_id)
);

CREATE UNIQUE INDEX dhcp_failover_primary_name_idx
    ON dhcp_failover (primary_id, lower(name));
CREATE UNIQUE INDEX dhcp_failover_secondary_name_idx
    ON dhcp_failover (secondary_id, lower(name));

-- The relationship a scope instance belongs to (NULL: none).  One column,
-- so a scope can never be in two relationships: adding it is an UPDATE
-- ... WHERE failover_id IS NULL, which the row lock makes a single winner
-- of whatever runs concurrently.  Both instances of a failover scope (one
-- per server of the relationship, same range) carry it; their pools show
-- it.  A relationship with scopes cannot be deleted (RESTRICT): its scopes
-- leave it first.
ALTER TABLE dhcp_scopes
    ADD COLUMN failover_id bigint REFERENCES dhcp_failover (id)
        ON DELETE RESTRICT;
CREATE INDEX dhcp_scopes_failover_idx ON dhcp_scopes (failover_id, server_id)
    WHERE failover_id IS NOT NULL;

-- The outbox of configuration pushes: a row per DHCP server whose
-- dhcpd.conf must be rendered and pushed again, written by triggers in
-- the very transaction of the change, whatever the call.  generation
-- counts the changes since the row appeared, so that a worker that pushed
-- generation g can tell that more came in meanwhile.  A NOTIFY on channel
-- micetro_config with the server's id wakes the workers.
CREATE TABLE config_jobs (
    server_id  bigint PRIMARY KEY REFERENCES dhcp_servers (id)
               ON DELETE CASCADE,
    generation bigint NOT NULL DEFAULT 1,
    queued     timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION config_job_mark(sid bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF sid IS NULL OR NOT EXISTS (SELECT 1 FROM dhcp_servers WHERE id = sid)
    THEN
        RETURN;
    END IF;
    INSERT INTO config_jobs AS j (server_id) VALUES (sid)
        ON CONFLICT (server_id) DO UPDATE
        SET generation = j.generation + 1, queued = now();
    PERFORM pg_notify('micetro_config', sid::text);
END $$;

-- A scope instance changed: its server (both, when it moved).
CREATE FUNCTION config_job_scope() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM config_job_mark(OLD.server_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT'
                              OR NEW.server_id <> OLD.server_id) THEN
        PERFORM config_job_mark(NEW.server_id);
    END IF;
    RETURN NULL;
END $$;

-- A pool changed: the server of its scope.
CREATE FUNCTION config_job_pool() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM config_job_mark((SELECT server_id FROM dhcp_scopes
                                 WHERE id = OLD.scope_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM config_job_mark((SELECT server_id FROM dhcp_scopes
                                 WHERE id = NEW.scope_id));
    END IF;
    RETURN NULL;
END $$;

-- A relationship changed: both its servers (a relationship without scopes
-- is not in any file, but marking costs little and a change of servers
-- or of a member's parameters must reach both).
CREATE FUNCTION config_job_failover() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM config_job_mark(OLD.primary_id);
        PERFORM config_job_mark(OLD.secondary_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM config_job_mark(NEW.primary_id);
        PERFORM config_job_mark(NEW.secondary_id);
    END IF;
    RETURN NULL;
END $$;

-- A server's own settings that its file depends on.
CREATE FUNCTION config_job_server() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM config_job_mark(NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER dhcp_scopes_config_job
    AFTER INSERT OR DELETE OR UPDATE OF server_id, range_id, name,
        enabled, failover_id ON dhcp_scopes
    FOR EACH ROW EXECUTE FUNCTION config_job_scope();
CREATE TRIGGER dhcp_pools_config_job
    AFTER INSERT OR DELETE OR UPDATE OF scope_id, from_ip, to_ip
    ON dhcp_pools
    FOR EACH ROW EXECUTE FUNCTION config_job_pool();
CREATE TRIGGER dhcp_failover_config_job
    AFTER UPDATE OR DELETE ON dhcp_failover
    FOR EACH ROW EXECUTE FUNCTION config_job_failover();
CREATE TRIGGER dhcp_servers_config_job
    AFTER INSERT OR UPDATE OF address, agent_port, enabled ON dhcp_servers
    FOR EACH ROW EXECUTE FUNCTION config_job_server();
