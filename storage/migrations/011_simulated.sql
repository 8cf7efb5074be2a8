-- 011: simulated ISC servers: a DHCP server whose dhcpd.conf the worker
-- checks with dhcpd -t and keeps here instead of pushing it to an agent,
-- and whose failover state is derived from the files kept, or set through
-- the control API.
--
-- Released migrations are never edited: change the schema with a new file.

-- Set through the control API (POST /_emu/servers/NAME/simulated).  A
-- change is a change of where the file goes: it queues the server.
ALTER TABLE dhcp_servers ADD COLUMN simulated boolean NOT NULL DEFAULT false;

DROP TRIGGER dhcp_servers_config_job ON dhcp_servers;
CREATE TRIGGER dhcp_servers_config_job
    AFTER INSERT OR UPDATE OF address, agent_port, enabled,
        unmanaged_statements, omapi_port, simulated ON dhcp_servers
    FOR EACH ROW EXECUTE FUNCTION config_job_server();

-- The mode of the last worker started on the database (one row): with
-- every_server (no agent secret, or --simulate) every server is simulated,
-- whatever its own column says.  No row: only the servers marked.
CREATE TABLE sim_mode (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    every_server boolean NOT NULL,
    set_by text NOT NULL CHECK (octet_length(set_by) <= 255),
    set_at timestamptz NOT NULL DEFAULT now()
);

-- The file a simulated server has installed: what a real server's agent
-- keeps as its live dhcpd.conf.  peers are the names of the failover peers
-- it declares (read from the file, as dhcpd reads them); checked says
-- whether dhcpd -t ran on it (it does when dhcpd is installed).
CREATE TABLE sim_configs (
    server_id bigint PRIMARY KEY REFERENCES dhcp_servers ON DELETE CASCADE,
    config text NOT NULL CHECK (octet_length(config) <= 16777216),
    hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    peers text[] NOT NULL CHECK (cardinality(peers) <= 1024),
    checked boolean NOT NULL,
    installed_at timestamptz NOT NULL DEFAULT now()
);

-- What a simulated server reports for one of its relationships, set
-- through the control API: the states of a sequence, each from posted_at
-- + after_ms[i] on (after_ms ascending, the first may be 0); before the
-- first, and without a row, the state follows the files (the worker's).
CREATE TABLE sim_failover_states (
    failover_id bigint NOT NULL REFERENCES dhcp_failover ON DELETE CASCADE,
    server_id bigint NOT NULL REFERENCES dhcp_servers ON DELETE CASCADE,
    posted_at timestamptz NOT NULL DEFAULT now(),
    states text[] NOT NULL,
    after_ms bigint[] NOT NULL,
    PRIMARY KEY (failover_id, server_id),
    CHECK (cardinality(states) BETWEEN 1 AND 64
           AND cardinality(after_ms) = cardinality(states))
);
CREATE INDEX sim_failover_states_server_idx ON sim_failover_states (server_id);
