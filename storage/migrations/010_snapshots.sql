-- 010: snapshots of the whole state of the objects (the control API's
-- /_emu/snapshots, docs/control.md).
--
-- Released migrations are never edited: change the schema with a new file.

-- A saved state: its rows are copies of the tables of objects (every
-- table the reset empties, listed by storage/store_reset.h and handed to
-- the functions below) in a schema of its own, micetro_snapshot_<id>,
-- one plain table per table of objects with its columns but neither
-- generated columns, constraints nor indexes.  schema_version is the
-- last migration applied when it was taken: a snapshot is restored only
-- into that very schema.  counts: rows per table; sequences: the value
-- each identity column would give next ("table.column": n), so that ids
-- continue after a restore exactly as they would have.  Sessions and
-- users are no part of it.
CREATE TABLE snapshots (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE
                   CHECK (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
    created        timestamptz NOT NULL DEFAULT now(),
    schema_version integer NOT NULL,
    counts         jsonb NOT NULL DEFAULT '{}',
    sequences      jsonb NOT NULL DEFAULT '{}'
);

-- The schema that holds the copies of snapshot sid.
CREATE FUNCTION snapshot_schema(sid bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'micetro_snapshot_' || sid $$;

-- The columns of table t a copy keeps and a restore writes back: all but
-- the generated ones, quoted, in the table's order, each prefixed with
-- alias and a dot when alias is not empty.
CREATE FUNCTION snapshot_columns(t regclass, alias text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(CASE WHEN alias = '' THEN '' ELSE alias || '.' END
                      || quote_ident(attname), ', ' ORDER BY attnum)
      FROM pg_attribute
     WHERE attrelid = t AND attnum > 0 AND NOT attisdropped
       AND attgenerated = ''
$$;

-- "s.k1 = d.k1 AND ..." over the primary key of t.
CREATE FUNCTION snapshot_key_join(t regclass) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('s.%1$I = d.%1$I', a.attname), ' AND '
                      ORDER BY k.n)
      FROM pg_index i
     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, n)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = t AND i.indisprimary
$$;

-- Saves tables (the tables of objects) as snapshot `snapshot_name`: the
-- row, the schema with a copy of each table, the counts and the position
-- of each identity sequence.  The caller holds the tables still (LOCK
-- ... IN SHARE MODE), so the copies and the sequences agree.  Returns
-- the new snapshot's id.
CREATE FUNCTION snapshot_save(snapshot_name text, tables text[])
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    sid bigint;
    sch text;
    t text;
    n bigint;
    cnt jsonb := '{}';
    seqs jsonb := '{}';
    col record;
BEGIN
    INSERT INTO snapshots (name, schema_version)
    VALUES (snapshot_name, (SELECT max(version) FROM schema_migrations))
    RETURNING id INTO sid;
    sch := snapshot_schema(sid);
    EXECUTE format('CREATE SCHEMA %I', sch);
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('CREATE TABLE %I.%I AS SELECT %s FROM %I', sch, t,
                       snapshot_columns(t::regclass, ''), t);
        GET DIAGNOSTICS n = ROW_COUNT;
        cnt := cnt || jsonb_build_object(t, n);
        FOR col IN SELECT a.attname,
                          pg_get_serial_sequence(quote_ident(t), a.attname)
                              AS seq
                     FROM pg_attribute a
                    WHERE a.attrelid = t::regclass AND a.attidentity <> ''
                      AND NOT a.attisdropped LOOP
            EXECUTE format('SELECT CASE WHEN is_called THEN last_value + %s '
                           'ELSE last_value END FROM %s',
                           (SELECT seqincrement FROM pg_sequence
                             WHERE seqrelid = col.seq::regclass), col.seq)
                INTO n;
            seqs := seqs || jsonb_build_object(t || '.' || col.attname, n);
        END LOOP;
    END LOOP;
    UPDATE snapshots SET counts = cnt, sequences = seqs
     WHERE id = sid;
    RETURN sid;
END $$;

-- Makes tables exactly what snapshot sid holds.  Only the difference is
-- written: first every row whose key the snapshot lacks or whose columns
-- differ is deleted from every table, then every row of the snapshot
-- missing from its table inserted (ids kept), so a restore after a few
-- changes costs a comparison, not a rewrite.  The caller has locked the
-- tables (ACCESS EXCLUSIVE) and set session_replication_role = replica
-- for the transaction: no trigger fires (foreign keys, the push queue's
-- triggers, the property values' clean-up), the rows being a state that
-- was consistent when saved.  Then each identity sequence is set to
-- where it stood.  Returns {"deleted": n, "inserted": m}.
CREATE FUNCTION snapshot_restore(sid bigint, tables text[])
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    sch text := snapshot_schema(sid);
    t text;
    n bigint;
    deleted bigint := 0;
    inserted bigint := 0;
    s record;
    cur bigint;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DELETE FROM %I d WHERE NOT EXISTS (SELECT 1 FROM '
                       '%I.%I s WHERE %s AND ROW(%s) IS NOT DISTINCT FROM '
                       'ROW(%s))', t, sch, t, snapshot_key_join(t::regclass),
                       snapshot_columns(t::regclass, 's'),
                       snapshot_columns(t::regclass, 'd'));
        GET DIAGNOSTICS n = ROW_COUNT;
        deleted := deleted + n;
    END LOOP;
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('INSERT INTO %I (%s) OVERRIDING SYSTEM VALUE '
                       'SELECT %s FROM %I.%I s WHERE NOT EXISTS '
                       '(SELECT 1 FROM %I d WHERE %s)', t,
                       snapshot_columns(t::regclass, ''),
                       snapshot_columns(t::regclass, 's'), sch, t, t,
                       snapshot_key_join(t::regclass));
        GET DIAGNOSTICS n = ROW_COUNT;
        inserted := inserted + n;
    END LOOP;
    FOR s IN SELECT pg_get_serial_sequence(quote_ident(split_part(e.key, '.', 1)),
                                           split_part(e.key, '.', 2)) AS seq,
                    e.value::bigint AS next
               FROM snapshots, jsonb_each_text(sequences) e
              WHERE id = sid LOOP
        EXECUTE format('SELECT CASE WHEN is_called THEN last_value + %s '
                       'ELSE last_value END FROM %s',
                       (SELECT seqincrement FROM pg_sequence
                         WHERE seqrelid = s.seq::regclass), s.seq)
            INTO cur;
        IF cur <> s.next THEN
            EXECUTE format('ALTER SEQUENCE %s RESTART WITH %s', s.seq,
                           s.next);
        END IF;
    END LOOP;
    RETURN jsonb_build_object('deleted', deleted, 'inserted', inserted);
END $$;

-- Deletes snapshot `snapshot_name` and its copies: false when there is
-- none.  Waits for a restore of it to end (its row's lock).
CREATE FUNCTION snapshot_drop(snapshot_name text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    sid bigint;
BEGIN
    DELETE FROM snapshots WHERE name = snapshot_name RETURNING id INTO sid;
    IF sid IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', snapshot_schema(sid));
    RETURN true;
END $$;
