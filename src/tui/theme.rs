//! Colours: the built-in themes (`themes/*.toml` + `themes/*.tmTheme`, embedded), the terminal's
//! colour depth, and the `Theme` of named styles the view draws with.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use anyhow::{Context, Result, bail};
use ratatui::style::{Color, Modifier, Style};
use syntect::highlighting::{Theme as SyntaxTheme, ThemeSet};
use toml::Spanned;

use crate::cli::ColorChoice;

/// The built-in UI palettes, by name.
const BUILTIN: &[(&str, &str)] =
    &[("dark", include_str!("../../themes/dark.toml")), ("light", include_str!("../../themes/light.toml"))];

/// The built-in syntax themes, by name.
const SYNTAX: &[(&str, &str)] =
    &[("dark", include_str!("../../themes/dark.tmTheme")), ("light", include_str!("../../themes/light.tmTheme"))];

/// The theme used without `--theme`.
pub const DEFAULT_THEME: &str = "dark";

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// `NO_COLOR` or `--color never`: attributes and symbols only.
    Mono,
    Ansi16,
    Ansi256,
    TrueColor,
}

impl Depth {
    /// Decide from `--color` and the environment (`NO_COLOR`, `COLORTERM`, `TERM`).
    pub fn detect(choice: ColorChoice, env: impl Fn(&str) -> Option<String>) -> Self {
        let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
        if choice == ColorChoice::Never || (no_color && choice != ColorChoice::Always) {
            return Self::Mono;
        }
        let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return Self::TrueColor;
        }
        let term = env("TERM").unwrap_or_default();
        if term == "dumb" && choice != ColorChoice::Always {
            return Self::Mono;
        }
        let sixteen = ["linux", "vt100", "vt220", "ansi", "cons25", "xterm-color"];
        if sixteen.contains(&term.as_str()) || term.ends_with("-16color") || term.ends_with("-8color") {
            return Self::Ansi16;
        }
        Self::Ansi256
    }

    /// An RGB colour as this terminal can show it (`None` without colours).
    pub fn color(self, (r, g, b): Rgb) -> Option<Color> {
        match self {
            Self::Mono => None,
            Self::TrueColor => Some(Color::Rgb(r, g, b)),
            Self::Ansi256 => Some(Color::Indexed(xterm256(r, g, b))),
            Self::Ansi16 => Some(ansi16(r, g, b)),
        }
    }
}

pub type Rgb = (u8, u8, u8);

fn dist((r1, g1, b1): Rgb, (r2, g2, b2): Rgb) -> u32 {
    let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).unsigned_abs().pow(2);
    d(r1, r2) + d(g1, g2) + d(b1, b2)
}

/// The nearest colour of the xterm 256-colour palette (the 6x6x6 cube or the grey ramp).
pub fn xterm256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest = |v: u8| (0..6).min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs()).unwrap_or(0);
    let (ri, gi, bi) = (nearest(r), nearest(g), nearest(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let avg = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let grey_i = (avg.saturating_sub(8) / 10).min(23);
    let grey_v = (8 + grey_i * 10) as u8;
    if dist((grey_v, grey_v, grey_v), (r, g, b)) < dist(cube, (r, g, b)) {
        232 + grey_i as u8
    } else {
        cube_index as u8
    }
}

/// The nearest of the 16 ANSI colours (xterm's default values).
pub fn ansi16(r: u8, g: u8, b: u8) -> Color {
    const TABLE: [(Rgb, Color); 16] = [
        ((0, 0, 0), Color::Black),
        ((205, 0, 0), Color::Red),
        ((0, 205, 0), Color::Green),
        ((205, 205, 0), Color::Yellow),
        ((0, 0, 238), Color::Blue),
        ((205, 0, 205), Color::Magenta),
        ((0, 205, 205), Color::Cyan),
        ((229, 229, 229), Color::Gray),
        ((127, 127, 127), Color::DarkGray),
        ((255, 0, 0), Color::LightRed),
        ((0, 255, 0), Color::LightGreen),
        ((255, 255, 0), Color::LightYellow),
        ((92, 92, 255), Color::LightBlue),
        ((255, 0, 255), Color::LightMagenta),
        ((0, 255, 255), Color::LightCyan),
        ((255, 255, 255), Color::White),
    ];
    TABLE.iter().min_by_key(|(rgb, _)| dist(*rgb, (r, g, b))).map_or(Color::Reset, |&(_, c)| c)
}

fn parse_rgb(text: &str) -> Option<Rgb> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

/// The `name = "value"` pairs of a theme file (read as TOML), each with its 1-based line.
fn parse_pairs(text: &str) -> Result<Vec<(String, String, usize)>> {
    let line_of = |at: usize| text.get(..at).map_or(1, |t| t.matches('\n').count() + 1);
    let table: BTreeMap<Spanned<String>, Spanned<String>> = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(s.start));
        anyhow::anyhow!("line {line}: {}", e.message().trim())
    })?;
    let mut pairs: Vec<(String, String, usize)> =
        table.into_iter().map(|(k, v)| (k.get_ref().clone(), v.into_inner(), line_of(k.span().start))).collect();
    pairs.sort_by_key(|p| p.2);
    Ok(pairs)
}

/// The colours of one UI theme, as RGB.
#[derive(Debug, Clone)]
pub struct Palette {
    pub syntax: String,
    colors: HashMap<String, Rgb>,
}

const KEYS: &[&str] = &[
    "fg",
    "bg",
    "dim",
    "border",
    "border_focus",
    "title",
    "selected_bg",
    "gutter",
    "added_bg",
    "removed_bg",
    "added_emph_bg",
    "removed_emph_bg",
    "current",
    "accepted",
    "rejected",
    "pending",
    "manual",
    "status_bg",
    "key",
    "error",
];

impl Palette {
    /// Parse a palette; `base` names a built-in theme whose values fill the gaps.
    pub fn parse(text: &str) -> Result<Self> {
        let pairs = parse_pairs(text)?;
        let mut palette = match pairs.iter().find(|p| p.0 == "base") {
            Some((_, base, line)) => Self::builtin(base).with_context(|| format!("line {line}"))?,
            None => Self { syntax: DEFAULT_THEME.to_owned(), colors: HashMap::new() },
        };
        for (k, v, line) in &pairs {
            match k.as_str() {
                "base" => {}
                "syntax" => palette.syntax.clone_from(v),
                k if KEYS.contains(&k) => {
                    let rgb =
                        parse_rgb(v).with_context(|| format!("line {line}: {k}: {v:?} is not a #rrggbb colour"))?;
                    palette.colors.insert(k.to_owned(), rgb);
                }
                k => bail!("line {line}: unknown theme key {k:?} (known: base, syntax, {})", KEYS.join(", ")),
            }
        }
        if let Some(missing) = KEYS.iter().find(|k| !palette.colors.contains_key(**k)) {
            bail!("theme lacks {missing:?} (or set base = \"dark\")");
        }
        Ok(palette)
    }

    pub fn builtin(name: &str) -> Result<Self> {
        let (_, text) = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .with_context(|| format!("no theme {name:?} (built in: dark, light)"))?;
        Self::parse(text)
    }

    /// A built-in name, or a path to a `.toml` file.
    pub fn load(spec: &str) -> Result<Self> {
        if BUILTIN.iter().any(|(n, _)| *n == spec) {
            return Self::builtin(spec);
        }
        let text = std::fs::read_to_string(spec).with_context(|| format!("theme {spec}"))?;
        Self::parse(&text).map_err(|e| anyhow::anyhow!("{spec}:{e:#}"))
    }

    fn rgb(&self, key: &str) -> Rgb {
        self.colors.get(key).copied().unwrap_or((128, 128, 128))
    }
}

/// The syntax theme of a palette (its `syntax` names a built-in `.tmTheme`).
pub fn syntax_theme(name: &str) -> Result<SyntaxTheme> {
    let (_, text) = SYNTAX.iter().find(|(n, _)| *n == name).with_context(|| format!("no syntax theme {name:?}"))?;
    ThemeSet::load_from_reader(&mut Cursor::new(text.as_bytes()))
        .map_err(|e| anyhow::anyhow!("syntax theme {name}: {e}"))
}

/// Every style the view uses, resolved for the terminal's colour depth.
#[derive(Debug, Clone)]
pub struct Theme {
    pub depth: Depth,
    pub base: Style,
    pub dim: Style,
    pub border: Style,
    pub border_focus: Style,
    pub title: Style,
    pub selected: Style,
    pub gutter: Style,
    pub added: Style,
    pub removed: Style,
    pub added_emph: Style,
    pub removed_emph: Style,
    pub current: Style,
    pub accepted: Style,
    pub rejected: Style,
    pub pending: Style,
    pub manual: Style,
    pub status: Style,
    pub key: Style,
    pub error: Style,
}

impl Theme {
    pub fn new(palette: &Palette, depth: Depth) -> Self {
        let c = |k: &str| depth.color(palette.rgb(k));
        let fg = |k: &str| c(k).map_or_else(Style::new, |col| Style::new().fg(col));
        let bg = |k: &str| c(k).map_or_else(Style::new, |col| Style::new().bg(col));
        let mono = depth == Depth::Mono;
        // Without colours, the attribute carries the meaning.
        let only_mono = |m: Modifier| if mono { m } else { Modifier::empty() };
        let base = fg("fg").patch(bg("bg"));
        Self {
            depth,
            base,
            dim: fg("dim"),
            border: fg("border"),
            border_focus: fg("border_focus").add_modifier(Modifier::BOLD),
            title: fg("title").add_modifier(Modifier::BOLD),
            selected: bg("selected_bg").add_modifier(Modifier::BOLD | only_mono(Modifier::REVERSED)),
            gutter: fg("gutter"),
            added: bg("added_bg"),
            removed: bg("removed_bg"),
            added_emph: bg("added_emph_bg").add_modifier(Modifier::BOLD | only_mono(Modifier::UNDERLINED)),
            removed_emph: bg("removed_emph_bg").add_modifier(only_mono(Modifier::UNDERLINED | Modifier::CROSSED_OUT)),
            current: fg("current").add_modifier(Modifier::BOLD),
            accepted: fg("accepted").add_modifier(Modifier::BOLD),
            rejected: fg("rejected"),
            pending: fg("pending"),
            manual: fg("manual").add_modifier(Modifier::ITALIC),
            status: bg("status_bg").patch(fg("fg")).add_modifier(only_mono(Modifier::REVERSED)),
            key: fg("key").add_modifier(Modifier::BOLD),
            error: fg("error").add_modifier(Modifier::BOLD),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_load() {
        for (name, _) in BUILTIN {
            let p = Palette::builtin(name).unwrap();
            syntax_theme(&p.syntax).unwrap();
        }
        let custom = Palette::parse("base = \"light\"\nkey = \"#000000\"\n").unwrap();
        assert_eq!(custom.rgb("key"), (0, 0, 0));
        assert!(Palette::parse("fg = \"#000000\"\n").is_err(), "incomplete");
        // Errors name the line; `#` inside a string is a colour, not a comment.
        let bad = Palette::parse("base = \"dark\"\n\nkey = \"#00000\"\n").unwrap_err();
        assert!(format!("{bad:#}").starts_with("line 3: key"), "{bad:#}");
        let unknown = Palette::parse("base = \"dark\"\nkye = \"#000000\"\n").unwrap_err();
        assert!(format!("{unknown:#}").starts_with("line 2: unknown theme key \"kye\""), "{unknown:#}");
        let syntax = Palette::parse("base = \"dark\"\nkey = #000000\n").unwrap_err();
        assert!(format!("{syntax:#}").starts_with("line 2:"), "{syntax:#}");
    }

    #[test]
    fn depth_follows_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
        };
        let auto = ColorChoice::Auto;
        assert_eq!(Depth::detect(auto, env(&[("NO_COLOR", "1")])), Depth::Mono);
        assert_eq!(Depth::detect(auto, env(&[("NO_COLOR", ""), ("COLORTERM", "truecolor")])), Depth::TrueColor);
        assert_eq!(Depth::detect(auto, env(&[("TERM", "xterm-256color")])), Depth::Ansi256);
        assert_eq!(Depth::detect(auto, env(&[("TERM", "linux")])), Depth::Ansi16);
        assert_eq!(Depth::detect(ColorChoice::Never, env(&[("COLORTERM", "24bit")])), Depth::Mono);
    }

    #[test]
    fn palette_conversions() {
        assert_eq!(xterm256(0, 0, 0), 16);
        assert_eq!(xterm256(255, 255, 255), 231);
        assert_eq!(xterm256(128, 128, 128), 244);
        assert_eq!(xterm256(255, 0, 0), 196);
        assert_eq!(ansi16(250, 10, 10), Color::LightRed);
        assert_eq!(ansi16(10, 10, 10), Color::Black);
    }
}
