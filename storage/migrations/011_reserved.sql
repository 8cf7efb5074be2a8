-- 011: reserved.
SELECT 1;
