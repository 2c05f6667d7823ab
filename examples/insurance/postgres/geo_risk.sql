-- The geo-risk reference table of the insurance example, in PostgreSQL: the rows of ../geo-risk.jsonl.
-- psql -h 127.0.0.1 -U postgres -d insurance -f geo_risk.sql
CREATE TABLE IF NOT EXISTS public.geo_risk (
    postal_code        text PRIMARY KEY,
    region             text NOT NULL,
    accidents_per_1000 double precision NOT NULL
);
INSERT INTO public.geo_risk (postal_code, region, accidents_per_1000) VALUES
    ('8001', 'Zurich Altstadt', 12.5),
    ('8004', 'Zurich Aussersihl', 24.1),
    ('3011', 'Bern Innere Stadt', 9.8),
    ('1201', 'Geneve Paquis', 21.7),
    ('4051', 'Basel Vorstadt', 15),
    ('6003', 'Luzern Zentrum', 7.2)
ON CONFLICT (postal_code) DO NOTHING;

-- The role Debezium connects as: it may replicate and read the table.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hyphae_cdc') THEN
        CREATE ROLE hyphae_cdc WITH LOGIN REPLICATION PASSWORD 'hyphae-example';
    END IF;
END $$;
GRANT SELECT ON public.geo_risk TO hyphae_cdc;
-- Creating a publication needs ownership of the table, which hyphae_cdc does not have: create it here, under the
-- name hyphae gives it (hyphae_<application>_<table>), and Debezium uses it as it is.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'hyphae_insurance_pg_geo_risk') THEN
        CREATE PUBLICATION hyphae_insurance_pg_geo_risk FOR TABLE public.geo_risk;
    END IF;
END $$;
