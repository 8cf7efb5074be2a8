-- 006: custom properties (property definitions and their values).
--
-- Released migrations are never edited: change the schema with a new file.

-- A custom property of one object type (the ObjectType number: 3 DHCP
-- server, 6 range, 7 DHCP scope, 10 DHCP address pool).  Names are unique
-- per type case-insensitively (name_key) and kept as given: printable
-- text, no leading or trailing blank, at most 128 bytes.  type is one of
-- the WSDL's PropertyType values.  default_value NULL means none; it is
-- what an object without a value of its own shows.  list_items, when not
-- empty, are the only values allowed (no item holds a newline: storage
-- reads them joined by newlines).  The values' rules (Integer, Boolean,
-- IPAddress ...) are checked by the API before anything is written.
CREATE TABLE property_definitions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_type   integer NOT NULL CHECK (object_type IN (3, 6, 7, 10)),
    name          text NOT NULL
                  CHECK (name <> '' AND octet_length(name) <= 128
                         AND name !~ '[[:cntrl:]]'
                         AND name = btrim(name)),
    name_key      text GENERATED ALWAYS AS (lower(name)) STORED,
    type          text NOT NULL
                  CHECK (type IN ('String', 'HexStr', 'Boolean', 'IPAddress',
                                  'IPOrHostname', 'Integer')),
    mandatory     boolean NOT NULL DEFAULT false,
    read_only     boolean NOT NULL DEFAULT false,
    multi_line    boolean NOT NULL DEFAULT false,
    default_value text CHECK (octet_length(default_value) <= 4096),
    list_items    text[] NOT NULL DEFAULT '{}'
                  CHECK (octet_length(array_to_string(list_items, E'\n'))
                         <= 8191),
    created       timestamptz NOT NULL DEFAULT now(),
    updated       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (object_type, name_key),
    UNIQUE (id, object_type)
);

-- The value of a custom property on one object.  An object without a row
-- shows the definition's default.  The composite foreign key keeps a
-- value on an object of the definition's own type, and removing a
-- definition removes its values.  Objects have no foreign key here (the
-- four object tables would each need a column): the triggers below
-- remove an object's values when the object row is deleted, whatever
-- deletes it.
CREATE TABLE property_values (
    definition_id bigint NOT NULL,
    object_type   integer NOT NULL,
    object_id     bigint NOT NULL,
    value         text NOT NULL CHECK (octet_length(value) <= 4096),
    PRIMARY KEY (object_type, object_id, definition_id),
    FOREIGN KEY (definition_id, object_type)
        REFERENCES property_definitions (id, object_type) ON DELETE CASCADE
);

-- Removing a definition (cascade) and list filters on a property read by
-- definition.
CREATE INDEX property_values_definition_idx
    ON property_values (definition_id, object_id);

CREATE FUNCTION property_values_forget() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM property_values
     WHERE object_type = TG_ARGV[0]::integer AND object_id = OLD.id;
    RETURN OLD;
END
$$;

CREATE TRIGGER dhcp_servers_property_values AFTER DELETE ON dhcp_servers
    FOR EACH ROW EXECUTE FUNCTION property_values_forget('3');
CREATE TRIGGER ranges_property_values AFTER DELETE ON ranges
    FOR EACH ROW EXECUTE FUNCTION property_values_forget('6');
CREATE TRIGGER dhcp_scopes_property_values AFTER DELETE ON dhcp_scopes
    FOR EACH ROW EXECUTE FUNCTION property_values_forget('7');
CREATE TRIGGER dhcp_pools_property_values AFTER DELETE ON dhcp_pools
    FOR EACH ROW EXECUTE FUNCTION property_values_forget('10');
