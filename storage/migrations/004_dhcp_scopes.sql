-- 004: DHCP scopes (scope instances).
--
-- Released migrations are never edited: change the schema with a new file.

-- A DHCP scope as Micetro models it: one instance per server and range
-- (a failover scope has an instance on each partner, same range).  name
-- is what the API calls the scope's name, often the range's CIDR but any
-- dhcpd.conf-safe text (validate_name: A-Z a-z 0-9 . - _ : / @ + =, at
-- most 128 bytes); it is not unique: the instances of a failover scope
-- share it.  superscope and description are free text (NULL: none).
-- A range or server that still has scopes cannot be deleted (RESTRICT):
-- RemoveObject will remove the scopes first when forced.
CREATE TABLE dhcp_scopes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    range_id    bigint NOT NULL REFERENCES ranges (id) ON DELETE RESTRICT,
    server_id   bigint NOT NULL REFERENCES dhcp_servers (id)
                ON DELETE RESTRICT,
    name        text NOT NULL
                CHECK (name ~ '^[A-Za-z0-9._:/@+=-]+$'
                       AND octet_length(name) <= 128),
    description text CHECK (octet_length(description) <= 4096),
    superscope  text CHECK (octet_length(superscope) <= 255),
    enabled     boolean NOT NULL DEFAULT true,
    created     timestamptz NOT NULL DEFAULT now(),
    updated     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (server_id, range_id)
);

-- GetDHCPScopes sorts by name in byte order (COLLATE "C": "10.0.0.0/24"
-- before "10.0.1.0/24" before "10.10.0.0/24" whatever the database's
-- locale); "name=x" (lower(name) = lower($1)) and the ref lookups by name
-- use the lower(name) index; rangeRef filters and Range.dhcpScopes use
-- range_id; dhcpServerRef filters use the (server_id, range_id) unique
-- index.
CREATE INDEX dhcp_scopes_name_idx ON dhcp_scopes ((name COLLATE "C"), id);
CREATE INDEX dhcp_scopes_lower_name_idx ON dhcp_scopes (lower(name));
CREATE INDEX dhcp_scopes_range_idx ON dhcp_scopes (range_id, id);
CREATE INDEX dhcp_scopes_description_idx ON dhcp_scopes (description, id);
CREATE INDEX dhcp_scopes_superscope_idx ON dhcp_scopes (superscope, id);
