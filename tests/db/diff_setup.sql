-- State before the incident, for the dump-diff tests (MariaDB and PostgreSQL alike).
CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100), balance DECIMAL(12,2), note TEXT);
CREATE TABLE cards (id INT PRIMARY KEY, holder VARCHAR(64), pan CHAR(16));
CREATE TABLE orders (cust INT, line INT, item VARCHAR(40), qty INT, PRIMARY KEY (cust, line));
CREATE TABLE audit_nopk (ev VARCHAR(40), n INT);
INSERT INTO customers VALUES (1,'a@example.com',10.00,'it''s fine; really'),(2,'b@example.com',20.50,NULL),(3,'c@example.com',0.00,'tab	and
newline \ backslash'),(4,'d@example.com',5.25,'日本語');
INSERT INTO cards VALUES (1,'Alice','4111111111111111'),(2,'Bob','5500005555555559');
INSERT INTO orders VALUES (1,1,'book',2),(1,2,'pen',10),(2,1,'lamp',1);
INSERT INTO audit_nopk VALUES ('login',1),('login',1),('logout',2);
