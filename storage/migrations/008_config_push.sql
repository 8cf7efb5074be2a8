-- 008: what the configuration worker needs: unmanaged statements, the
-- OMAPI key a server's file carries, the push queue's claims and retries,
-- and the live failover state read back from the servers.
--
-- Released migrations are never edited: change the schema with a new file.

-- Statements of a server's dhcpd.conf (global) or of a scope's subnet that
-- micetro-emu does not model, kept verbatim in the file it renders; they
-- pass a lexical check (balanced braces, closed strings) at the API and
-- dhcpd's own check at every push.  omapi_key is the base64 HMAC-MD5
-- secret the rendered file declares for its OMAPI port, made once per
-- server by the worker; the agent reads it back from the file.
-- config_hash is the SHA-256 of the file the agent last installed.
ALTER TABLE dhcp_servers
    ADD COLUMN unmanaged_statements text
        CHECK (octet_length(unmanaged_statements) <= 65536),
    ADD COLUMN omapi_key text CHECK (omapi_key ~ '^[A-Za-z0-9+/]+=*$'),
    ADD COLUMN config_hash text CHECK (config_hash ~ '^[0-9a-f]{64}$'),
    ADD COLUMN pushed_generation bigint NOT NULL DEFAULT 0;
ALTER TABLE dhcp_scopes
    ADD COLUMN unmanaged_statements text
        CHECK (octet_length(unmanaged_statements) <= 65536);

-- A job is claimed for a while (claimed_until) by one worker
-- (claimed_by), remembering the generation it renders; the claim is a
-- short transaction of its own, so API calls marking the job meanwhile
-- never wait for a push.  The job is done when its generation is still
-- the claimed one; otherwise the next round pushes again.  A failed push
-- waits until next_attempt (capped exponential backoff over attempts).
ALTER TABLE config_jobs
    ADD COLUMN attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN claimed_by text,
    ADD COLUMN claimed_until timestamptz,
    ADD COLUMN claimed_generation bigint,
    ADD COLUMN last_error text;
CREATE INDEX config_jobs_due_idx ON config_jobs (next_attempt, queued);

-- A new change is worth a try at once, whatever failed before.
CREATE OR REPLACE FUNCTION config_job_mark(sid bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF sid IS NULL OR NOT EXISTS (SELECT 1 FROM dhcp_servers WHERE id = sid)
    THEN
        RETURN;
    END IF;
    INSERT INTO config_jobs AS j (server_id) VALUES (sid)
        ON CONFLICT (server_id) DO UPDATE
        SET generation = j.generation + 1, queued = now(),
            next_attempt = now(), attempts = 0;
    PERFORM pg_notify('micetro_config', sid::text);
END $$;

DROP TRIGGER dhcp_scopes_config_job ON dhcp_scopes;
CREATE TRIGGER dhcp_scopes_config_job
    AFTER INSERT OR DELETE OR UPDATE OF server_id, range_id, name,
        enabled, failover_id, unmanaged_statements ON dhcp_scopes
    FOR EACH ROW EXECUTE FUNCTION config_job_scope();
DROP TRIGGER dhcp_servers_config_job ON dhcp_servers;
CREATE TRIGGER dhcp_servers_config_job
    AFTER INSERT OR UPDATE OF address, agent_port, enabled,
        unmanaged_statements ON dhcp_servers
    FOR EACH ROW EXECUTE FUNCTION config_job_server();

-- A relationship's parameters reach both files; what the worker writes
-- back (the columns below) is no change of configuration.
DROP TRIGGER dhcp_failover_config_job ON dhcp_failover;
CREATE TRIGGER dhcp_failover_config_job
    AFTER DELETE OR UPDATE OF name, primary_id, secondary_id, mclt,
        percentage, port, peer_port, load_balance_max_seconds,
        max_response_delay, max_unacked_updates ON dhcp_failover
    FOR EACH ROW EXECUTE FUNCTION config_job_failover();

-- What the servers report about a relationship, polled by the worker:
-- each side's failover state name ("Normal", "CommunicationsInterrupted"
-- ...; NULL until read), when it was read, and why it could not be
-- (NULL when it could).
ALTER TABLE dhcp_failover
    ADD COLUMN primary_state text,
    ADD COLUMN secondary_state text,
    ADD COLUMN state_read timestamptz,
    ADD COLUMN state_error text CHECK (octet_length(state_error) <= 1023);
