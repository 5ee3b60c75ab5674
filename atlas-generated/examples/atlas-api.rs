//! Prints the HTTP request an Atlas Administration API operation would send, built
//! through `atlas_generated::dynamic` (and so through the typed request types); with
//! `--send`, sends it with the credentials of the environment (`Client::from_env`:
//! `MONGODB_ATLAS_CLIENT_ID` and `_SECRET`, or `_PUBLIC_KEY` and `_PRIVATE_KEY`) and prints
//! the status and the answer.
//!
//! ```text
//! cargo run -p atlas-generated --features dynamic --example atlas-api -- \
//!     getGroupCluster --path groupId=32b6e34b3d91647abb20e7b8 --path clusterName=Cluster0
//! cargo run -p atlas-generated --features dynamic --example atlas-api -- \
//!     createGroup --version 2023-01-01 --body '{"name": "p", "orgId": "32b6e34b3d91647abb20e7b8"}'
//! cargo run -p atlas-generated --features dynamic --example atlas-api -- --list
//! cargo run -p atlas-generated --features dynamic --example atlas-api -- listGroups --send
//! ```
//!
//! `--path`, `--query` and `--header` take `name=value` and may repeat; a repeated query
//! name makes an array. `--body` takes JSON text, or `@file` to read it from a file.

use std::process::ExitCode;

use atlas_generated::client::Client;
use atlas_generated::dynamic;
use serde_json::{Map, Value, json};

const USAGE: &str = "usage: atlas-api <operationId or short name> [--version V] \
[--path k=v]... [--query k=v]... [--header k=v]... [--body JSON|@file] [--send]\n       atlas-api --list";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("atlas-api: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    if args.iter().any(|a| a == "--help" || a == "-h") || args.is_empty() {
        return Ok(format!("{USAGE}\n"));
    }
    if args[0] == "--list" {
        return Ok(list());
    }
    let operation = &args[0];
    let mut version = None;
    let mut sections: [Map<String, Value>; 3] = Default::default();
    let mut body = None;
    let mut send = false;
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        if flag == "--send" {
            send = true;
            continue;
        }
        let value = rest
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--version" => version = Some(value.clone()),
            "--path" => add_pair(&mut sections[0], value)?,
            "--query" => add_pair(&mut sections[1], value)?,
            "--header" => add_pair(&mut sections[2], value)?,
            "--body" => body = Some(read_body(value)?),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    let [path, query, headers] = sections;
    let arguments = json!({"path": path, "query": query, "headers": headers, "body": body});
    let request = dynamic::build_request(operation, version.as_deref(), &arguments)
        .map_err(|e| e.to_string())?;
    if send {
        return send_to_atlas(request);
    }
    Ok(render(&request))
}

/// Sends `request` with the credentials of the environment (`Client::from_env`), returning
/// the status and the body, pretty when it is JSON.
fn send_to_atlas(request: http::Request<Vec<u8>>) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let response = runtime.block_on(async {
        let client = Client::from_env()?;
        client.send_request(request).await
    });
    let response = response.map_err(|e| e.to_string())?;
    let body = match serde_json::from_slice::<Value>(response.body()) {
        Ok(json) => serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?,
        Err(_) => String::from_utf8_lossy(response.body()).into_owned(),
    };
    Ok(format!("{}\n{body}\n", response.status()))
}

/// `name=value` into `section`; a second value for a name makes an array.
fn add_pair(section: &mut Map<String, Value>, pair: &str) -> Result<(), String> {
    let (name, value) = pair
        .split_once('=')
        .ok_or_else(|| format!("`{pair}` is not name=value"))?;
    let value = Value::String(value.to_owned());
    match section.get_mut(name) {
        None => {
            section.insert(name.to_owned(), value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(first) => *first = Value::Array(vec![first.take(), value]),
    }
    Ok(())
}

fn read_body(argument: &str) -> Result<Value, String> {
    let text = match argument.strip_prefix('@') {
        Some(file) => std::fs::read_to_string(file).map_err(|e| format!("reading {file}: {e}"))?,
        None => argument.to_owned(),
    };
    serde_json::from_str(&text).map_err(|e| format!("the body is not JSON: {e}"))
}

fn render(request: &http::Request<Vec<u8>>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        out.push_str(&format!(
            "{name}: {}\n",
            value.to_str().unwrap_or("<binary>")
        ));
    }
    if !request.body().is_empty() {
        let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        out.push('\n');
        out.push_str(&serde_json::to_string_pretty(&body).unwrap_or_default());
        out.push('\n');
    }
    out
}

fn list() -> String {
    let mut out = String::new();
    for op in dynamic::operations() {
        let versions: Vec<&str> = op.versions.iter().map(|v| v.version).collect();
        out.push_str(&format!(
            "{:<55} {:<45} {:<6} {} [{}]\n",
            op.operation_id,
            op.short_name,
            op.method,
            op.path,
            versions.join(", ")
        ));
    }
    out
}
