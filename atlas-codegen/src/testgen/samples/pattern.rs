//! The spec's `pattern`s (ECMAScript regular expressions): matched by `regress`, the
//! ECMAScript engine validators such as ajv agree with, and turned into strings that match
//! by a generator of our own, which no maintained crate offers for this syntax.
//!
//! A [`Pattern`] is parsed once, then either searched in a string (JSON Schema's `pattern` is
//! an unanchored search, as `RegExp.prototype.test` does) or used to generate a string it
//! matches. Generation understands `^ $ . |`, groups `( )`,
//! `(?: )`, `(?<name> )`, lookaheads `(?= )` and `(?! )`, classes `[ ]` / `[^ ]` with ranges,
//! quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy), and the escapes
//! `\d \D \w \W \s \S \p{L} \p{N} \P{L} \P{N} \t \n \r` plus any escaped punctuation. Anything
//! else (backreferences, `\b`, lookbehind, bare `{`) is an error rather than a guess.

/// A parsed pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// What generation walks.
    root: Node,
    /// What matching runs.
    regex: regress::Regex,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Empty,
    Char(char),
    /// `.`: any character but a line terminator.
    Any,
    Class(Class),
    Start,
    End,
    LookAhead {
        negated: bool,
        node: Box<Node>,
    },
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct Class {
    negated: bool,
    items: Vec<ClassItem>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ClassItem {
    Range(char, char),
    Shorthand { kind: Shorthand, negated: bool },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shorthand {
    Digit,
    Word,
    Space,
    /// `\p{L}`
    Letter,
    /// `\p{N}`
    Number,
}

impl Shorthand {
    fn contains(self, c: char) -> bool {
        match self {
            Shorthand::Digit => c.is_ascii_digit(),
            Shorthand::Word => c.is_ascii_alphanumeric() || c == '_',
            Shorthand::Space => c.is_whitespace() || c == '\u{feff}',
            Shorthand::Letter => c.is_alphabetic(),
            Shorthand::Number => c.is_numeric(),
        }
    }

    /// Characters to generate from, most readable first.
    fn samples(self) -> &'static [char] {
        match self {
            Shorthand::Digit | Shorthand::Number => &['0', '1'],
            Shorthand::Word | Shorthand::Letter => &['a', 'b'],
            Shorthand::Space => &[' '],
        }
    }
}

impl ClassItem {
    fn contains(self, c: char) -> bool {
        match self {
            ClassItem::Range(lo, hi) => (lo..=hi).contains(&c),
            ClassItem::Shorthand { kind, negated } => kind.contains(c) != negated,
        }
    }
}

impl Class {
    fn contains(&self, c: char) -> bool {
        self.items.iter().any(|i| i.contains(c)) != self.negated
    }

    /// Up to two characters of the class, most readable first.
    fn samples(&self) -> Vec<char> {
        // Readable fallbacks for negated classes and negated shorthands.
        const PREFERRED: &[char] = &['a', 'b', '0', '1', 'A', '_', '-', '.', ':', '/', ' ', '~'];
        let mut from_items: Vec<char> = Vec::new();
        if !self.negated {
            for item in &self.items {
                match *item {
                    ClassItem::Range(lo, hi) => {
                        from_items.push(lo);
                        if let Some(next) = char::from_u32(lo as u32 + 1).filter(|n| *n <= hi) {
                            from_items.push(next);
                        }
                    }
                    ClassItem::Shorthand {
                        kind,
                        negated: false,
                    } => from_items.extend_from_slice(kind.samples()),
                    ClassItem::Shorthand { negated: true, .. } => {}
                }
            }
        }
        let mut out: Vec<char> = Vec::new();
        for c in from_items.into_iter().chain(PREFERRED.iter().copied()) {
            if out.len() == 2 {
                break;
            }
            if self.contains(c) && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}

/// Generation stops looking at more alternatives per node beyond this many candidates.
const CANDIDATES_PER_NODE: usize = 64;
/// The most extra repetitions generation tries to meet a minimum length.
const MAX_STRETCH: u32 = 256;

impl Pattern {
    /// Parses `source`; the error says which construct is not supported, and where.
    pub fn parse(source: &str) -> Result<Pattern, String> {
        let mut parser = Parser {
            chars: source.chars().collect(),
            pos: 0,
        };
        let root = parser.alternation()?;
        if parser.pos < parser.chars.len() {
            return Err(format!("unbalanced `)` at character {}", parser.pos));
        }
        // With the `u` flag, as ajv compiles patterns; a source that is not valid there (the
        // spec escapes `:` and `-`, which only Annex B allows) as a browser reads it.
        let regex = regress::Regex::with_flags(source, "u")
            .or_else(|_| regress::Regex::new(source))
            .map_err(|e| e.to_string())?;
        Ok(Pattern { root, regex })
    }

    /// Whether the pattern matches somewhere in `text` (JSON Schema `pattern` semantics).
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.find(text).is_some()
    }

    /// The first generated string that the pattern matches and `accept` takes, if any.
    /// Generation prefers the first alternative, the fewest repetitions and the first
    /// characters of each class, so the result is deterministic and short.
    pub fn generate(&self, accept: impl Fn(&str) -> bool) -> Option<String> {
        // First the fewest repetitions; then, for length bounds those miss, every repetition
        // stretched by the same growing amount.
        (0..=MAX_STRETCH).find_map(|stretch| {
            candidates(&self.root, stretch)
                .into_iter()
                .find(|s| self.is_match(s) && accept(s))
        })
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn alternation(&mut self) -> Result<Node, String> {
        let mut branches = vec![self.concat()?];
        while self.eat('|') {
            branches.push(self.concat()?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Alternation(branches)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.remove(0),
            _ => Node::Concat(items),
        })
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let at = self.pos;
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.braces()? {
                Some(bounds) => bounds,
                None => return Err(format!("unescaped `{{` at character {at}")),
            },
            _ => return Ok(atom),
        };
        if self.pos == at {
            self.pos += 1; // `*`, `+` or `?`; `braces` consumed its own text
        }
        if matches!(atom, Node::Start | Node::End | Node::Empty) {
            return Err(format!("nothing to repeat at character {at}"));
        }
        // A lazy quantifier finds a match exactly when the greedy one does.
        self.eat('?');
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return Err(format!("nothing to repeat at character {}", self.pos));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor (consumed); `None` when the brace starts none.
    fn braces(&mut self) -> Result<Option<(u32, Option<u32>)>, String> {
        let start = self.pos;
        self.pos += 1;
        let min = self.number();
        let bounds = match (min, self.peek()) {
            (Some(n), Some('}')) => Some((n, Some(n))),
            (Some(n), Some(',')) => {
                self.pos += 1;
                let max = self.number();
                if self.peek() == Some('}') {
                    Some((n, max))
                } else {
                    None
                }
            }
            _ => None,
        };
        match bounds {
            Some((min, Some(max))) if max < min => {
                Err(format!("quantifier `{{{min},{max}}}` out of order"))
            }
            Some(b) => {
                self.pos += 1; // the closing `}`
                Ok(Some(b))
            }
            None => {
                self.pos = start;
                Ok(None)
            }
        }
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.chars[start..self.pos]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn atom(&mut self) -> Result<Node, String> {
        let at = self.pos;
        let c = self.peek().ok_or("unexpected end")?;
        self.pos += 1;
        Ok(match c {
            '^' => Node::Start,
            '$' => Node::End,
            '.' => Node::Any,
            '(' => self.group(at)?,
            '[' => Node::Class(self.class()?),
            '\\' => self.escape(false)?,
            '*' | '+' | '?' => return Err(format!("nothing to repeat at character {at}")),
            '{' => return Err(format!("unescaped `{{` at character {at}")),
            other => Node::Char(other),
        })
    }

    fn group(&mut self, at: usize) -> Result<Node, String> {
        let lookahead = if self.eat('?') {
            match self.peek() {
                Some(':') => {
                    self.pos += 1;
                    None
                }
                Some('=') => {
                    self.pos += 1;
                    Some(false)
                }
                Some('!') => {
                    self.pos += 1;
                    Some(true)
                }
                Some('<') if !matches!(self.peek_at(1), Some('=' | '!')) => {
                    // A named group: its name does not matter for matching.
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == '>' {
                            break;
                        }
                        if !(c == '<' || c.is_alphanumeric() || c == '_' || c == '$') {
                            return Err(format!("bad group name at character {at}"));
                        }
                    }
                    None
                }
                _ => {
                    return Err(format!(
                        "unsupported group `(?` at character {at} (lookbehind or flags)"
                    ));
                }
            }
        } else {
            None
        };
        let inner = self.alternation()?;
        if !self.eat(')') {
            return Err(format!("unclosed `(` at character {at}"));
        }
        Ok(match lookahead {
            Some(negated) => Node::LookAhead {
                negated,
                node: Box::new(inner),
            },
            None => inner,
        })
    }

    fn class(&mut self) -> Result<Class, String> {
        let at = self.pos - 1;
        let negated = self.eat('^');
        let mut items = Vec::new();
        loop {
            let c = self
                .peek()
                .ok_or_else(|| format!("unclosed `[` at character {at}"))?;
            if c == ']' {
                self.pos += 1;
                break;
            }
            let first = self.class_atom()?;
            let is_range = self.peek() == Some('-') && !matches!(self.peek_at(1), Some(']') | None);
            match first {
                ClassItem::Range(lo, _) if is_range => {
                    self.pos += 1;
                    match self.class_atom()? {
                        ClassItem::Range(hi, _) if hi >= lo => items.push(ClassItem::Range(lo, hi)),
                        ClassItem::Range(hi, _) => {
                            return Err(format!("range `{lo}-{hi}` out of order"));
                        }
                        ClassItem::Shorthand { .. } => {
                            return Err(format!(
                                "range ending in a class escape at character {}",
                                self.pos
                            ));
                        }
                    }
                }
                other => items.push(other),
            }
        }
        Ok(Class { negated, items })
    }

    /// One member of a class: a single character (as a one-character range) or a shorthand.
    fn class_atom(&mut self) -> Result<ClassItem, String> {
        let c = self.peek().ok_or("unclosed `[`")?;
        self.pos += 1;
        if c != '\\' {
            return Ok(ClassItem::Range(c, c));
        }
        Ok(match self.escape(true)? {
            Node::Char(c) => ClassItem::Range(c, c),
            Node::Class(Class {
                negated: false,
                items,
            }) if items.len() == 1 => items[0],
            _ => {
                return Err(format!(
                    "unsupported escape in a class at character {}",
                    self.pos
                ));
            }
        })
    }

    /// After a `\`: a literal character or a shorthand class.
    fn escape(&mut self, in_class: bool) -> Result<Node, String> {
        let at = self.pos - 1;
        let c = self.peek().ok_or("pattern ends with `\\`")?;
        self.pos += 1;
        let shorthand = |kind, negated| {
            Node::Class(Class {
                negated: false,
                items: vec![ClassItem::Shorthand { kind, negated }],
            })
        };
        Ok(match c {
            'd' | 'D' => shorthand(Shorthand::Digit, c == 'D'),
            'w' | 'W' => shorthand(Shorthand::Word, c == 'W'),
            's' | 'S' => shorthand(Shorthand::Space, c == 'S'),
            'p' | 'P' => {
                let name: String = if self.eat('{') {
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c != '}') {
                        self.pos += 1;
                    }
                    let name = self.chars[start..self.pos].iter().collect();
                    if !self.eat('}') {
                        return Err(format!("unclosed `\\{c}{{` at character {at}"));
                    }
                    name
                } else {
                    String::new()
                };
                match name.as_str() {
                    "L" | "Letter" => shorthand(Shorthand::Letter, c == 'P'),
                    "N" | "Number" => shorthand(Shorthand::Number, c == 'P'),
                    _ => {
                        return Err(format!(
                            "unsupported Unicode property `\\{c}{{{name}}}` at character {at}"
                        ));
                    }
                }
            }
            't' => Node::Char('\t'),
            'n' => Node::Char('\n'),
            'r' => Node::Char('\r'),
            'f' => Node::Char('\u{c}'),
            'v' => Node::Char('\u{b}'),
            'b' if in_class => Node::Char('\u{8}'),
            c if c.is_ascii_alphanumeric() => {
                return Err(format!("unsupported escape `\\{c}` at character {at}"));
            }
            // Identity escape of punctuation: `\.`, `\/`, `\-`, `\:`, `\{`, `\\` …
            c => Node::Char(c),
        })
    }
}

/// Candidate strings for `node`, simplest first; anchors and lookaheads generate nothing and
/// are checked by matching the whole candidate afterwards. With `stretch` 0 a repetition is
/// tried `min`, `min + 1` and `min + 2` times; otherwise only `min + stretch` times (at most
/// `max`).
fn candidates(node: &Node, stretch: u32) -> Vec<String> {
    match node {
        Node::Empty | Node::Start | Node::End | Node::LookAhead { .. } => vec![String::new()],
        Node::Char(c) => vec![c.to_string()],
        Node::Any => vec!["a".to_owned(), ".".to_owned()],
        Node::Class(class) => class.samples().into_iter().map(String::from).collect(),
        Node::Concat(items) => items.iter().fold(vec![String::new()], |acc, item| {
            product(&acc, &candidates(item, stretch))
        }),
        Node::Alternation(branches) => branches
            .iter()
            .flat_map(|b| candidates(b, stretch))
            .take(CANDIDATES_PER_NODE)
            .collect(),
        Node::Repeat { node, min, max } => {
            let item = candidates(node, stretch);
            let max = max.unwrap_or(u32::MAX);
            let counts = if stretch == 0 {
                *min..=max.min(min.saturating_add(2))
            } else {
                let count = max.min(min.saturating_add(stretch));
                count..=count
            };
            let mut out = Vec::new();
            for count in counts {
                let repeated = (0..count).fold(vec![String::new()], |acc, _| product(&acc, &item));
                out.extend(repeated);
                if out.len() >= CANDIDATES_PER_NODE {
                    break;
                }
            }
            out.truncate(CANDIDATES_PER_NODE);
            out
        }
    }
}

/// Every `a + b`, the last factor varying fastest, cut at [`CANDIDATES_PER_NODE`].
fn product(left: &[String], right: &[String]) -> Vec<String> {
    left.iter()
        .flat_map(|a| right.iter().map(move |b| format!("{a}{b}")))
        .take(CANDIDATES_PER_NODE)
        .collect()
}
