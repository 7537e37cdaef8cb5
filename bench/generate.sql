-- Benchmark data set for `make bench`, loaded after sql/schema-5.3.sql into an empty
-- tcbench_* database. bench/run replaces {{N}} (users) and {{GEN}} (generator version).
--
-- Everything is generated server-side from the SEQUENCE engine (seq_1_to_N), no client loops.
-- Per user: a row in users, 20 ordinary options as the app keeps them (sample.sql's names)
-- and, for 85%, a `secret` option. The mix is decided per user by CRC32 hashes, so that
-- locked, hidden, upper-cased and secret kind are independent of each other:
--   secret kind  0 v2 (50%) · 1 legacy (30%) · 2 '' (3%) · 3 '0' (2%) · 4 missing (15%)
--   locked 2% · hidden 1% · onhold 0.5% · user_option.username upper-cased for 1% (the app
--   matches it with utf8_general_ci, so those users are still enrolled)
-- Secret values cycle through the six published test vectors (../shared/vectors/
-- teamcal-default-key.json, key 5e091d9b9cbf36.90197318): every value decrypts.
SET NAMES utf8;
SET SESSION join_cache_level = 0;   -- plain nested loops: option rows come out grouped by user
SET SESSION myisam_sort_buffer_size = 1073741824;   -- index builds sort in memory

-- MyISAM maintains unique keys row by row (and slowly, over long runs of equal values such as
-- the NULLs of uk_oidc_sub), so the big tables are filled without keys and get them back at
-- the end, built by sorting. The tcbench_shape_* copies let bench/run check that the tables
-- end up exactly as sql/schema-5.3.sql made them.
CREATE TABLE tcbench_shape_users LIKE tcneo_users;
CREATE TABLE tcbench_shape_user_option LIKE tcneo_user_option;
CREATE TABLE tcbench_shape_user_group LIKE tcneo_user_group;
CREATE TABLE tcbench_shape_archive_user_option LIKE tcneo_archive_user_option;
ALTER TABLE tcneo_users DROP PRIMARY KEY, DROP KEY k_firstname, DROP KEY k_lastname, DROP KEY uk_oidc_sub;
ALTER TABLE tcneo_user_option DROP KEY uk_username_option, DROP KEY k_username, DROP KEY k_option;
ALTER TABLE tcneo_user_group DROP KEY uk_username_groupid, DROP KEY k_username, DROP KEY k_groupid;
ALTER TABLE tcneo_archive_user_option DROP KEY uk_username_option, DROP KEY k_username, DROP KEY k_option;

-- The six vectors: plain base32 secret, v2 value, legacy value.
CREATE TABLE tcbench_vectors (
  i TINYINT NOT NULL PRIMARY KEY,
  secret VARCHAR(64) NOT NULL,
  v2 VARCHAR(255) NOT NULL,
  legacy VARCHAR(255) NOT NULL
) ENGINE = MyISAM DEFAULT CHARSET = utf8;
INSERT INTO tcbench_vectors VALUES
  (0, '2M2DTYOK5DFQMNYZPHTZCZ5MZIQGV6X6', 'v2:RiWPYM39OkWG3sCC0K5crgcjgxu77aL6fwrSEZR28RvvRqsuYLeysnJtqEju8gY3Y7pMqG1VuCO7uFgh00AfDQ==', 'XraUVNCHqwUiKRo/hF5VqL/GjqaKGrBcXHyhDC+llqL0xur4lfCaxfIYQqL4LxCx'),
  (1, '2JPL6QB7GLKTB2FG', 'v2:gOZtcLW0dpsM+Sf8qiSjHGjpdQKkiFovU9B/ohQ3B+5hLTfqEZDaX1dmSXJdXniO', '4XFhQnKLttpK3GiadM+HhvTG6viV8JrF8hhCovgvELE='),
  (2, 'FXWOJKWM6SKCOTHLR7NKWM3T36T45BHE', 'v2:H9tXOumc0/0W5jBa10wKZtA64pD+L2nMOmg+gf5sZ6o6bLVhX76iFDDXk/q6WSu5yKHmFp8FuJrd9FUsCvtS4A==', '44EvkcQSAhlJ/ufszKO5o6OJXr8tDdjaPhR3LLUjMrj0xur4lfCaxfIYQqL4LxCx'),
  (3, 'U2CTJIU2JX5Y7J4K', 'v2:H8/sn3Dfw4kljb4OGQfXZQGCyLIJpHhzpcrgqiJ4eptWxJ/jU8CwOki6oZmHRdWh', 'CF/K9CHte3Dxcz8Jq1EIhfTG6viV8JrF8hhCovgvELE='),
  (4, 'UHRN5UE5CINKKEXE4VUZ6A746JYLKWFL', 'v2:rQgzqxQPdflfMzmaJB8SM0JtItJDmkPtbK9jMMhrEtxyzXrS+kkCvBPctVBdrKjcF0AjMwKQ0OucMJS54J+kuA==', 'T2sGGV3ThDxiNOeh7zmY920q5Io26pLk/poXZlefaDb0xur4lfCaxfIYQqL4LxCx'),
  (5, 'ZHKCV7HIEMRB3DEE', 'v2:3KEzB8cCpuwmaqCEQIjCBzje4se25syZg4hcemJ0ANIJwjmBBf7B3SaSKbr/8Wjz', '6krb5bHsIaTxU5ubvcO9FvTG6viV8JrF8hhCovgvELE=');

-- The plan: one row per generated user with everything decided about it.
CREATE TABLE tcbench_plan (
  seq INT NOT NULL PRIMARY KEY,
  username VARCHAR(40) NOT NULL,
  ouser VARCHAR(40) NOT NULL,          -- the spelling used in user_option
  locked TINYINT NOT NULL,
  hidden TINYINT NOT NULL,
  onhold TINYINT NOT NULL,
  kind TINYINT NOT NULL,               -- 0 v2, 1 legacy, 2 '', 3 '0', 4 missing
  vec TINYINT NOT NULL
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;
INSERT INTO tcbench_plan
SELECT seq,
       CONCAT('u', LPAD(seq, 7, '0')),
       IF(CRC32(CONCAT('c', seq)) % 100 = 0, CONCAT('U', LPAD(seq, 7, '0')), CONCAT('u', LPAD(seq, 7, '0'))),
       CRC32(CONCAT('l', seq)) % 50 = 0,
       CRC32(CONCAT('h', seq)) % 100 = 0,
       CRC32(CONCAT('o', seq)) % 200 = 0,
       CASE WHEN CRC32(CONCAT('s', seq)) % 100 < 50 THEN 0
            WHEN CRC32(CONCAT('s', seq)) % 100 < 80 THEN 1
            WHEN CRC32(CONCAT('s', seq)) % 100 < 83 THEN 2
            WHEN CRC32(CONCAT('s', seq)) % 100 < 85 THEN 3
            ELSE 4 END,
       seq % 6
FROM seq_1_to_{{N}};

INSERT INTO tcneo_users (username, password, firstname, lastname, email, order_key, role, locked,
                         hidden, onhold, verify, bad_logins, grace_start, last_pw_change, last_login, created)
SELECT p.username,
       '$2y$10$4E4xGXbIs1ldd.aN/knENOF/YTenqHylHhrErESXfBDIBIF/1FT2.',
       ELT(1 + p.seq % 16, 'Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hugo',
           'Ida', 'Jonas', 'Klara', 'Leon', 'Mia', 'Noah', 'Olivia', 'Paul'),
       ELT(1 + (p.seq DIV 16) % 16, 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer',
           'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Zimmermann'),
       CONCAT(p.username, '@example.org'),
       LPAD(p.seq, 7, '0'),
       IF(p.seq % 500 = 0, 1, 2),
       p.locked, p.hidden, p.onhold, 0, p.seq % 3,
       '2026-01-01 00:00:00',
       '2025-01-01 08:00:00' + INTERVAL (p.seq % 365) DAY,
       '2025-06-01 09:00:00' + INTERVAL (p.seq % 180) DAY + INTERVAL (p.seq % 600) MINUTE,
       '2020-01-01 00:00:00' + INTERVAL (p.seq % 2000) DAY
FROM tcbench_plan p;

-- The options the app keeps for every user (names from the 5.3.6 sample data).
CREATE TABLE tcbench_optnames (i TINYINT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL)
  ENGINE = MyISAM DEFAULT CHARSET = utf8;
INSERT INTO tcbench_optnames VALUES
  (1, 'avatar'), (2, 'calendarMonths'), (3, 'calfilterGroup'), (4, 'calViewMode'), (5, 'custom1'),
  (6, 'facebook'), (7, 'gender'), (8, 'google'), (9, 'id'), (10, 'language'), (11, 'linkedin'),
  (12, 'menuBar'), (13, 'mobile'), (14, 'notifyAbsenceEvents'), (15, 'notifyCalendarEvents'),
  (16, 'notifyUserEvents'), (17, 'phone'), (18, 'position'), (19, 'region'), (20, 'verifycode');

INSERT INTO tcneo_user_option (username, `option`, value)
SELECT STRAIGHT_JOIN p.ouser, o.name,
       CASE o.i
         WHEN 1 THEN IF(p.seq % 4 = 0, CONCAT(p.username, '.png'), IF(p.seq % 2 = 0, 'default_female.png', 'default_male.png'))
         WHEN 2 THEN 'default'
         WHEN 3 THEN IF(p.seq % 7 = 0, CONCAT('', 1 + p.seq % 20), 'all')
         WHEN 4 THEN 'fullmonth'
         WHEN 5 THEN ''
         WHEN 6 THEN IF(p.seq % 9 = 0, CONCAT('fb-', p.username), '')
         WHEN 7 THEN IF(p.seq % 2 = 0, 'female', 'male')
         WHEN 8 THEN ''
         WHEN 9 THEN CONCAT('ID', LPAD(p.seq, 7, '0'))
         WHEN 10 THEN ELT(1 + p.seq % 3, 'english', 'deutsch', 'default')
         WHEN 11 THEN IF(p.seq % 5 = 0, CONCAT('li-', p.username), '')
         WHEN 12 THEN 'default'
         WHEN 13 THEN CONCAT('+49 170 ', LPAD(p.seq, 7, '0'))
         WHEN 14 THEN '0'
         WHEN 15 THEN IF(p.seq % 3 = 0, '1', '0')
         WHEN 16 THEN '0'
         WHEN 17 THEN CONCAT('+49 30 ', LPAD(p.seq % 100000, 5, '0'))
         WHEN 18 THEN ELT(1 + p.seq % 5, 'Engineer', 'Consultant', 'Team Lead', 'Assistant', 'Accountant')
         WHEN 19 THEN '1'
         ELSE ''
       END
FROM tcbench_plan p JOIN tcbench_optnames o;

-- Secrets come last, as enrollment happens after the account exists.
INSERT INTO tcneo_user_option (username, `option`, value)
SELECT p.ouser, 'secret',
       CASE p.kind WHEN 0 THEN v.v2 WHEN 1 THEN v.legacy WHEN 2 THEN '' ELSE '0' END
FROM tcbench_plan p JOIN tcbench_vectors v ON v.i = p.vec
WHERE p.kind < 4;

-- Groups: 20, every user in one, a third of them in a second one.
INSERT INTO tcneo_groups (name, description)
SELECT CONCAT('Team ', LPAD(seq, 2, '0')), CONCAT('Department ', seq) FROM seq_1_to_20;
INSERT INTO tcneo_user_group (username, groupid, type)
SELECT username, 1 + seq % 20, IF(seq % 25 = 0, 'manager', 'member') FROM tcbench_plan;
INSERT INTO tcneo_user_group (username, groupid, type)
SELECT username, 1 + (seq % 20 + 1 + seq % 19) % 20, 'member' FROM tcbench_plan WHERE seq % 3 = 0;

-- The keys, as in sql/schema-5.3.sql.
ALTER TABLE tcneo_users ADD PRIMARY KEY (`username`), ADD KEY `k_firstname` (`firstname`),
  ADD KEY `k_lastname` (`lastname`), ADD UNIQUE KEY `uk_oidc_sub` (`oidc_sub`);
ALTER TABLE tcneo_user_option ADD UNIQUE KEY `uk_username_option` (`username`, `option`),
  ADD KEY `k_username` (`username`), ADD KEY `k_option` (`option`);
ALTER TABLE tcneo_user_group ADD UNIQUE KEY `uk_username_groupid` (`username`, `groupid`),
  ADD KEY `k_username` (`username`), ADD KEY `k_groupid` (`groupid`);

-- A few archived users (1%), with their options and secrets, as the app moves them.
INSERT INTO tcneo_archive_users (username, password, firstname, lastname, email, order_key, role, locked, hidden)
SELECT CONCAT('x', LPAD(seq, 7, '0')), '$2y$10$4E4xGXbIs1ldd.aN/knENOF/YTenqHylHhrErESXfBDIBIF/1FT2.',
       'Former', CONCAT('Employee ', seq), CONCAT('x', LPAD(seq, 7, '0'), '@example.org'), '0', 2, 1, 0
FROM tcbench_plan WHERE seq % 100 = 50;
INSERT INTO tcneo_archive_user_option (username, `option`, value)
SELECT STRAIGHT_JOIN CONCAT('x', LPAD(p.seq, 7, '0')), o.name, IF(o.i = 7, 'male', '')
FROM tcbench_plan p JOIN tcbench_optnames o WHERE p.seq % 100 = 50;
INSERT INTO tcneo_archive_user_option (username, `option`, value)
SELECT CONCAT('x', LPAD(p.seq, 7, '0')), 'secret', IF(p.seq % 200 = 50, v.legacy, v.v2)
FROM tcbench_plan p JOIN tcbench_vectors v ON v.i = p.vec WHERE p.seq % 100 = 50;
ALTER TABLE tcneo_archive_user_option ADD UNIQUE KEY `uk_username_option` (`username`, `option`),
  ADD KEY `k_username` (`username`), ADD KEY `k_option` (`option`);

-- What tcadmin migrate-secrets and the PHP peer change: the legacy secret rows, kept so that
-- every migrate run starts from the same data (bench/run restores them by id).
CREATE TABLE tcbench_legacy_pristine (id INT NOT NULL PRIMARY KEY, value TEXT NOT NULL)
  ENGINE = MyISAM DEFAULT CHARSET = utf8
SELECT id, value FROM tcneo_user_option
WHERE `option` = 'secret' AND value NOT LIKE 'v2:%' AND value NOT IN ('', '0');

-- Expected figures, computed from the plan (not from user_option, so they check the joins).
CREATE TABLE tcbench_meta (k VARCHAR(40) NOT NULL PRIMARY KEY, v VARCHAR(255) NOT NULL)
  ENGINE = MyISAM DEFAULT CHARSET = utf8;
INSERT INTO tcbench_meta
SELECT 'users', COUNT(*) FROM tcbench_plan
UNION ALL SELECT 'v2', COUNT(*) FROM tcbench_plan WHERE kind = 0
UNION ALL SELECT 'legacy', COUNT(*) FROM tcbench_plan WHERE kind = 1
UNION ALL SELECT 'empty', COUNT(*) FROM tcbench_plan WHERE kind IN (2, 3)
UNION ALL SELECT 'missing', COUNT(*) FROM tcbench_plan WHERE kind = 4
UNION ALL SELECT 'locked', COUNT(*) FROM tcbench_plan WHERE locked = 1
UNION ALL SELECT 'hidden', COUNT(*) FROM tcbench_plan WHERE hidden = 1
UNION ALL SELECT 'uppercased', COUNT(*) FROM tcbench_plan WHERE ouser <> username
-- the admin account of the schema fixture has no secret and is neither locked nor hidden
UNION ALL SELECT 'unenrolled', 1 + COUNT(*) FROM tcbench_plan WHERE kind >= 2 AND locked = 0 AND hidden = 0
UNION ALL SELECT 'user_option_rows', COUNT(*) FROM tcneo_user_option;
-- Written last: a data set without this row is incomplete and gets regenerated.
INSERT INTO tcbench_meta VALUES ('generator', '{{GEN}}');
