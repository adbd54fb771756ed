-- The access log is evidence (seed 003 art. 29.7): rows are added, never changed or removed, not
-- even by the service's own database role. Retention, if ever needed, is a deliberate migration.
CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER access_log_no_update_or_delete BEFORE UPDATE OR DELETE ON "access_log"
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();--> statement-breakpoint
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON "access_log"
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
