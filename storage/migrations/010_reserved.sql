-- 010: reserved.
SELECT 1;
