//! Keys → actions, and the reverse lookup that the key bar, the dialogs and the help use, so that
//! hints never drift from the bindings. `keys.toml` patches the defaults (read with `toml` +
//! `serde`; every problem names its line).

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use super::action::{Action, Context};

/// A key as bound: the code plus Ctrl/Alt (Shift is folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    #[cfg(test)]
    pub const fn plain(code: KeyCode) -> Self {
        Self { code, ctrl: false, alt: false }
    }

    #[cfg(test)]
    pub const fn char(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    #[cfg(test)]
    pub const fn ctrl(c: char) -> Self {
        Self { code: KeyCode::Char(c), ctrl: true, alt: false }
    }

    /// Normalise a terminal key event (legacy encoding: Shift is in the character).
    pub fn from_event(ev: KeyEvent) -> Self {
        let code = match ev.code {
            KeyCode::Char(c) if ev.modifiers.contains(KeyModifiers::CONTROL) => KeyCode::Char(c.to_ascii_lowercase()),
            c => c,
        };
        Self { code, ctrl: ev.modifiers.contains(KeyModifiers::CONTROL), alt: ev.modifiers.contains(KeyModifiers::ALT) }
    }

    /// Parse `y`, `Y`, `#`, `C-r`, `M-x`, `Tab`, `Up`, `PageDown`, `Enter`, `Esc`, `Space`, `F3`.
    pub fn parse(text: &str) -> Option<Self> {
        let (ctrl, rest) =
            text.strip_prefix("C-").or_else(|| text.strip_prefix("Ctrl-")).map_or((false, text), |r| (true, r));
        let (alt, rest) =
            rest.strip_prefix("M-").or_else(|| rest.strip_prefix("Alt-")).map_or((false, rest), |r| (true, r));
        let code = match rest {
            "Tab" => KeyCode::Tab,
            "BackTab" | "S-Tab" => KeyCode::BackTab,
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Space" => KeyCode::Char(' '),
            "Backspace" => KeyCode::Backspace,
            "Delete" => KeyCode::Delete,
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            s => {
                let mut chars = s.chars();
                let c = chars.next()?;
                match chars.as_str() {
                    "" if !c.is_control() => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
                    n if c == 'F' => KeyCode::F(n.parse().ok().filter(|n| (1..=24).contains(n))?),
                    _ => return None,
                }
            }
        };
        Some(Self { code, ctrl, alt })
    }

    /// How the key is written in hints.
    pub fn label(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "S-Tab".to_owned(),
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Backspace => "Backspace".to_owned(),
            KeyCode::Delete => "Delete".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("C-{base}"),
            (_, true) => format!("M-{base}"),
            _ => base,
        }
    }

    /// Whether typing this key in the search prompt enters text.
    pub fn is_text(self) -> bool {
        matches!(self.code, KeyCode::Char(c) if !c.is_control()) && !self.ctrl && !self.alt
    }
}

/// The default bindings (`git add -p` and vim habits).
const DEFAULT_BINDINGS: &[(&str, Action)] = &[
    ("y", Action::Accept),
    ("n", Action::Reject),
    ("a", Action::AcceptFile),
    ("d", Action::RejectFile),
    ("Y", Action::AcceptRule),
    ("N", Action::RejectRule),
    ("j", Action::NextHunk),
    ("Down", Action::NextHunk),
    ("k", Action::PrevHunk),
    ("Up", Action::PrevHunk),
    ("J", Action::NextFile),
    ("K", Action::PrevFile),
    ("Tab", Action::SwitchFocus),
    ("g", Action::First),
    ("Home", Action::First),
    ("G", Action::Last),
    ("End", Action::Last),
    ("PageUp", Action::PageUp),
    ("PageDown", Action::PageDown),
    ("t", Action::SwitchAlternative),
    ("v", Action::ToggleLayout),
    ("i", Action::RuleInfo),
    ("u", Action::Undo),
    ("C-r", Action::Redo),
    ("/", Action::Search),
    ("C-n", Action::NextMatch),
    ("C-p", Action::PrevMatch),
    ("?", Action::Help),
    ("w", Action::Write),
    ("q", Action::Quit),
    ("C-c", Action::Quit),
    ("y", Action::Confirm),
    ("Enter", Action::Confirm),
    ("n", Action::Cancel),
    ("Esc", Action::Cancel),
];

/// One entry of the key bar: actions shown together (`j/k move`), the label when there is room
/// and when not, and how late it is dropped when even the short form does not fit (0: last).
pub(crate) struct Hint {
    pub actions: &'static [Action],
    pub label: &'static str,
    pub short: &'static str,
    pub drop_rank: u8,
}

const fn hint(actions: &'static [Action], label: &'static str, short: &'static str, drop_rank: u8) -> Hint {
    Hint { actions, label, short, drop_rank }
}

/// The key bar of the main screen, in order. The essential keys (rank 0) stay at any width
/// from 80 columns; the others shorten, then go, highest rank first.
pub(crate) const KEY_BAR: &[Hint] = &[
    hint(&[Action::Accept], "accept", "accept", 0),
    hint(&[Action::Reject], "reject", "reject", 0),
    hint(&[Action::NextHunk, Action::PrevHunk], "next/prev", "move", 0),
    hint(&[Action::AcceptFile, Action::RejectFile], "accept/reject file", "file", 3),
    hint(&[Action::AcceptRule, Action::RejectRule], "accept/reject rule", "rule", 4),
    hint(&[Action::ToggleLayout], "layout", "view", 0),
    hint(&[Action::RuleInfo], "rule text", "info", 1),
    hint(&[Action::Undo], "undo", "undo", 2),
    hint(&[Action::Search], "search", "find", 0),
    hint(&[Action::Write], "write", "write", 0),
    hint(&[Action::Quit], "quit", "quit", 0),
    hint(&[Action::Help], "help", "help", 0),
];

/// The binding table, in order (the first key of an action is its hint).
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self { bindings: DEFAULT_BINDINGS.iter().filter_map(|&(k, a)| Some((Key::parse(k)?, a))).collect() }
    }
}

/// A value in `keys.toml`: `"y Enter"` or `["y", "Enter"]`, or a `[keys]` table of them.
enum Entry {
    Keys(String),
    List(Vec<String>),
    Table(BTreeMap<Spanned<String>, Spanned<Entry>>),
}

/// By hand rather than `untagged`, which would buffer the value and lose the spans (lines).
impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Entry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("keys as a string (\"y Enter\") or a list ([\"y\", \"Enter\"])")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Entry, E> {
                Ok(Entry::Keys(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Entry, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = seq.next_element::<String>()? {
                    keys.push(k);
                }
                Ok(Entry::List(keys))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
                let mut table = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<Spanned<String>, Spanned<Entry>>()? {
                    table.insert(k, v);
                }
                Ok(Entry::Table(table))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A problem in a keymap file: the 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub line: usize,
    pub message: String,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |t| t.matches('\n').count() + 1)
}

impl Keymap {
    /// The defaults patched by a `keys.toml` text of `action = "key key …"` (or a list) lines,
    /// optionally under `[keys]`. A listed action loses its default keys, and a key it takes
    /// leaves any other action of the same context.
    pub(crate) fn from_toml(text: &str) -> Result<Self, Vec<Problem>> {
        let table: BTreeMap<Spanned<String>, Spanned<Entry>> = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            vec![Problem { line, message: e.message().trim().to_owned() }]
        })?;
        let mut pairs = Vec::new();
        flatten(table, &mut pairs);
        pairs.sort_by_key(|&(_, _, at)| at);
        let mut map = Self::default();
        let mut problems = Vec::new();
        let mut taken: Vec<(Key, Action, usize)> = Vec::new();
        for (name, keys, at) in pairs {
            let line = line_of(text, at);
            let Some(action) = Action::from_name(&name) else {
                problems.push(Problem { line, message: format!("unknown action {name:?} (see the help, `?`)") });
                continue;
            };
            let mut parsed = Vec::new();
            for k in keys {
                match Key::parse(&k) {
                    Some(key) => parsed.push(key),
                    None => problems.push(Problem {
                        line,
                        message: format!("unknown key {k:?} (a character, C-x, M-x, Enter, Esc, Tab, Up, F3…)"),
                    }),
                }
            }
            for &key in &parsed {
                if let Some((_, other, _)) =
                    taken.iter().find(|(k, a, _)| *k == key && *a != action && a.context() == action.context())
                {
                    problems.push(Problem {
                        line,
                        message: format!("{} is already bound to {} in this file", key.label(), other.name()),
                    });
                }
                taken.push((key, action, line));
            }
            map.bindings.retain(|&(k, a)| a != action && !(parsed.contains(&k) && a.context() == action.context()));
            map.bindings.extend(parsed.into_iter().map(|k| (k, action)));
        }
        if problems.is_empty() { Ok(map) } else { Err(problems) }
    }

    /// The action of `key` in `context`.
    pub(crate) fn action(&self, key: Key, context: Context) -> Option<Action> {
        self.bindings.iter().find(|&&(k, a)| k == key && a.context() == context).map(|&(_, a)| a)
    }

    /// Every key bound to `action`, in table order.
    pub(crate) fn keys(&self, action: Action) -> Vec<Key> {
        self.bindings.iter().filter(|&&(_, a)| a == action).map(|&(k, _)| k).collect()
    }

    /// The hint for `action`: its keys joined with `/` (`j/↓`).
    pub(crate) fn hint(&self, action: Action) -> Option<String> {
        let keys = self.keys(action);
        (!keys.is_empty()).then(|| keys.iter().map(|k| k.label()).collect::<Vec<_>>().join("/"))
    }

    /// The first key of `action` (the short hint), or `?` when it has none.
    pub(crate) fn first(&self, action: Action) -> String {
        self.keys(action).first().map_or_else(|| "(unbound)".to_owned(), |k| k.label())
    }

    /// The hint for `action` limited to keys that do not type text (for the search prompt).
    pub(crate) fn non_text_hint(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).into_iter().filter(|k| !k.is_text()).map(Key::label).collect();
        if keys.is_empty() { "(unbound)".to_owned() } else { keys.join("/") }
    }
}

/// `(action name, keys, offset)` for every entry, descending into `[keys]`-style tables.
fn flatten(table: BTreeMap<Spanned<String>, Spanned<Entry>>, out: &mut Vec<(String, Vec<String>, usize)>) {
    for (name, entry) in table {
        let at = name.span().start;
        match entry.into_inner() {
            Entry::Keys(keys) => {
                out.push((name.into_inner(), keys.split_whitespace().map(str::to_owned).collect(), at));
            }
            Entry::List(keys) => out.push((name.into_inner(), keys, at)),
            Entry::Table(inner) => flatten(inner, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_resolve_both_ways() {
        let m = Keymap::default();
        assert_eq!(m.action(Key::char('y'), Context::Main), Some(Action::Accept));
        assert_eq!(m.action(Key::char('y'), Context::Dialog), Some(Action::Confirm));
        assert_eq!(m.action(Key::char('Y'), Context::Main), Some(Action::AcceptRule));
        assert_eq!(m.action(Key::ctrl('r'), Context::Main), Some(Action::Redo));
        assert_eq!(m.action(Key::ctrl('n'), Context::Main), Some(Action::NextMatch));
        assert_eq!(m.hint(Action::NextHunk).as_deref(), Some("j/↓"));
        assert_eq!(m.non_text_hint(Action::Confirm), "Enter");
        for a in Action::ALL {
            assert!(m.hint(a).is_some(), "{a:?} has no key");
        }
        // No key means two things in one context.
        for (i, &(k, a)) in m.bindings.iter().enumerate() {
            for &(k2, a2) in &m.bindings[i + 1..] {
                assert!(!(k == k2 && a.context() == a2.context()), "{k:?} is {a:?} and {a2:?}");
            }
        }
    }

    #[test]
    fn shifted_and_ctrl_events_normalise() {
        let ev = KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(ev), Key::char('Y'));
        let ev = KeyEvent::new(KeyCode::Char('R'), KeyModifiers::CONTROL);
        assert_eq!(Key::from_event(ev), Key::ctrl('r'));
        assert_eq!(Key::parse("F3").map(|k| k.code), Some(KeyCode::F(3)));
        assert_eq!(Key::parse("M-x").map(|k| (k.alt, k.label())), Some((true, "M-x".to_owned())));
        assert_eq!(Key::parse("Fx"), None);
    }

    #[test]
    fn overrides_replace_an_actions_keys() {
        let m = Keymap::from_toml("accept = \"s Enter\"\nsearch = \"#\"\nconfirm = [\"o\"]\n").unwrap();
        assert_eq!(m.action(Key::char('s'), Context::Main), Some(Action::Accept));
        assert_eq!(m.action(Key::plain(KeyCode::Enter), Context::Main), Some(Action::Accept));
        assert_eq!(m.action(Key::char('y'), Context::Main), None);
        assert_eq!(m.hint(Action::Accept).as_deref(), Some("s/Enter"));
        // `#` is a key, not a comment.
        assert_eq!(m.action(Key::char('#'), Context::Main), Some(Action::Search));
        assert_eq!(m.action(Key::char('/'), Context::Main), None);
        // Enter stays Confirm in dialogs: contexts are separate.
        assert_eq!(m.action(Key::plain(KeyCode::Enter), Context::Dialog), None);
        assert_eq!(m.action(Key::char('o'), Context::Dialog), Some(Action::Confirm));
        let sectioned = Keymap::from_toml("[keys]\nreject = \"x\"\n").unwrap();
        assert_eq!(sectioned.action(Key::char('x'), Context::Main), Some(Action::Reject));
    }

    #[test]
    fn problems_name_their_line() {
        let text = "# my keys\naccept = \"s\"\n\nserch = \"#\"\nundo = \"C-\"\nquit = \"s\"\n";
        let problems = Keymap::from_toml(text).unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 5, 6], "{problems:?}");
        assert!(problems[0].message.contains("unknown action \"serch\""));
        assert!(problems[2].message.contains("already bound to accept"));
        let syntax = Keymap::from_toml("accept = \"s\"\nreject = \n").unwrap_err();
        assert_eq!(syntax[0].line, 2, "{syntax:?}");
    }
}
