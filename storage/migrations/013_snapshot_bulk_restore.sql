-- 013: a snapshot restored into empty tables (right after a reset, or
-- into a new database) rebuilds each table's secondary indexes once
-- instead of updating them row by row.
--
-- Released migrations are never edited: change the schema with a new file.

-- As migration 010's snapshot_restore, but a table that is empty after
-- the deletions while the snapshot holds at least bulk_rows of its rows
-- has its indexes that back no constraint dropped before the insert and
-- made again after it, from their own definitions (pg_get_indexdef), by
-- the same names: one sort per index rather than one descent per row.
-- The caller holds the tables in ACCESS EXCLUSIVE mode, so no other
-- transaction ever sees them without their indexes; the indexes that
-- back a primary key or a unique constraint stay, foreign keys needing
-- them.  On an error the transaction ends and the drops with it.
CREATE OR REPLACE FUNCTION snapshot_restore(sid bigint, tables text[])
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    bulk_rows constant bigint := 1000;
    sch text := snapshot_schema(sid);
    t text;
    n bigint;
    deleted bigint := 0;
    inserted bigint := 0;
    s record;
    cur bigint;
    bulk boolean;
    defs text[];
    def text;
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
        EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', t) INTO bulk;
        bulk := bulk AND coalesce((SELECT (counts->>t)::bigint
                                     FROM snapshots WHERE id = sid), 0)
                         >= bulk_rows;
        defs := '{}';
        IF bulk THEN
            SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid)
                                      ORDER BY i.indexrelid), '{}')
              INTO defs
              FROM pg_index i
             WHERE i.indrelid = t::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                WHERE c.conindid = i.indexrelid);
            FOR s IN SELECT i.indexrelid::regclass AS idx
                       FROM pg_index i
                      WHERE i.indrelid = t::regclass
                        AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                         WHERE c.conindid = i.indexrelid)
            LOOP
                EXECUTE format('DROP INDEX %s', s.idx);
            END LOOP;
        END IF;
        EXECUTE format('INSERT INTO %I (%s) OVERRIDING SYSTEM VALUE '
                       'SELECT %s FROM %I.%I s WHERE NOT EXISTS '
                       '(SELECT 1 FROM %I d WHERE %s)', t,
                       snapshot_columns(t::regclass, ''),
                       snapshot_columns(t::regclass, 's'), sch, t, t,
                       snapshot_key_join(t::regclass));
        GET DIAGNOSTICS n = ROW_COUNT;
        inserted := inserted + n;
        FOREACH def IN ARRAY defs LOOP
            EXECUTE def;
        END LOOP;
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
