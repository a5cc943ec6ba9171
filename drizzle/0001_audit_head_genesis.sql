-- The audit chain starts from a genesis head: seq 0 and a hash of 64 zeros.
INSERT INTO "audit_head" ("id", "seq", "hash") VALUES ('head', 0, repeat('0', 64));
