//! A small JSON scanner that keeps byte positions, and the string escaping helpers that go with it.
//!
//! `serde_json` gives values but forgets where they were; the notebook mapping needs the byte range
//! of every string and the raw (still escaped) text inside it. The scanner follows RFC 8259 as
//! strictly as `serde_json` does (no comments, no trailing commas, no `NaN`, no lone surrogates,
//! nesting at most [`MAX_DEPTH`] deep), so a text it accepts is one `serde_json` accepts too.
//! Only object keys are decoded while scanning; string values keep their raw range and are decoded
//! on demand, so base64 images in outputs cost one pass and no allocation.

use std::fmt::Write as _;
use std::ops::Range;

/// Arrays and objects nested this deep are refused (`serde_json` accepts 127 levels too).
pub const MAX_DEPTH: usize = 128;

/// One JSON value and the byte range it spans in the text.
#[derive(Debug)]
pub struct Node {
    pub span: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    Null,
    Bool,
    Number,
    /// A string; its raw text is `span.start + 1..span.end - 1`.
    Str,
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object.
#[derive(Debug)]
pub struct Member {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Node,
}

impl Node {
    /// The raw text between the quotes, if this is a string.
    pub fn raw_str(&self) -> Option<Range<usize>> {
        matches!(self.kind, Kind::Str).then(|| self.span.start + 1..self.span.end - 1)
    }
}

/// A scanned document with the facts about its escaping style.
#[derive(Debug)]
pub struct Doc {
    pub root: Node,
    /// Some string holds a non-ASCII character as raw UTF-8.
    pub raw_non_ascii: bool,
    /// Some string holds a non-ASCII character as a `\uXXXX` escape.
    pub escaped_non_ascii: bool,
}

/// Why the text is not JSON, and the byte offset where that was noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub offset: usize,
    pub reason: String,
}

/// Scans `text` as one JSON value.
pub fn parse(text: &str) -> Result<Doc, Error> {
    let mut p = Parser { b: text.as_bytes(), pos: 0, raw_non_ascii: false, escaped_non_ascii: false };
    if text.starts_with('\u{feff}') {
        return Err(p.error("byte order mark before the JSON value"));
    }
    p.skip_ws();
    let root = p.value(0)?;
    p.skip_ws();
    if p.pos < p.b.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(Doc { root, raw_non_ascii: p.raw_non_ascii, escaped_non_ascii: p.escaped_non_ascii })
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
    raw_non_ascii: bool,
    escaped_non_ascii: bool,
}

impl Parser<'_> {
    fn error(&self, reason: impl Into<String>) -> Error {
        Error { offset: self.pos, reason: reason.into() }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    fn value(&mut self, depth: usize) -> Result<Node, Error> {
        let start = self.pos;
        let rest = &self.b[self.pos..];
        let kind = match self.peek() {
            None => return Err(self.error("unexpected end of the text, expected a value")),
            Some(b'{' | b'[') => self.container(depth + 1)?,
            Some(b'"') => {
                self.string()?;
                Kind::Str
            }
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => match [&b"true"[..], b"false", b"null"].into_iter().find(|w| rest.starts_with(w)) {
                Some(word) => {
                    self.pos += word.len();
                    if word == b"null" { Kind::Null } else { Kind::Bool }
                }
                None => return Err(self.error("expected a value")),
            },
        };
        Ok(Node { span: start..self.pos, kind })
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Kind, Error> {
        self.eat(b'-');
        if !self.eat(b'0') && self.digits() == 0 {
            return Err(self.error("invalid number"));
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.error("invalid number: no digit after `.`"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _sign = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return Err(self.error("invalid number: no digit in the exponent"));
            }
        }
        Ok(Kind::Number)
    }

    /// An array or an object, from its opening bracket.
    fn container(&mut self, depth: usize) -> Result<Kind, Error> {
        if depth >= MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        let object = self.eat(b'{');
        let (close, what) = if object {
            (b'}', "`,` or `}` after an object member")
        } else {
            (b']', "`,` or `]` after an array element")
        };
        self.pos += usize::from(!object);
        let (mut items, mut members) = (Vec::new(), Vec::new());
        self.skip_ws();
        if !self.eat(close) {
            loop {
                self.skip_ws();
                if object {
                    members.push(self.member(depth)?);
                } else {
                    items.push(self.value(depth)?);
                }
                self.skip_ws();
                if self.eat(close) {
                    break;
                }
                if !self.eat(b',') {
                    return Err(self.error(format!("expected {what}")));
                }
            }
        }
        Ok(if object { Kind::Object(members) } else { Kind::Array(items) })
    }

    fn member(&mut self, depth: usize) -> Result<Member, Error> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string key"));
        }
        let start = self.pos;
        let escaped = self.string()?;
        let key_span = start..self.pos;
        let raw = std::str::from_utf8(&self.b[start + 1..self.pos - 1]).map_err(|_| self.error("invalid UTF-8"))?;
        let key = if escaped { decode(raw) } else { raw.to_owned() };
        self.skip_ws();
        if !self.eat(b':') {
            return Err(self.error("expected `:` after an object key"));
        }
        self.skip_ws();
        Ok(Member { key, key_span, value: self.value(depth)? })
    }

    /// Scans a string starting at its opening quote; returns whether it holds escapes.
    fn string(&mut self) -> Result<bool, Error> {
        self.pos += 1;
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(escaped);
                }
                Some(b'\\') => {
                    escaped = true;
                    self.escape()?;
                }
                Some(c) if c < 0x20 => return Err(self.error("control character in a string (must be escaped)")),
                Some(c) => {
                    self.raw_non_ascii |= c >= 0x80;
                    self.pos += 1;
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.b.get(at..at + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(text, 16).ok()
    }

    fn escape(&mut self) -> Result<(), Error> {
        match self.b.get(self.pos + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 2;
                Ok(())
            }
            Some(b'u') => {
                let unit = self.hex4(self.pos + 2).ok_or_else(|| self.error("invalid \\u escape"))?;
                match unit {
                    0xD800..=0xDBFF => {
                        let low = (self.b.get(self.pos + 6..self.pos + 8) == Some(b"\\u"))
                            .then(|| self.hex4(self.pos + 8))
                            .flatten();
                        if !matches!(low, Some(0xDC00..=0xDFFF)) {
                            return Err(self.error("lone leading surrogate in a \\u escape"));
                        }
                        self.escaped_non_ascii = true;
                        self.pos += 12;
                    }
                    0xDC00..=0xDFFF => return Err(self.error("lone trailing surrogate in a \\u escape")),
                    _ => {
                        self.escaped_non_ascii |= unit >= 0x80;
                        self.pos += 6;
                    }
                }
                Ok(())
            }
            _ => Err(self.error("invalid escape in a string")),
        }
    }
}

/// One step of decoding raw string text at the start of `raw`: (raw bytes used, the character).
/// `raw` must come from a string the scanner accepted.
fn step(raw: &str) -> Option<(usize, char)> {
    let mut chars = raw.chars();
    let c = chars.next()?;
    if c != '\\' {
        return Some((c.len_utf8(), c));
    }
    let simple = |c| Some((2, c));
    match chars.next()? {
        'b' => simple('\u{8}'),
        'f' => simple('\u{c}'),
        'n' => simple('\n'),
        'r' => simple('\r'),
        't' => simple('\t'),
        'u' => {
            let unit = u32::from_str_radix(raw.get(2..6)?, 16).ok()?;
            if (0xD800..0xDC00).contains(&unit) {
                let low = u32::from_str_radix(raw.get(8..12)?, 16).ok()?;
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                Some((12, char::from_u32(code)?))
            } else {
                Some((6, char::from_u32(unit)?))
            }
        }
        other => simple(other),
    }
}

/// Decodes the raw text of a string the scanner accepted.
pub fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((used, c)) = step(rest) {
        out.push(c);
        rest = &rest[used..];
    }
    out
}

/// The raw byte offset in `raw` at which decoded byte offset `decoded` starts; `None` when that
/// is inside a character or past the end.
pub fn raw_offset(raw: &str, decoded: usize) -> Option<usize> {
    let (mut r, mut d) = (0, 0);
    while d < decoded {
        let (used, c) = step(&raw[r..])?;
        r += used;
        d += c.len_utf8();
    }
    (d == decoded).then_some(r)
}

/// Appends `s` to `out` as the inside of a JSON string. With `ascii`, every non-ASCII character
/// (and DEL) is written as `\uXXXX`, astral ones as a surrogate pair, the way Python's
/// `json.dumps` does by default; otherwise they are written as they are.
pub fn escape_into(out: &mut String, s: &str, ascii: bool) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' || (ascii && c >= '\u{7f}') => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
}

/// 1-based line and 1-based character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}
