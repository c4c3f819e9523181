-- One database per service: each service owns its event store and read models.
CREATE DATABASE grassroots_appraisal;
CREATE DATABASE grassroots_grid;
CREATE DATABASE grassroots_village;
CREATE DATABASE grassroots_reporting;
CREATE DATABASE grassroots_keys;  -- the persons' keys (PIPL erasure), apart from the events
