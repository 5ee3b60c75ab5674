//! Spec prose → rustdoc that builds without warnings and runs no doctest, as doc attributes.

use std::borrow::Cow;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Docs;

/// Makes markdown from the spec safe for rustdoc: fenced code becomes `text`, indented lines
/// lose the indentation that would make them Rust doctests, the HTML elements the spec
/// uses become Markdown ([`html_to_markdown`]), bare URLs become autolinks, brackets that
/// are not links are escaped, and any other `<` (`<database>`) becomes `&lt;`.
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
            escape_line(&html_to_markdown(trimmed), &mut out);
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

/// The spec's inline HTML as Markdown, so that it reads as text: a link
/// `<a href="u">t</a>` becomes `[t](u)`, an abbreviation `<abbr title="Amazon Resource
/// Name">ARN</abbr>` becomes `ARN (Amazon Resource Name)`, and `<br>` a space. Other
/// angle brackets are left for [`escape_line`].
fn html_to_markdown(line: &str) -> Cow<'_, str> {
    if !line.contains('<') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if let Some((markdown, len)) = html_element(rest) {
            out.push_str(&markdown);
            rest = &rest[len..];
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The Markdown of the element `text` starts with, and its length in `text`.
fn html_element(text: &str) -> Option<(String, usize)> {
    for br in ["<br>", "<br/>", "<br />"] {
        if text.starts_with(br) {
            return Some((" ".to_owned(), br.len()));
        }
    }
    let (tag, attribute) = if text.starts_with("<a ") {
        ("a", "href")
    } else if text.starts_with("<abbr ") {
        ("abbr", "title")
    } else {
        return None;
    };
    let open_end = text.find('>')?;
    let close = format!("</{tag}>");
    let content_end = text.find(&close)?;
    let content = text.get(open_end + 1..content_end)?;
    let value = attribute_value(&text[..open_end], attribute)?;
    if content.contains('<') || value.is_empty() {
        return None;
    }
    let markdown = match tag {
        "a" => format!("[{content}]({value})"),
        _ => format!("{content} ({value})"),
    };
    Some((markdown, content_end + close.len()))
}

/// The value of `name="…"` in an element's opening tag.
fn attribute_value<'t>(open: &'t str, name: &str) -> Option<&'t str> {
    let start = open.find(&format!("{name}=\""))? + name.len() + 2;
    let len = open[start..].find('"')?;
    Some(&open[start..start + len])
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
    fn the_specs_html_reads_as_text() {
        assert_eq!(
            sanitize(r#"| `ROLE` | <abbr title="Amazon Resource Name">ARN</abbr> |"#),
            "| `ROLE` | ARN (Amazon Resource Name) |"
        );
        assert_eq!(
            sanitize(r#"See <a href="https://example.com/m" target="_blank">Host Metrics</a>."#),
            "See [Host Metrics](https://example.com/m)."
        );
        assert_eq!(sanitize("a<br>b"), "a b");
        // Not an element the spec writes: a placeholder, shown as written.
        assert_eq!(
            sanitize("mongodb://<database>/<a>"),
            "mongodb://&lt;database&gt;/&lt;a&gt;"
        );
        assert_eq!(
            sanitize("<a href=\"x\">unclosed"),
            "&lt;a href=\"x\"&gt;unclosed"
        );
    }

    #[test]
    fn code_never_becomes_a_doctest() {
        assert_eq!(sanitize("```\ncurl x\n```"), "```text\ncurl x\n```");
        assert_eq!(sanitize("text\n    indented"), "text\nindented");
        assert_eq!(sanitize("```json\n{}"), "```text\n{}\n```");
    }
}
