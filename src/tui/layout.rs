//! Where each part of the screen goes, from 20x5 up: pure geometry, used by the state machine
//! (how far to scroll) and by the drawing alike. Depends on nothing else of the UI.

use ratatui::layout::{Constraint, Layout, Rect};

/// From this width the file list stays beside the diff.
pub(crate) const WIDE: u16 = 100;
/// From this diff width the old and new text can sit side by side.
pub(crate) const MIN_SIDE_BY_SIDE: u16 = 40;
/// From this height there is a title row.
const TALL: u16 = 8;

/// How the old and new text of the diff are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Arrange {
    /// Old on the left, new on the right.
    SideBySide,
    /// Full width, old lines above new lines (a unified diff).
    Stacked,
}

impl Arrange {
    pub(crate) fn other(self) -> Self {
        match self {
            Self::SideBySide => Self::Stacked,
            Self::Stacked => Self::SideBySide,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::SideBySide => "side by side",
            Self::Stacked => "stacked",
        }
    }
}

/// Where each part of the screen goes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Areas {
    pub title: Option<Rect>,
    pub list: Option<Rect>,
    pub diff: Option<Rect>,
    pub info: Rect,
    pub keys: Rect,
}

/// The most rows the status panel may take: a third of the screen (at least one row).
pub(crate) fn max_info_height(height: u16) -> u16 {
    (height / 3).max(1)
}

/// Split the screen: title, file list and/or diff, a status panel of `info_height` rows (capped
/// by `max_info_height`), and the key bar. Below `WIDE` columns only one of the file list
/// (`list_focused`) and the diff shows.
pub(crate) fn areas(area: Rect, list_focused: bool, info_height: u16) -> Areas {
    let title_h = u16::from(area.height >= TALL);
    let info_h = info_height.clamp(1, max_info_height(area.height));
    let [title, body, info, keys] = Layout::vertical([
        Constraint::Length(title_h),
        Constraint::Fill(1),
        Constraint::Length(info_h),
        Constraint::Length(1),
    ])
    .areas(area);
    let (list, diff) = if area.width >= WIDE {
        let w = (area.width / 4).clamp(24, 40);
        let [l, d] = Layout::horizontal([Constraint::Length(w), Constraint::Fill(1)]).areas(body);
        (Some(l), Some(d))
    } else if list_focused {
        (Some(body), None)
    } else {
        (None, Some(body))
    };
    Areas { title: (title_h > 0).then_some(title), list, diff, info, keys }
}

/// The diff area below its header row.
pub(crate) fn diff_body(diff: Rect) -> Rect {
    Rect { y: diff.y + 1.min(diff.height), height: diff.height.saturating_sub(1), ..diff }
}

/// The old and new panes of a side-by-side diff body, with one column between them.
pub(crate) fn side_panes(body: Rect) -> (Rect, Rect) {
    let left = body.width.saturating_sub(1) / 2;
    let [l, _, r] =
        Layout::horizontal([Constraint::Length(left), Constraint::Length(1), Constraint::Fill(1)]).areas(body);
    (l, r)
}

/// Columns before the text of a diff line: the current-hunk bar, the line number, the sign and
/// a space.
pub(crate) fn gutter(number_width: usize) -> usize {
    number_width + 3
}

/// The text columns of the old and new side for a diff of `width` columns.
pub(crate) fn text_widths(width: u16, arrange: Arrange, number_width: usize) -> (usize, usize) {
    let g = gutter(number_width);
    match arrange {
        Arrange::Stacked => {
            let w = usize::from(width).saturating_sub(g).max(1);
            (w, w)
        }
        Arrange::SideBySide => {
            let (l, r) = side_panes(Rect::new(0, 0, width, 1));
            (usize::from(l.width).saturating_sub(g).max(1), usize::from(r.width).saturating_sub(g).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_panel_grows_but_leaves_room() {
        let a = areas(Rect::new(0, 0, 80, 24), false, 3);
        assert_eq!(a.info.height, 3);
        assert_eq!(a.diff.map(|d| d.height), Some(19));
        let capped = areas(Rect::new(0, 0, 80, 24), false, 50);
        assert_eq!(capped.info.height, 8);
        let tiny = areas(Rect::new(0, 0, 20, 5), false, 3);
        assert_eq!((tiny.title, tiny.info.height), (None, 1));
    }

    #[test]
    fn text_widths_leave_the_gutter() {
        assert_eq!(text_widths(80, Arrange::Stacked, 2), (75, 75));
        assert_eq!(text_widths(80, Arrange::SideBySide, 2), (34, 35));
    }
}
