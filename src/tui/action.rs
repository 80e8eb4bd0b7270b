//! Everything the user can ask the review UI to do.

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
    /// Accept every hunk of the current hunk's rule, in every file.
    AcceptRule,
    /// Reject every hunk of the current hunk's rule, in every file.
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
    /// Undo the last decision.
    Undo,
    /// Redo the last undone decision.
    Redo,
    /// Search file paths and hunk text.
    Search,
    /// Show or hide the help.
    Help,
    /// Write the accepted hunks (after a summary).
    Write,
    /// Quit (asks when accepted hunks are unwritten).
    Quit,
}

impl Action {
    /// Every action, in help order.
    pub const ALL: [Self; 22] = [
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
        Self::Undo,
        Self::Redo,
        Self::Search,
        Self::Help,
        Self::Write,
        Self::Quit,
    ];

    /// The name used in keymap files (snake case).
    pub fn name(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::AcceptFile => "accept_file",
            Self::RejectFile => "reject_file",
            Self::AcceptRule => "accept_rule",
            Self::RejectRule => "reject_rule",
            Self::NextHunk => "next_hunk",
            Self::PrevHunk => "prev_hunk",
            Self::NextFile => "next_file",
            Self::PrevFile => "prev_file",
            Self::SwitchFocus => "switch_focus",
            Self::First => "first",
            Self::Last => "last",
            Self::PageUp => "page_up",
            Self::PageDown => "page_down",
            Self::SwitchAlternative => "switch_alternative",
            Self::Undo => "undo",
            Self::Redo => "redo",
            Self::Search => "search",
            Self::Help => "help",
            Self::Write => "write",
            Self::Quit => "quit",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// A short label for the key bar.
    pub fn short(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::AcceptFile => "accept file",
            Self::RejectFile => "reject file",
            Self::AcceptRule => "accept rule",
            Self::RejectRule => "reject rule",
            Self::NextHunk => "next",
            Self::PrevHunk => "prev",
            Self::NextFile => "next file",
            Self::PrevFile => "prev file",
            Self::SwitchFocus => "focus",
            Self::First => "first",
            Self::Last => "last",
            Self::PageUp => "page up",
            Self::PageDown => "page down",
            Self::SwitchAlternative => "alternative",
            Self::Undo => "undo",
            Self::Redo => "redo",
            Self::Search => "search",
            Self::Help => "help",
            Self::Write => "write",
            Self::Quit => "quit",
        }
    }

    /// The one-line description shown in the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Accept => "accept the hunk, go to the next undecided one",
            Self::Reject => "reject the hunk, go to the next undecided one",
            Self::AcceptFile => "accept the rest of this file",
            Self::RejectFile => "reject the rest of this file",
            Self::AcceptRule => "accept this rule's hunks in every file",
            Self::RejectRule => "reject this rule's hunks in every file",
            Self::NextHunk => "next hunk (next file in the file list)",
            Self::PrevHunk => "previous hunk (previous file in the file list)",
            Self::NextFile => "next file",
            Self::PrevFile => "previous file",
            Self::SwitchFocus => "switch focus: file list / diff",
            Self::First => "first hunk (or file)",
            Self::Last => "last hunk (or file)",
            Self::PageUp => "scroll up a page",
            Self::PageDown => "scroll down a page",
            Self::SwitchAlternative => "switch to the next alternative rewrite",
            Self::Undo => "undo the last decision",
            Self::Redo => "redo",
            Self::Search => "search file paths and hunk text",
            Self::Help => "show / hide this help",
            Self::Write => "write the accepted hunks (asks first)",
            Self::Quit => "quit (asks if accepted hunks are unwritten)",
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
    }
}
