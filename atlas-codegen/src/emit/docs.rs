//! Spec prose → rustdoc that builds without warnings and runs no doctest, as doc attributes.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Docs;

/// Makes markdown from the spec safe for rustdoc: fenced code becomes `text`, indented lines
/// lose the indentation that would make them Rust doctests, bare URLs become autolinks,
/// brackets that are not links are escaped, and `<` that is not an autolink becomes `&lt;`.
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            out.push_str(if in_fence { "```" } else { "```text" });
            in_fence = !in_fence;
        } else if in_fence {
            out.push_str(line);
        } else {
            escape_line(trimmed, &mut out);
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

fn escape_line(line: &str, out: &mut String) {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut in_code = false;
    while i < line.len() {
        let rest = &line[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        // A markdown link `[text](url)`: keep it whole, escaping only inside the text.
        if c == '['
            && let Some(close) = rest.find("](")
            && let Some(end) = rest[close..].find(')')
            && !rest[1..close].contains('[')
        {
            let label = &rest[1..close];
            let url = &rest[close + 2..close + end];
            if !url.contains(char::is_whitespace) && !url.is_empty() {
                out.push('[');
                escape_line(label, out);
                out.push_str("](");
                out.push_str(url);
                out.push(')');
                i += close + end + 1;
                continue;
            }
        }
        if (rest.starts_with("http://") || rest.starts_with("https://"))
            && (i == 0 || !matches!(bytes[i - 1], b'(' | b'<'))
        {
            let len = rest
                .find(|ch: char| ch.is_whitespace() || matches!(ch, '<' | '>' | '"' | ')' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..len].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            i += url.len();
            continue;
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' if rest.starts_with("* ") && i == 0 => out.push('*'),
            _ => out.push(c),
        }
        i += c.len_utf8();
    }
}

/// `#[doc = "…"]` attributes for a title, a description and a link.
pub(crate) fn doc_attrs(d: &Docs) -> Vec<TokenStream> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = d.title.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(sanitize(t));
    }
    if let Some(desc) = d.description.as_deref().filter(|t| !t.trim().is_empty()) {
        let desc = sanitize(desc);
        if parts.first() != Some(&desc) {
            parts.push(desc);
        }
    }
    if let Some(url) = &d.external_url {
        parts.push(format!("See <{url}>."));
    }
    lines_to_doc(&parts.join("\n\n"))
}

/// Plain (already safe) text as doc attributes.
pub(crate) fn lines_to_doc(text: &str) -> Vec<TokenStream> {
    doc_lines(text).map(|l| quote!(#[doc = #l])).collect()
}

/// Inner (`//!`) doc attributes.
pub(crate) fn inner_doc(text: &str) -> Vec<TokenStream> {
    doc_lines(text).map(|l| quote!(#![doc = #l])).collect()
}

/// Each line with the leading space rustdoc expects after `///`.
fn doc_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|l| format!(" {l}").trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            sanitize("See https://example.com/a."),
            "See <https://example.com/a>."
        );
        assert_eq!(
            sanitize("[docs](https://example.com)"),
            "[docs](https://example.com)"
        );
    }

    #[test]
    fn brackets_and_angles_are_escaped_outside_code() {
        assert_eq!(
            sanitize("a [b] <c> `[d] <e>`"),
            "a \\[b\\] &lt;c&gt; `[d] <e>`"
        );
    }

    #[test]
    fn code_never_becomes_a_doctest() {
        assert_eq!(sanitize("```\ncurl x\n```"), "```text\ncurl x\n```");
        assert_eq!(sanitize("text\n    indented"), "text\nindented");
        assert_eq!(sanitize("```json\n{}"), "```text\n{}\n```");
    }
}
