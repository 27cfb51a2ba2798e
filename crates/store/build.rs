// `sqlx::migrate!` embeds the migrations at compile time; a new file in
// them must rebuild this crate (as sqlx's own `migrate build-script` says).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
