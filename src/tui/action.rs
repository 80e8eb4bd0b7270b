//! Everything the user can ask the review UI to do, with the words the key bar and the help use.

/// Where an action's keys apply: the main screen, a confirmation dialog (and the search prompt's
/// Enter and Esc), or a text overlay (help, rule text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Context {
    Main,
    Dialog,
}

/// One user intent; keys map to these through the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Accept the current hunk and move to the next undecided one.
    Accept,
    /// Reject the current hunk and move to the next undecided one.
    Reject,
    /// Accept every undecided hunk left in the current file.
    AcceptFile,
    /// Reject every undecided hunk left in the current file.
    RejectFile,
    /// Accept every undecided hunk of the current hunk's rule, in every file.
    AcceptRule,
    /// Reject every undecided hunk of the current hunk's rule, in every file.
    RejectRule,
    /// Move to the next hunk (or the next file in the file list).
    NextHunk,
    /// Move to the previous hunk (or the previous file in the file list).
    PrevHunk,
    /// Move to the next file.
    NextFile,
    /// Move to the previous file.
    PrevFile,
    /// Switch the focus between the file list and the diff.
    SwitchFocus,
    /// Go to the first hunk (or file).
    First,
    /// Go to the last hunk (or file).
    Last,
    /// Scroll the diff up a page.
    PageUp,
    /// Scroll the diff down a page.
    PageDown,
    /// Show the next alternative rewrite of the current hunk.
    SwitchAlternative,
    /// Switch the diff between side by side and stacked (old above new).
    ToggleLayout,
    /// Show the full rule text of the current hunk: what, why, safety, example, packages.
    RuleInfo,
    /// Undo the last decision.
    Undo,
    /// Redo the last undone decision.
    Redo,
    /// Search file paths and hunk text.
    Search,
    /// Go to the next search match.
    NextMatch,
    /// Go to the previous search match.
    PrevMatch,
    /// Show or hide the help.
    Help,
    /// Write the accepted hunks (after a summary).
    Write,
    /// Quit (asks when accepted hunks are unwritten).
    Quit,
    /// In a dialog: do it (write, quit); in the search prompt: search.
    Confirm,
    /// In a dialog: don't; in the search prompt: stop searching.
    Cancel,
}

/// How an action is named and described (the key bar has its own labels, `keymap::KEY_BAR`).
pub(crate) struct Words {
    /// The name in `keys.toml` (snake case).
    pub name: &'static str,
    /// The line in the help overlay.
    pub describe: &'static str,
}

const fn words(name: &'static str, describe: &'static str) -> Words {
    Words { name, describe }
}

impl Action {
    /// Every action, in help order.
    pub const ALL: [Self; 28] = [
        Self::Accept,
        Self::Reject,
        Self::AcceptFile,
        Self::RejectFile,
        Self::AcceptRule,
        Self::RejectRule,
        Self::NextHunk,
        Self::PrevHunk,
        Self::NextFile,
        Self::PrevFile,
        Self::SwitchFocus,
        Self::First,
        Self::Last,
        Self::PageUp,
        Self::PageDown,
        Self::SwitchAlternative,
        Self::ToggleLayout,
        Self::RuleInfo,
        Self::Undo,
        Self::Redo,
        Self::Search,
        Self::NextMatch,
        Self::PrevMatch,
        Self::Help,
        Self::Write,
        Self::Quit,
        Self::Confirm,
        Self::Cancel,
    ];

    pub(crate) fn words(self) -> Words {
        match self {
            Self::Accept => words("accept", "accept the hunk, go to the next undecided one"),
            Self::Reject => words("reject", "reject the hunk (and accepted hunks that need it)"),
            Self::AcceptFile => words("accept_file", "accept the undecided hunks of this file"),
            Self::RejectFile => words("reject_file", "reject the undecided hunks of this file"),
            Self::AcceptRule => words("accept_rule", "accept this rule's undecided hunks in every file"),
            Self::RejectRule => words("reject_rule", "reject this rule's undecided hunks in every file"),
            Self::NextHunk => words("next_hunk", "next hunk (next file in the file list)"),
            Self::PrevHunk => words("prev_hunk", "previous hunk (previous file in the file list)"),
            Self::NextFile => words("next_file", "next file"),
            Self::PrevFile => words("prev_file", "previous file"),
            Self::SwitchFocus => words("switch_focus", "switch focus: file list / diff"),
            Self::First => words("first", "first hunk (or file)"),
            Self::Last => words("last", "last hunk (or file)"),
            Self::PageUp => words("page_up", "scroll up a page"),
            Self::PageDown => words("page_down", "scroll down a page"),
            Self::SwitchAlternative => words("switch_alternative", "switch to the next alternative rewrite"),
            Self::ToggleLayout => words("toggle_layout", "side by side / stacked (old above new)"),
            Self::RuleInfo => words("rule_info", "the rule's full text: what, why, safety, example"),
            Self::Undo => words("undo", "undo what the last key changed"),
            Self::Redo => words("redo", "redo"),
            Self::Search => words("search", "search file paths and hunk text"),
            Self::NextMatch => words("next_match", "next search match"),
            Self::PrevMatch => words("prev_match", "previous search match"),
            Self::Help => words("help", "show / hide this help"),
            Self::Write => words("write", "write the accepted hunks (asks first; final)"),
            Self::Quit => words("quit", "quit (asks if accepted hunks are unwritten)"),
            Self::Confirm => words("confirm", "in a dialog: yes; in the search prompt: search"),
            Self::Cancel => words("cancel", "in a dialog: no; in the search prompt: stop"),
        }
    }

    /// The name used in keymap files (snake case).
    pub fn name(self) -> &'static str {
        self.words().name
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Where the action's keys apply.
    pub(crate) fn context(self) -> Context {
        match self {
            Self::Confirm | Self::Cancel => Context::Dialog,
            _ => Context::Main,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
