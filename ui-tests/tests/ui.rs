//! Every diagnostic godwit prints, as the user sees it (`fail/*.stderr`), and
//! the safe paths it accepts (`pass/`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*.rs");
}
