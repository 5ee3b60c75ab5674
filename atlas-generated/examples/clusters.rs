//! Lists the clusters of a project, with only the `clusters` tag compiled: a small program
//! of the kind most users write, whose build and binary `cargo xtask bench` reports.
//!
//! ```text
//! cargo run -p atlas-generated --no-default-features --features clusters,client \
//!     --example clusters -- 32b6e34b3d91647abb20e7b8
//! ```
//!
//! Credentials come from the environment (`Client::from_env`): `MONGODB_ATLAS_CLIENT_ID`
//! and `_SECRET`, or `MONGODB_ATLAS_PUBLIC_KEY` and `_PRIVATE_KEY`.

use std::process::ExitCode;

use atlas_generated::client::Client;
use atlas_generated::operations::clusters::ListClusters;
use futures_util::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(group_id) = std::env::args().nth(1) else {
        eprintln!("usage: clusters GROUP_ID");
        return ExitCode::from(2);
    };
    match list(&group_id).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn list(group_id: &str) -> Result<(), atlas_generated::client::Error> {
    let client = Client::from_env()?;
    let clusters: Vec<_> = client
        .paginate(ListClusters::new(group_id))
        .try_collect()
        .await?;
    for cluster in clusters {
        let name = cluster.name.as_deref().unwrap_or("(no name)");
        let state = cluster.state_name.as_ref().map_or("?", |s| s.as_str());
        println!("{name}\t{state}");
    }
    Ok(())
}
