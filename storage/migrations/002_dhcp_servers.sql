-- 002: DHCP servers and the change log.
--
-- Released migrations are never edited: change the schema with a new file.

-- A DHCP server Micetro manages (only ISC dhcpd for now).  name is the
-- canonical FQDN with one trailing dot, case as given ("dhcp1.example.");
-- name_key, derived from it, makes names unique case-insensitively and
-- with or without the dot.  address is the host's IPv4 address, agent_port
-- the port of its micetro-dhcp-agent when the caller gave "IP:port" (NULL:
-- the agent's default).  The API shows them together as "IP" or "IP:port".
-- Passwords are never stored.
CREATE TABLE dhcp_servers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL
                  CHECK (name ~ '^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.$'
                         AND octet_length(name) <= 254),
    name_key      text NOT NULL GENERATED ALWAYS AS
                  (lower(rtrim(name, '.'))) STORED UNIQUE,
    address       inet CHECK (family(address) = 4 AND masklen(address) = 32),
    agent_port    integer CHECK (agent_port BETWEEN 1 AND 65535),
    type          text NOT NULL CHECK (type = 'ISC'),
    enabled       boolean NOT NULL DEFAULT true,
    state         text NOT NULL DEFAULT 'Unknown'
                  CHECK (state IN ('Unknown', 'OK', 'Unreachable',
                                   'Out of date', 'Wrong type', 'Updating',
                                   'Service Down', 'Disabled')),
    -- why the state is what it is (11.x stateMessage); bounded so that it
    -- fits struct store_dhcp_server
    state_message text CHECK (octet_length(state_message) <= 1023),
    proxy         text CHECK (octet_length(proxy) <= 255),
    username      text CHECK (octet_length(username) <= 255),
    created       timestamptz NOT NULL DEFAULT now(),
    updated       timestamptz NOT NULL DEFAULT now(),
    CHECK (agent_port IS NULL OR address IS NOT NULL)
);

-- GetDHCPServers sorts by these (name by name_key, whose unique index
-- serves it); regular-expression filters scan, which is fine at the
-- number of servers a site has.
CREATE INDEX dhcp_servers_address_idx ON dhcp_servers (address, id);
CREATE INDEX dhcp_servers_type_idx ON dhcp_servers (type, id);
CREATE INDEX dhcp_servers_state_idx ON dhcp_servers (state, id);
CREATE INDEX dhcp_servers_enabled_idx ON dhcp_servers (enabled, id);

-- Who changed what, when, and their saveComment: one row per object a
-- mutation touched, written in the mutation's transaction.  object_type is
-- the ObjectType number of refs (3 DHCP server, 6 range, 7 scope ...);
-- rows outlive their objects (no foreign key).
CREATE TABLE change_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    login       text NOT NULL,
    action      text NOT NULL CHECK (action <> ''),
    object_type integer NOT NULL,
    object_id   bigint NOT NULL,
    object_name text,
    comment     text,
    details     jsonb
);

CREATE INDEX change_log_object_idx ON change_log (object_type, object_id);
CREATE INDEX change_log_at_idx ON change_log (at);
