-- tcadmin schema fixture: the TeamCal Neo 5.3 shape of the tables tcadmin uses.
-- Table prefix tcneo_ (tests rewrite it to exercise --prefix). MyISAM, utf8, as shipped.
SET NAMES utf8;

DROP TABLE IF EXISTS `tcneo_config`;
CREATE TABLE `tcneo_config` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL DEFAULT '',
  `value` text CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_name` (`name`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

DROP TABLE IF EXISTS `tcneo_users`;
CREATE TABLE `tcneo_users` (
  `username` varchar(40) NOT NULL DEFAULT '',
  `password` varchar(255) DEFAULT NULL,
  `firstname` varchar(80) DEFAULT NULL,
  `lastname` varchar(80) DEFAULT NULL,
  `email` varchar(100) DEFAULT NULL,
  `order_key` varchar(80) NOT NULL DEFAULT '0',
  `role` int(11) DEFAULT 2,
  `locked` tinyint(4) DEFAULT 0,
  `hidden` tinyint(4) DEFAULT 0,
  `onhold` tinyint(4) DEFAULT 0,
  `verify` tinyint(4) DEFAULT 0,
  `bad_logins` tinyint(4) DEFAULT 0,
  `grace_start` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `last_pw_change` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `last_login` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `created` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `oidc_sub` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`username`),
  KEY `k_firstname` (`firstname`),
  KEY `k_lastname` (`lastname`),
  UNIQUE KEY `uk_oidc_sub` (`oidc_sub`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

DROP TABLE IF EXISTS `tcneo_user_option`;
CREATE TABLE `tcneo_user_option` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `username` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  `option` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  `value` text CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_username_option` (`username`, `option`),
  KEY `k_username` (`username`),
  KEY `k_option` (`option`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

DROP TABLE IF EXISTS `tcneo_archive_users`;
CREATE TABLE `tcneo_archive_users` (
  `username` varchar(40) NOT NULL DEFAULT '',
  `password` varchar(255) DEFAULT NULL,
  `firstname` varchar(80) DEFAULT NULL,
  `lastname` varchar(80) DEFAULT NULL,
  `email` varchar(100) DEFAULT NULL,
  `order_key` varchar(80) NOT NULL DEFAULT '0',
  `role` int(11) DEFAULT 2,
  `locked` tinyint(4) DEFAULT 0,
  `hidden` tinyint(4) DEFAULT 0,
  `onhold` tinyint(4) DEFAULT 0,
  `verify` tinyint(4) DEFAULT 0,
  `bad_logins` tinyint(4) DEFAULT 0,
  `grace_start` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `last_pw_change` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `last_login` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `created` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `oidc_sub` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`username`),
  KEY `k_firstname` (`firstname`),
  KEY `k_lastname` (`lastname`),
  UNIQUE KEY `uk_oidc_sub` (`oidc_sub`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

DROP TABLE IF EXISTS `tcneo_archive_user_option`;
CREATE TABLE `tcneo_archive_user_option` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `username` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  `option` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  `value` text CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_username_option` (`username`, `option`),
  KEY `k_username` (`username`),
  KEY `k_option` (`option`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

DROP TABLE IF EXISTS `tcneo_groups`;
CREATE TABLE `tcneo_groups` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL DEFAULT '',
  `description` varchar(100) CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL DEFAULT '',
  `avatar` varchar(255) CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL DEFAULT 'default_group.png',
  `minpresent` smallint(6) NOT NULL DEFAULT 0,
  `maxabsent` smallint(6) NOT NULL DEFAULT 9999,
  `minpresentwe` smallint(6) NOT NULL DEFAULT 0,
  `maxabsentwe` smallint(6) NOT NULL DEFAULT 9999,
  PRIMARY KEY (`id`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

DROP TABLE IF EXISTS `tcneo_user_group`;
CREATE TABLE `tcneo_user_group` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `username` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  `groupid` int(11) DEFAULT NULL,
  `type` tinytext CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_username_groupid` (`username`, `groupid`),
  KEY `k_username` (`username`),
  KEY `k_groupid` (`groupid`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

DROP TABLE IF EXISTS `tcneo_roles`;
CREATE TABLE `tcneo_roles` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL DEFAULT '',
  `description` varchar(100) CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL DEFAULT '',
  `color` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL DEFAULT 'default',
  `created` timestamp NOT NULL DEFAULT current_timestamp(),
  `updated` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_name` (`name`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

DROP TABLE IF EXISTS `tcneo_log`;
CREATE TABLE `tcneo_log` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `type` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  `timestamp` datetime NOT NULL DEFAULT '2026-01-01 00:00:00',
  `ip` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  `user` varchar(40) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  `event` text CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE = MyISAM DEFAULT CHARSET = utf8 COLLATE = utf8_bin;

INSERT INTO `tcneo_roles` (`id`, `name`, `description`, `color`) VALUES
  (1, 'Administrator', 'Application administrators', 'danger'),
  (2, 'User', 'Standard role for logged in users', 'primary'),
  (3, 'Public', 'All users not logged in', 'default');

INSERT INTO `tcneo_config` (`name`, `value`) VALUES
  ('appTitle', 'TeamCal Neo'),
  ('disableTfa', '0'),
  ('forceTfa', '0'),
  ('logConfig', '1'),
  ('logLogin', '1'),
  ('logUser', '1'),
  ('logLanguage', 'english');

INSERT INTO `tcneo_users` (`username`, `password`, `firstname`, `lastname`, `email`, `order_key`, `role`, `locked`, `hidden`, `onhold`, `verify`, `bad_logins`, `grace_start`, `last_pw_change`, `last_login`, `created`) VALUES
  ('admin', '$2y$10$4E4xGXbIs1ldd.aN/knENOF/YTenqHylHhrErESXfBDIBIF/1FT2.', '', 'Admin', 'webmaster@yourserver.com', '0', 1, 0, 0, 0, 0, 0, '2024-01-01 00:00:00', '2024-09-07 19:12:50', '2024-09-19 20:33:29', '2022-01-01 00:00:00');
