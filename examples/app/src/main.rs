//! Lists the embedded migrations (the runner lands with the runtime).

fn main() {
    for m in godwit_example::MIGRATIONS.migrations() {
        println!("{}  {}", m.revision, m.message);
    }
}
