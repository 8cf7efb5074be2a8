-- 009: a DHCP server's own OMAPI port.
--
-- Released migrations are never edited: change the schema with a new file.

-- The OMAPI port written into the server's dhcpd.conf for its agent; NULL
-- means the worker's --omapi-port.  dhcpd listens for OMAPI on every
-- address of its host, so two dhcpd on one host (a test bed, a lab
-- machine) need two ports.  A change is a change of the file.
ALTER TABLE dhcp_servers
    ADD COLUMN omapi_port integer CHECK (omapi_port BETWEEN 1 AND 65535);

DROP TRIGGER dhcp_servers_config_job ON dhcp_servers;
CREATE TRIGGER dhcp_servers_config_job
    AFTER INSERT OR UPDATE OF address, agent_port, enabled,
        unmanaged_statements, omapi_port ON dhcp_servers
    FOR EACH ROW EXECUTE FUNCTION config_job_server();
