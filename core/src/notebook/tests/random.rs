//! The scanner against `serde_json`, and random edits (a seeded PRNG, no crates).

use super::*;
/// `SplitMix64`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap() }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A char boundary of `s` in `range`.
    fn boundary(&mut self, s: &str, range: Range<usize>) -> usize {
        let mut p = range.start + self.below(range.len() + 1);
        while !s.is_char_boundary(p) {
            p -= 1;
        }
        p.max(range.start)
    }

    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a", "tf", ".", " ", "\n", "\n", "\"", "\\", "\t", "é", "😀", "日", "\r\n", "\u{1}", "/", "'", "x = 1\n",
            "%",
        ];
        let n = self.below(6);
        (0..n).map(|_| *self.pick(PIECES)).collect()
    }
}

fn random_notebooks() -> Vec<String> {
    let code: &[Cell] = &[
        Cell::Markdown("# Intro é"),
        Cell::Code("import tensorflow as tf\n%matplotlib inline\nx = tf.placeholder(tf.float32)\n"),
        Cell::Code("s = \"quote \\\" and \\\\ and \t tab\"\n# ünïcode 😀 日本\ny = tf.log(x)"),
        Cell::Code(""),
        Cell::Raw("raw"),
        Cell::Code("%%time\nfor i in range(3):\n    !echo {i}\n    z = i\n"),
        Cell::Code("%%bash\necho hi\n"),
        Cell::CodeOut("print(1)\n", "[{\"name\": \"stdout\", \"output_type\": \"stream\", \"text\": [\"source\\n\"]}]"),
        Cell::Code("a = 1\r\nb = 2\r\n"),
    ];
    let mut out = Vec::new();
    for (indent, nl, ascii, list) in [
        (" ", "\n", false, true),
        ("  ", "\r\n", true, true),
        ("    ", "\n", true, false),
        ("\t", "\r\n", false, false),
    ] {
        out.push(build(Style { indent, nl, ascii, list }, code));
    }
    out.push(NB3.to_owned());
    out.push(ODD.to_owned());
    out
}

/// Layouts that no writer produces but readers accept: inline lists, empty elements, elements
/// with inner newlines or none, escaped ASCII, `\/`, a `\r\n` file, a cell magic after blank lines.
pub(super) const ODD: &str = "{\"nbformat\": 4, \"nbformat_minor\": 1, \"metadata\": {}, \"cells\": [\r\n\
    {\"cell_type\": \"code\", \"source\": [\"\", \"a = 1\\nb = 2\\n\", \"\", \"c\", \" = \\u0041\\/2\\n\", \"\"]},\r\n\
    {\"cell_type\": \"code\", \"source\": [\"\\n\", \"%%capture\\n\", \"x = '\\ud83d\\ude00'\\n\"]},\r\n\
    {\"cell_type\": \"code\", \"source\": [\"d\"]}, {\"cell_type\": \"code\", \"source\": \"\"},\r\n\
    {\"cell_type\": \"code\", \"source\": [ ]}]}";

#[test]
fn property_random_edits_map_exactly() {
    let mut rng = Rng(std::env::var("NB_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5EED_2024));
    let notebooks = random_notebooks();
    let (mut mapped, mut refused) = (0, 0);
    for round in 0..3000 {
        let text = rng.pick(&notebooks).clone();
        let nb = parse(&text).unwrap();
        // One to three edits.
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for _ in 0..=rng.below(3) {
            // Mostly inside one cell's code; sometimes anywhere (cell boundaries, added newlines).
            let cell = rng.pick(nb.cells()).clone();
            let len = nb.program().len();
            let within = if rng.below(5) == 0 { 0..len } else { cell.range.clone() };
            let a = rng.boundary(nb.program(), within.clone());
            let end = if within.start == 0 && within.end == len { (a + 12).min(len) } else { within.end };
            let b = if rng.below(3) == 0 { a } else { rng.boundary(nb.program(), a..end) };
            edits.push((a..b, rng.text()));
        }
        let result = if edits.len() == 1 { nb.map_edit(edits[0].0.clone(), &edits[0].1) } else { nb.map_edits(&edits) };
        let Ok(json_edits) = result else {
            refused += 1;
            continue;
        };
        mapped += 1;
        let edited = apply(&text, &json_edits);
        // (a) still JSON, and a notebook differing from the original only in code sources.
        let _: serde_json::Value =
            serde_json::from_str(&edited).unwrap_or_else(|e| panic!("round {round}: {e}\n{edits:?}\n{edited}"));
        verify(&text, &edited).unwrap_or_else(|e| panic!("round {round}: {e}\n{edits:?}\n{edited}"));
        // (b) the program of the edited notebook is the program with the edits applied directly.
        let expected = expected_code(&nb, &edits);
        assert_eq!(serde_code(&edited), expected, "round {round}: {edits:?}\n{edited}");
        // (c) every JSON edit lies inside a code cell's source value; bytes elsewhere are the same.
        for e in &json_edits {
            assert!(nb.cells().iter().any(|c| c.json_range.start < e.range.start && e.range.end < c.json_range.end));
        }
        let (mut at, mut from) = (0, 0);
        for e in &json_edits {
            let len = e.range.start - at;
            assert_eq!(text[at..e.range.start], edited[from..from + len]);
            from += len + e.content.len();
            at = e.range.end;
        }
        assert_eq!(text[at..], edited[from..]);
    }
    assert!(mapped > 1000 && refused > 100, "mapped {mapped}, refused {refused}");
}

#[test]
fn property_scanner_agrees_with_serde_json_on_mutated_text() {
    const BYTES: &[&str] =
        &["\"", "\\", "{", "}", "[", "]", ",", ":", " ", "\n", "1", "-", ".", "e", "u", "é", "\\u", "d8", "\u{1}"];
    let mut rng = Rng(std::env::var("NB_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7));
    let notebooks = random_notebooks();
    let mut agree_ok = 0;
    for round in 0..4000 {
        let mut text = rng.pick(&notebooks).clone();
        for _ in 0..=rng.below(2) {
            let a = rng.boundary(&text, 0..text.len());
            let b = rng.boundary(&text, a..(a + 3).min(text.len()));
            let new = if rng.below(2) == 0 { "" } else { *rng.pick(BYTES) };
            text.replace_range(a..b, new);
        }
        let ours = json::parse(&text);
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        assert_eq!(ours.is_ok(), theirs.is_ok(), "round {round}: {ours:?} vs {theirs:?}\n{text}");
        agree_ok += usize::from(ours.is_ok());
        if ours.is_ok() && parse(&text).is_ok() {
            changed_cells(&text, &text).unwrap_or_else(|e| panic!("round {round}: {e}\n{text}"));
        }
    }
    assert!(agree_ok > 100);
}

#[test]
fn nesting_limit_is_the_same_as_serde_json() {
    for n in [1, 126, 127, 128, 129] {
        let t = format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(json::parse(&t).is_ok(), serde_json::from_str::<serde_json::Value>(&t).is_ok(), "{n}");
        let t = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        assert_eq!(json::parse(&t).is_ok(), serde_json::from_str::<serde_json::Value>(&t).is_ok(), "{n}");
    }
}
