// Imported from diesel: fixtures/import/diesel/00000000000000_diesel_initial_setup
use godwit::migration;

#[migration(
    revision = "00000000000000",
    message = "diesel initial setup",
    imported = "diesel"
)]
pub mod diesel_initial_setup {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_function("diesel_manage_updated_at(_tbl regclass)", "RETURNS VOID AS $$\nBEGIN\n    EXECUTE format('CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s\n                    FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()', _tbl);\nEND;\n$$ LANGUAGE plpgsql");
        op.create_function("diesel_set_updated_at()", "RETURNS trigger AS $$\nBEGIN\n    IF (\n        NEW IS DISTINCT FROM OLD AND\n        NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at\n    ) THEN\n        NEW.updated_at := current_timestamp;\n    END IF;\n    RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_function("diesel_manage_updated_at(_tbl regclass)")
            .if_exists();
        op.drop_function("diesel_set_updated_at()").if_exists();
    }
}
