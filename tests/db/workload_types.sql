-- Column-type workload for the binlog decoder: every type family, signed extremes, NULLs,
-- fractional temporal types, multi-byte text, binary bytes; INSERT, UPDATE, DELETE.
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
CREATE TABLE t_num (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT, bi BIGINT, uti TINYINT UNSIGNED, ubi BIGINT UNSIGNED, d1 DECIMAL(10,2), d2 DECIMAL(30,10), d3 DECIMAL(5,0), f FLOAT, dbl DOUBLE, b BIT(10), b1 BIT(1));
CREATE TABLE t_time (id INT PRIMARY KEY, d DATE, t TIME, t3 TIME(3), dt DATETIME, dt6 DATETIME(6), dt2 DATETIME(2), ts TIMESTAMP NULL, ts4 TIMESTAMP(4) NULL, y YEAR);
CREATE TABLE t_str (id INT PRIMARY KEY, vc VARCHAR(20), vcl VARCHAR(400), c CHAR(5), tx TEXT, bl BLOB, mb MEDIUMBLOB, e ENUM('red','green','blue'), s SET('a','b','c','d'), j JSON, bin BINARY(4), vb VARBINARY(10));
INSERT INTO t_num VALUES (1, -1, -300, -70000, -5000000000, 255, 18446744073709551615, 12345678.90, -12345678901234567890.1234567890, -99999, 1.5, -2.25e100, b'1010101010', b'1');
INSERT INTO t_num VALUES (2, 127, 32767, 8388607, 9223372036854775807, 0, 0, 0.05, 0.0000000001, 0, -0.1, 0, b'0', b'0');
INSERT INTO t_num (id) VALUES (3);
INSERT INTO t_time VALUES (1, '2024-02-29', '-838:59:59', '12:34:56.789', '2024-01-02 03:04:05', '2024-01-02 03:04:05.123456', '1999-12-31 23:59:59.99', '2024-05-06 07:08:09', '2024-05-06 07:08:09.1234', 2024);
INSERT INTO t_time VALUES (2, '1000-01-01', '00:00:00', '-01:02:03.500', '9999-12-31 23:59:59', '2000-01-01 00:00:00.000001', NULL, NULL, NULL, 1901);
INSERT INTO t_str VALUES (1, 'hello', REPEAT('x', 300), 'ab', 'text with \'quote\' and \\ backslash', 0x00FF7F0A, REPEAT('m', 70000), 'green', 'a,c', '{"k": [1, 2, {"n": null}]}', 'ab', 0x010203);
INSERT INTO t_str VALUES (2, '日本語', '', '', '', '', '', 'red', '', '[]', 0x00000000, '');
UPDATE t_num SET ti = 5, d1 = -1.5 WHERE id = 2;
UPDATE t_time SET dt6 = '2025-01-01 00:00:00.5' WHERE id = 1;
UPDATE t_str SET e = 'blue', s = 'b,d' WHERE id = 1;
DELETE FROM t_num WHERE id = 3;
DELETE FROM t_str;
