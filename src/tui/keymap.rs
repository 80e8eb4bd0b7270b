//! Keys → actions, and the reverse lookup that the key bar and the help overlay use, so that
//! hints never drift from the bindings.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// A key as bound: the code plus Ctrl/Alt (Shift is folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self { code, ctrl: false, alt: false }
    }

    pub const fn char(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

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

    /// Parse `y`, `Y`, `C-r`, `Tab`, `Up`, `PageDown`, `Enter`, `Esc`, `Space`.
    pub fn parse(text: &str) -> Option<Self> {
        let (ctrl, rest) =
            text.strip_prefix("C-").or_else(|| text.strip_prefix("Ctrl-")).map_or((false, text), |r| (true, r));
        let code = match rest {
            "Tab" => KeyCode::Tab,
            "BackTab" => KeyCode::BackTab,
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Space" => KeyCode::Char(' '),
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
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(c)
            }
        };
        Some(Self { code, ctrl, alt: false })
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
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("C-{base}"),
            (_, true) => format!("M-{base}"),
            _ => base,
        }
    }
}

/// The default bindings (`git add -p` and vim habits).
pub const DEFAULT_BINDINGS: &[(&str, Action)] = &[
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
    ("u", Action::Undo),
    ("C-r", Action::Redo),
    ("/", Action::Search),
    ("?", Action::Help),
    ("w", Action::Write),
    ("q", Action::Quit),
    ("C-c", Action::Quit),
];

/// The key bar shows these, in this order, as space allows.
pub const KEY_BAR: &[Action] = &[
    Action::Accept,
    Action::Reject,
    Action::NextHunk,
    Action::PrevHunk,
    Action::AcceptFile,
    Action::RejectFile,
    Action::Undo,
    Action::Write,
    Action::Quit,
    Action::Help,
    Action::SwitchAlternative,
    Action::Search,
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

impl Keymap {
    /// The defaults patched by a config text of `action = "key key …"` lines (`#` comments).
    /// A listed action loses its default keys. Returns the problems found, line by line.
    pub fn with_overrides(text: &str) -> (Self, Vec<String>) {
        let mut map = Self::default();
        let mut problems = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('[') {
                continue;
            }
            let Some((name, keys)) = line.split_once('=') else {
                problems.push(format!("line {}: expected `action = \"keys\"`", n + 1));
                continue;
            };
            let Some(action) = Action::from_name(name.trim()) else {
                problems.push(format!("line {}: unknown action {:?}", n + 1, name.trim()));
                continue;
            };
            let keys: Vec<Key> = keys
                .trim()
                .trim_matches('"')
                .split_whitespace()
                .filter_map(|k| {
                    let key = Key::parse(k);
                    if key.is_none() {
                        problems.push(format!("line {}: unknown key {k:?}", n + 1));
                    }
                    key
                })
                .collect();
            map.bindings.retain(|&(k, a)| a != action && !keys.contains(&k));
            map.bindings.extend(keys.into_iter().map(|k| (k, action)));
        }
        (map, problems)
    }

    pub fn action(&self, key: Key) -> Option<Action> {
        self.bindings.iter().find(|&&(k, _)| k == key).map(|&(_, a)| a)
    }

    /// Every key bound to `action`, in table order.
    pub fn keys(&self, action: Action) -> Vec<Key> {
        self.bindings.iter().filter(|&&(_, a)| a == action).map(|&(k, _)| k).collect()
    }

    /// The hint for `action`: its keys joined with `/` (`j/↓`).
    pub fn hint(&self, action: Action) -> Option<String> {
        let keys = self.keys(action);
        (!keys.is_empty()).then(|| keys.iter().map(|k| k.label()).collect::<Vec<_>>().join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_resolve_both_ways() {
        let m = Keymap::default();
        assert_eq!(m.action(Key::char('y')), Some(Action::Accept));
        assert_eq!(m.action(Key::char('Y')), Some(Action::AcceptRule));
        assert_eq!(m.action(Key::ctrl('r')), Some(Action::Redo));
        assert_eq!(m.hint(Action::NextHunk).as_deref(), Some("j/↓"));
        for a in Action::ALL {
            assert!(m.hint(a).is_some(), "{a:?} has no key");
        }
    }

    #[test]
    fn shifted_and_ctrl_events_normalise() {
        let ev = KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(ev), Key::char('Y'));
        let ev = KeyEvent::new(KeyCode::Char('R'), KeyModifiers::CONTROL);
        assert_eq!(Key::from_event(ev), Key::ctrl('r'));
    }

    #[test]
    fn overrides_replace_an_actions_keys() {
        let (m, problems) = Keymap::with_overrides("accept = \"s Enter\"\nbogus = \"x\"\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(m.action(Key::char('s')), Some(Action::Accept));
        assert_eq!(m.action(Key::plain(KeyCode::Enter)), Some(Action::Accept));
        assert_eq!(m.action(Key::char('y')), None);
        assert_eq!(m.hint(Action::Accept).as_deref(), Some("s/Enter"));
    }
}
