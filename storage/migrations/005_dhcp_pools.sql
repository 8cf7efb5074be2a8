-- 005: DHCP address pools.
--
-- Released migrations are never edited: change the schema with a new file.

-- An address pool of one scope instance: the addresses from_ip..to_ip
-- (IPv4 host addresses, inclusive) that dhcpd hands out.  name is
-- optional and not unique (validate_name's characters, at most 128
-- bytes).  That a pool lies inside its scope's range, avoids the network
-- and broadcast addresses, and overlaps no other pool of the scope is
-- checked by AddDHCPAddressPool, which locks the scope row (SELECT ...
-- FOR UPDATE) before checking and inserting, so that concurrent adds of
-- overlapping pools cannot both succeed (an exclusion constraint would
-- need btree_gist, which not every database user may create).  A scope
-- that still has pools cannot be deleted (RESTRICT).
CREATE TABLE dhcp_pools (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope_id    bigint NOT NULL REFERENCES dhcp_scopes (id)
                ON DELETE RESTRICT,
    name        text CHECK (name ~ '^[A-Za-z0-9._:/@+=-]+$'
                            AND octet_length(name) <= 128),
    from_ip     inet NOT NULL
                CHECK (family(from_ip) = 4 AND masklen(from_ip) = 32),
    to_ip       inet NOT NULL
                CHECK (family(to_ip) = 4 AND masklen(to_ip) = 32),
    created     timestamptz NOT NULL DEFAULT now(),
    updated     timestamptz NOT NULL DEFAULT now(),
    CHECK (from_ip <= to_ip)
);

-- The overlap check and dhcpScopeRef filters read (scope_id, from_ip);
-- GetDHCPAddressPools sorts by from_ip; ref lookups by name use
-- dhcp_pools_name_idx.
CREATE INDEX dhcp_pools_scope_idx ON dhcp_pools (scope_id, from_ip, id);
CREATE INDEX dhcp_pools_from_idx ON dhcp_pools (from_ip, id);
CREATE INDEX dhcp_pools_to_idx ON dhcp_pools (to_ip, id);
CREATE INDEX dhcp_pools_name_idx ON dhcp_pools (name, id);
