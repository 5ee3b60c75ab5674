//! `ClientBuilder::from_env`: the environment's credentials and base URL, then the caller's
//! settings. Its own test binary, with one test: it sets process-wide variables.

use std::time::Duration;

use atlas_generated::client::{ClientBuilder, ErrorKind};

const VARIABLES: [&str; 5] = [
    "MONGODB_ATLAS_CLIENT_ID",
    "MONGODB_ATLAS_CLIENT_SECRET",
    "MONGODB_ATLAS_PUBLIC_KEY",
    "MONGODB_ATLAS_PRIVATE_KEY",
    "MONGODB_ATLAS_BASE_URL",
];

#[test]
fn a_builder_from_the_environment_takes_further_settings() {
    // SAFETY: the only test of this binary, so no other thread reads the environment.
    unsafe {
        for name in VARIABLES {
            std::env::remove_var(name);
        }
    }
    let error = ClientBuilder::from_env().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(
        error.to_string().contains("MONGODB_ATLAS_CLIENT_ID"),
        "{error}"
    );
    // SAFETY: as above.
    unsafe {
        std::env::set_var("MONGODB_ATLAS_PUBLIC_KEY", "public");
        std::env::set_var("MONGODB_ATLAS_PRIVATE_KEY", "private");
        std::env::set_var("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9");
    }
    let builder = ClientBuilder::from_env().expect("a builder");
    let client = builder.timeout(Duration::from_secs(3)).build();
    assert!(client.is_ok(), "{:?}", client.err());
}
