-- tcadmin demo data (TeamCal Neo 5.x shape; load after schema-5.3.sql).
-- Secrets are encrypted under the public release key 5e091d9b9cbf36.90197318:
--   v2 (jdoe, müller, admin), legacy (asmith, bwayne), not enrolled ('' dprince, '0' ezero, none ckent...),
--   undecryptable (corrupt; wrongkey was made under another key).
-- MixedCase is enrolled through a row stored as 'mixedcase': the app's lookup is case-insensitive.
SET NAMES utf8;

INSERT INTO `tcneo_users` (`username`, `password`, `firstname`, `lastname`, `email`, `order_key`, `role`, `locked`, `hidden`, `onhold`, `verify`, `bad_logins`, `grace_start`, `last_pw_change`, `last_login`, `created`) VALUES
  ('jdoe', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'John', 'Doe', 'jdoe@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-30 08:12:00', '2025-06-01 00:00:00'),
  ('asmith', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Alice', 'Smith', 'asmith@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-29 09:01:00', '2025-06-01 00:00:00'),
  ('bwayne', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Bruce', 'Wayne', 'bwayne@example.org', '0', 1, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-28 22:45:00', '2025-06-01 00:00:00'),
  ('ckent', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Clark', 'Kent', 'ckent@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-27 07:30:00', '2025-06-01 00:00:00'),
  ('dprince', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Diana', 'Prince', 'dprince@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-26 10:00:00', '2025-06-01 00:00:00'),
  ('ezero', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Evan', 'Zero', 'ezero@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-25 11:00:00', '2025-06-01 00:00:00'),
  ('flocked', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Fiona', 'Locked', 'flocked@example.org', '0', 2, 1, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-02 12:00:00', '2025-06-01 00:00:00'),
  ('ghidden', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Gus', 'Hidden', 'ghidden@example.org', '0', 2, 0, 1, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-03 12:00:00', '2025-06-01 00:00:00'),
  ('honhold', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Hana', 'Onhold', 'honhold@example.org', '0', 2, 0, 0, 1, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-04 12:00:00', '2025-06-01 00:00:00'),
  ('iverify', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Ivan', 'Verify', 'iverify@example.org', '0', 2, 0, 0, 0, 1, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-05 12:00:00', '2025-06-01 00:00:00'),
  ('o\'brien', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Olivia', 'O\'Brien', 'obrien@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-20 15:00:00', '2025-06-01 00:00:00'),
  ('müller', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Jürgen', 'Müller', 'mueller@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-21 15:00:00', '2025-06-01 00:00:00'),
  ('MixedCase', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Max', 'Case', 'mcase@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-22 15:00:00', '2025-06-01 00:00:00'),
  ('corrupt', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Carl', 'Rupt', 'corrupt@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-23 15:00:00', '2025-06-01 00:00:00'),
  ('wrongkey', '$2y$10$abcdefghijklmnopqrstuu5TtVsFu7Tjn8pH6xG5M7cW3lH7gN9jK', 'Wanda', 'Key', 'wrongkey@example.org', '0', 2, 0, 0, 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-11-24 15:00:00', '2025-06-01 00:00:00');

INSERT INTO `tcneo_user_option` (`username`, `option`, `value`) VALUES
  ('admin', 'secret', 'v2:rQgzqxQPdflfMzmaJB8SM0JtItJDmkPtbK9jMMhrEtxyzXrS+kkCvBPctVBdrKjcF0AjMwKQ0OucMJS54J+kuA=='),
  ('jdoe', 'secret', 'v2:RiWPYM39OkWG3sCC0K5crgcjgxu77aL6fwrSEZR28RvvRqsuYLeysnJtqEju8gY3Y7pMqG1VuCO7uFgh00AfDQ=='),
  ('asmith', 'secret', '4XFhQnKLttpK3GiadM+HhvTG6viV8JrF8hhCovgvELE='),
  ('bwayne', 'secret', '44EvkcQSAhlJ/ufszKO5o6OJXr8tDdjaPhR3LLUjMrj0xur4lfCaxfIYQqL4LxCx'),
  ('dprince', 'secret', ''),
  ('ezero', 'secret', '0'),
  ('müller', 'secret', 'v2:H8/sn3Dfw4kljb4OGQfXZQGCyLIJpHhzpcrgqiJ4eptWxJ/jU8CwOki6oZmHRdWh'),
  ('corrupt', 'secret', 'v2:bm90IGEgcmVhbCBzZWNyZXQgYXQgYWxsLi4u'),
  ('wrongkey', 'secret', 'v2:Ajn4OLXh/wCRDTKIJSOa7PD2V0mYKRF4NUHL4gf3pxq4WCK0OMFfOwZKXhYdzR3iavqLuBH+90iVhFwLAp7g/g=='),
  ('mixedcase', 'secret', 'v2:3KEzB8cCpuwmaqCEQIjCBzje4se25syZg4hcemJ0ANIJwjmBBf7B3SaSKbr/8Wjz'),
  ('jdoe', 'avatar', 'default_male.png'),
  ('jdoe', 'language', 'default'),
  ('asmith', 'avatar', 'default_male.png'),
  ('asmith', 'language', 'default'),
  ('bwayne', 'avatar', 'default_male.png'),
  ('bwayne', 'language', 'default'),
  ('ckent', 'avatar', 'default_male.png'),
  ('ckent', 'language', 'default'),
  ('dprince', 'avatar', 'default_male.png'),
  ('dprince', 'language', 'default'),
  ('ezero', 'avatar', 'default_male.png'),
  ('ezero', 'language', 'default'),
  ('flocked', 'avatar', 'default_male.png'),
  ('flocked', 'language', 'default'),
  ('ghidden', 'avatar', 'default_male.png'),
  ('ghidden', 'language', 'default'),
  ('honhold', 'avatar', 'default_male.png'),
  ('honhold', 'language', 'default'),
  ('iverify', 'avatar', 'default_male.png'),
  ('iverify', 'language', 'default'),
  ('o\'brien', 'avatar', 'default_male.png'),
  ('o\'brien', 'language', 'default'),
  ('müller', 'avatar', 'default_male.png'),
  ('müller', 'language', 'default'),
  ('MixedCase', 'avatar', 'default_male.png'),
  ('MixedCase', 'language', 'default'),
  ('corrupt', 'avatar', 'default_male.png'),
  ('corrupt', 'language', 'default'),
  ('wrongkey', 'avatar', 'default_male.png'),
  ('wrongkey', 'language', 'default'),
  ('admin', 'avatar', 'default_male.png'),
  ('admin', 'language', 'default');

INSERT INTO `tcneo_groups` (`id`, `name`, `description`) VALUES
  (1, 'Sales', 'Sales team'),
  (2, 'Support', 'Support desk');
INSERT INTO `tcneo_user_group` (`username`, `groupid`, `type`) VALUES
  ('jdoe', 1, 'member'),
  ('asmith', 1, 'member'),
  ('ckent', 1, 'member'),
  ('dprince', 2, 'member'),
  ('ezero', 2, 'member'),
  ('o\'brien', 2, 'member'),
  ('müller', 1, 'member'),
  ('honhold', 2, 'member'),
  ('MixedCase', 2, 'member');

INSERT INTO `tcneo_archive_users` (`username`, `firstname`, `lastname`, `email`, `role`) VALUES
  ('oldtimer', 'Otto', 'Timer', 'otimer@example.org', 2);
INSERT INTO `tcneo_archive_user_option` (`username`, `option`, `value`) VALUES
  ('oldtimer', 'secret', '6krb5bHsIaTxU5ubvcO9FvTG6viV8JrF8hhCovgvELE=');
