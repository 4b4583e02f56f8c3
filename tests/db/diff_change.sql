-- The incident: one balance changed, one customer deleted, one added, an order line changed,
-- a duplicate audit row removed, the cards table dropped and a ransom note created.
UPDATE customers SET balance = 99999.99, note = 'owned' WHERE id = 2;
DELETE FROM customers WHERE id = 3;
INSERT INTO customers VALUES (5,'evil@example.com',0.01,NULL);
UPDATE orders SET qty = 99 WHERE cust = 1 AND line = 2;
DELETE FROM audit_nopk WHERE ev = 'logout';
DROP TABLE cards;
CREATE TABLE readme_to_recover (id INT PRIMARY KEY, msg TEXT);
INSERT INTO readme_to_recover VALUES (1,'Send 1 BTC to bc1qxyz');
