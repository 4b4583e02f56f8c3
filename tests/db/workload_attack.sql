-- An attack-like session: enumeration, bulk read of a sensitive table, exfiltration to a
-- file, privilege changes, destruction and a ransom note. Used by the db tests.
USE shop;
CREATE TABLE cards (id INT PRIMARY KEY, holder VARCHAR(64), pan CHAR(16), exp DATE);
INSERT INTO cards VALUES (1,'Alice','4111111111111111','2027-01-31'),(2,'Bob','5500005555555559','2026-12-31'),(3,'Carol','340000000000009','2028-06-30');
CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100), balance DECIMAL(12,2));
INSERT INTO customers VALUES (1,'a@example.com',10.00),(2,'b@example.com',20.50),(3,'c@example.com',0.00);
SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('mysql','sys');
SELECT * FROM cards;
SELECT * FROM cards INTO OUTFILE '@OUTFILE@';
CREATE USER 'backdoor'@'%' IDENTIFIED BY 'S3cret!';
GRANT ALL PRIVILEGES ON *.* TO 'backdoor'@'%' WITH GRANT OPTION;
UPDATE customers SET balance = 99999.99 WHERE id = 2;
DELETE FROM customers;
DROP TABLE cards;
CREATE TABLE README_TO_RECOVER (note TEXT);
INSERT INTO README_TO_RECOVER VALUES ('Your data is encrypted. Send 1 BTC to bc1qxyz and mail evil@example.com');
