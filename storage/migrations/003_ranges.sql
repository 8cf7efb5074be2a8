-- 003: IP ranges (subnets).
--
-- Released migrations are never edited: change the schema with a new file.

-- A range Micetro's IPAM knows, here always a subnet: cidr is its IPv4
-- network (network address only, as the type itself enforces), name the
-- CIDR as text ("10.0.0.0/24"), what the API calls the range's name;
-- from/to are not stored: they are the network's first and last address.
-- title and description are Micetro's custom properties of that name,
-- set through SetProperties (a later slice); NULL until then.  locked and
-- auto_assign are the Range flags AddRange may set.
CREATE TABLE ranges (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cidr        cidr NOT NULL UNIQUE CHECK (family(cidr) = 4),
    name        text NOT NULL GENERATED ALWAYS AS (text(cidr)) STORED,
    title       text CHECK (octet_length(title) <= 255),
    description text CHECK (octet_length(description) <= 4096),
    locked      boolean NOT NULL DEFAULT false,
    auto_assign boolean NOT NULL DEFAULT false,
    created     timestamptz NOT NULL DEFAULT now(),
    updated     timestamptz NOT NULL DEFAULT now()
);

-- GetRanges sorts by name and from through the unique index on cidr
-- (inet order: 10.0.0.0/24 before 10.0.1.0/24 before 10.10.0.0/24, a
-- shorter prefix first on the same address), by to on the broadcast
-- address as a /32; "name=10.0.0.0/24" (lower(name) = lower($1)) finds its row
-- through the lower(name) index.  Regular-expression filters scan.
CREATE INDEX ranges_to_idx ON ranges (set_masklen(broadcast(cidr), 32), id);
CREATE INDEX ranges_name_idx ON ranges (lower(name));
CREATE INDEX ranges_title_idx ON ranges (title, id);
CREATE INDEX ranges_description_idx ON ranges (description, id);
