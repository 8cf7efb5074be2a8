-- 010: no change; keeps the numbers of the migrations without a gap.
--
-- Released migrations are never edited: change the schema with a new file.
SELECT 1;
