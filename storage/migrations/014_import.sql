-- 014: importing what a DHCP server already runs, and noticing when its
-- live file drifts from what micetro-emu last pushed or imported.
--
-- Released migrations are never edited: change the schema with a new file.

-- A server's import: Pending from AddDHCPServer until the worker has read
-- its live dhcpd.conf and made the model equal to it (Applied), or the
-- operator chose to keep the emulator's model (Skipped); Failed when the
-- file could not be read as dhcpd.conf (message: file:line and why).
-- While Pending or Failed the server is never pushed (store_job_claim).
-- baseline is the file last pushed or imported (its SHA-256 in
-- baseline_hash): a live file that no longer matches it has drifted.
-- The servers there before this migration were managed already: Skipped.
CREATE TABLE dhcp_imports (
    server_id bigint PRIMARY KEY REFERENCES dhcp_servers ON DELETE CASCADE,
    state text NOT NULL DEFAULT 'Pending'
          CHECK (state IN ('Pending', 'Applied', 'Skipped', 'Failed')),
    message text CHECK (octet_length(message) <= 1023),
    baseline text CHECK (octet_length(baseline) <= 16777216),
    baseline_hash text CHECK (baseline_hash ~ '^[0-9a-f]{64}$'),
    updated timestamptz NOT NULL DEFAULT now(),
    CHECK ((baseline IS NULL) = (baseline_hash IS NULL))
);
INSERT INTO dhcp_imports (server_id, state)
    SELECT id, 'Skipped' FROM dhcp_servers;

-- A file given through the control API for a simulated server not added
-- yet, under the key of the name it will have (dhcp_servers.name_key):
-- AddDHCPServer takes it as the server's kept file (sim_configs), as if
-- the server had run it before it was managed.  At most 64 wait
-- (store_sim_wait).
CREATE TABLE sim_waiting_configs (
    name_key text PRIMARY KEY CHECK (octet_length(name_key) <= 254),
    config text NOT NULL CHECK (octet_length(config) <= 16777216),
    peers text[] NOT NULL CHECK (cardinality(peers) <= 1024),
    put_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION dhcp_import_pending() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dhcp_imports (server_id) VALUES (NEW.id);
    INSERT INTO sim_configs (server_id, config, hash, peers, checked)
        SELECT NEW.id, w.config,
               encode(sha256(convert_to(w.config, 'UTF8')), 'hex'),
               w.peers, false
        FROM sim_waiting_configs w
        WHERE w.name_key = NEW.name_key
          AND (NEW.simulated
               OR EXISTS (SELECT 1 FROM sim_mode WHERE every_server));
    DELETE FROM sim_waiting_configs WHERE name_key = NEW.name_key;
    RETURN NULL;
END $$;
CREATE TRIGGER dhcp_servers_import
    AFTER INSERT ON dhcp_servers
    FOR EACH ROW EXECUTE FUNCTION dhcp_import_pending();

-- A pool's statements that micetro-emu does not model, kept verbatim in
-- the file it renders (imported with the pool).
ALTER TABLE dhcp_pools
    ADD COLUMN unmanaged_statements text
        CHECK (octet_length(unmanaged_statements) <= 65536);
DROP TRIGGER dhcp_pools_config_job ON dhcp_pools;
CREATE TRIGGER dhcp_pools_config_job
    AFTER INSERT OR DELETE OR UPDATE OF scope_id, from_ip, to_ip,
        unmanaged_statements ON dhcp_pools
    FOR EACH ROW EXECUTE FUNCTION config_job_pool();

-- The failover peers each server's file declares, as its last import
-- read them (confimport.h's struct confimport_peer), with the networks
-- of its scopes that name them: what the other side's import is matched
-- against.  reason says why a peer makes no relationship (declared on
-- one server only, or declared differently by the two, or what the model
-- cannot hold); GetDHCPFailoverRelationship(s) list those with state
-- Error and the reason.  The next import of the server replaces its rows.
CREATE TABLE dhcp_import_peers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    server_id bigint NOT NULL REFERENCES dhcp_servers ON DELETE CASCADE,
    name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 255),
    reason text CHECK (octet_length(reason) BETWEEN 1 AND 1023),
    role smallint NOT NULL CHECK (role BETWEEN -1 AND 1),
    address bigint NOT NULL CHECK (address BETWEEN 0 AND 4294967295),
    peer_address bigint NOT NULL
        CHECK (peer_address BETWEEN 0 AND 4294967295),
    port integer NOT NULL,
    peer_port integer NOT NULL,
    mclt bigint NOT NULL,
    split integer NOT NULL,
    percentage integer NOT NULL,
    max_response_delay integer NOT NULL,
    max_unacked_updates integer NOT NULL,
    load_balance_max_seconds integer NOT NULL,
    problem text CHECK (octet_length(problem) <= 1023),
    networks cidr[] NOT NULL CHECK (cardinality(networks) <= 100000),
    UNIQUE (server_id, name)
);
CREATE INDEX dhcp_import_peers_name_idx ON dhcp_import_peers (name);

-- An import makes the model equal to a file the server already runs:
-- nothing of it is to be pushed.  It sets micetro.importing for its
-- transaction, and no job is marked meanwhile.
CREATE OR REPLACE FUNCTION config_job_mark(sid bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF sid IS NULL OR NOT EXISTS (SELECT 1 FROM dhcp_servers WHERE id = sid)
       OR current_setting('micetro.importing', true) = 'on'
    THEN
        RETURN;
    END IF;
    INSERT INTO config_jobs AS j (server_id) VALUES (sid)
        ON CONFLICT (server_id) DO UPDATE
        SET generation = j.generation + 1, queued = now(),
            next_attempt = now(), attempts = 0;
    PERFORM pg_notify('micetro_config', sid::text);
END $$;
