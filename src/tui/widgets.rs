//! The parts of the screen: title, file list, diff panes, status line, key bar, overlays.

use std::fmt::Write as _;
use tf2_migrate_core::report::plural;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::action::Action;
use super::app::{App, Focus, Mode, alternative, hunk_mark, overlay_width};
use super::highlight::SideHighlight;
use super::keymap::{KEY_BAR, Key};
use super::layout::{self, Arrange};
use super::rows::{self, Seg, Side, VRow};
use super::theme::Depth;
use super::wrap;
use tf2_migrate_core::plan::{Decision, FilePlan};

/// The state symbol of a file in the list.
fn file_mark(app: &App, f: usize) -> &'static str {
    if let Some((false, _)) = &app.outcome[f] {
        return "[!]";
    }
    let plan = &app.plans[f];
    let (p, a, r) = plan.counts();
    match (p, a, r) {
        (0, 0, 0) if app.outcome[f].is_some() => "[w]",
        (0, 0, 0) => "[⚠]",
        (p, a, r) if p > 0 && a + r > 0 => "[~]",
        (p, _, _) if p > 0 => "[ ]",
        (_, a, _) if a > 0 => "[✓]",
        _ => "[✗]",
    }
}

/// Keep the end of `text` within `width` columns (paths: the file name matters most).
fn tail(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let skip = n - (width - 1);
    format!("…{}", text.chars().skip(skip).collect::<String>())
}

fn counts_label(plan: &FilePlan) -> String {
    let (p, a, r) = plan.counts();
    format!("{p} {a}✓ {r}✗ {}⚠", plan.manual().count())
}

/// "scanning 412/1000 files…", while the background analysis runs.
fn scan_progress((done, total): (usize, usize)) -> String {
    format!("scanning {done}/{total} files…")
}

pub(crate) fn title(app: &App, area: Rect, buf: &mut Buffer) {
    let (p, a, r, m) = app.totals();
    let total = p + a + r;
    let decided = a + r;
    let scanning = app.scanning.map(|p| format!("{} · ", scan_progress(p))).unwrap_or_default();
    let files = plural(app.plans.len(), "file");
    // The longest form that fits: at 80 columns the counts must not be cut off.
    let forms = [
        format!(
            " tf2-migrate review · {scanning}{files} · {decided}/{total} hunks decided ({a} accepted, {r} rejected) · {m} manual"
        ),
        format!(" tf2-migrate review · {scanning}{files} · {decided}/{total} decided · {a}✓ {r}✗ · {m} manual"),
        format!(" {scanning}{files} · {decided}/{total} decided · {a}✓ {r}✗ · {m} manual"),
    ];
    let fits = |t: &&String| t.chars().count() <= usize::from(area.width);
    let text = forms.iter().find(fits).unwrap_or(&forms[2]);
    buf.set_line(area.x, area.y, &Line::from(Span::styled(text.as_str(), app.theme.title)), area.width);
}

pub(crate) fn file_list(app: &App, area: Rect, buf: &mut Buffer) {
    let focused = app.focus == Focus::Files;
    let block = Block::default().borders(Borders::RIGHT).border_style(if focused {
        app.theme.border_focus
    } else {
        app.theme.border
    });
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let head = format!("Files {}/{}", app.file + 1, app.plans.len());
    let head_style = if focused { app.theme.border_focus } else { app.theme.dim };
    buf.set_line(inner.x, inner.y, &Line::from(Span::styled(head, head_style)), inner.width);
    let height = usize::from(inner.height.saturating_sub(1));
    if height == 0 {
        return;
    }
    let offset = (app.file + 1).saturating_sub(height);
    let width = usize::from(inner.width);
    for (row, f) in (offset..app.plans.len()).take(height).enumerate() {
        let y = inner.y + 1 + row as u16;
        let counts = counts_label(&app.plans[f]);
        let mark = file_mark(app, f);
        let name_w = width.saturating_sub(counts.chars().count() + 6);
        let name = tail(&app.names[f], name_w.max(1));
        let pad = width.saturating_sub(4 + name.chars().count() + counts.chars().count() + 1).max(1);
        let mark_style = match mark {
            "[✓]" => app.theme.accepted,
            "[✗]" => app.theme.rejected,
            "[!]" => app.theme.error,
            "[⚠]" => app.theme.manual,
            _ => app.theme.pending,
        };
        let mut line = Line::from(vec![
            Span::styled(mark, mark_style),
            Span::raw(" "),
            Span::raw(name),
            Span::raw(" ".repeat(pad)),
            Span::styled(counts, app.theme.dim),
        ]);
        let selected = f == app.file && app.waiting_for().is_none();
        if selected {
            line = line.patch_style(app.theme.selected);
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), app.theme.selected);
        }
        buf.set_line(inner.x, y, &line, inner.width);
    }
}

/// The header row of the diff: file name, counts, arrangement, outcome of the last write.
fn diff_header(app: &App, area: Rect, buf: &mut Buffer, arrange: Arrange) {
    let plan = &app.plans[app.file];
    let mut spans = vec![
        Span::styled(file_mark(app, app.file), app.theme.current),
        Span::raw(" "),
        Span::styled(app.names[app.file].as_str(), app.theme.title),
        Span::styled(
            format!(
                "  {}/{} · hunk {}/{} · {}",
                app.file + 1,
                app.plans.len(),
                (app.hunk + 1).min(plan.hunks.len()),
                plan.hunks.len(),
                counts_label(plan)
            ),
            app.theme.dim,
        ),
        Span::styled(format!(" · {}", arrange.name()), app.theme.dim),
    ];
    if let Some((ok, why)) = &app.outcome[app.file] {
        spans.push(Span::styled(format!("  {why}"), if *ok { app.theme.accepted } else { app.theme.error }));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

pub(crate) fn diff(app: &App, area: Rect, buf: &mut Buffer) {
    let note = if let Some(first) = app.waiting_for() {
        Some(format!(
            "Waiting for {}, the first file in path order, to be analysed…",
            rows::display(&first.to_string_lossy())
        ))
    } else if app.plans.is_empty() && app.scanning.is_some() {
        Some("Scanning… no file needing a change so far.".to_owned())
    } else if app.plans.is_empty() {
        Some("Nothing to migrate: no file needs a change.".to_owned())
    } else {
        None
    };
    if let Some(text) = note {
        let lines = wrap::wrap_line(&Line::from(Span::styled(text, app.theme.title)), usize::from(area.width).max(1));
        lines_into(&lines, area, buf);
        return;
    }
    let g = app.geometry();
    diff_header(app, area, buf, g.arrange);
    let body = layout::diff_body(area);
    let height = usize::from(body.height);
    let (left, right) = match g.arrange {
        Arrange::SideBySide => layout::side_panes(body),
        Arrange::Stacked => (body, body),
    };
    if g.arrange == Arrange::SideBySide {
        for y in left.y..left.y + left.height {
            buf.set_line(left.x + left.width, y, &Line::from(Span::styled("│", app.theme.border)), 1);
        }
    }
    let plan = &app.plans[app.file];
    app.with_cached(app.file, |cached, hl| {
        let visual = cached.visual(g.arrange, g.widths);
        let end = (app.scroll + height).min(visual.rows.len());
        let visible: Vec<VRow> = visual.rows[app.scroll.min(end)..end].to_vec();
        let (mut max_b, mut max_a) = (0, 0);
        for row in &visible {
            let (b, a) = match row {
                VRow::Pair { before, after, .. } => (before.as_ref(), after.as_ref()),
                VRow::Line { side: Side::New, seg, .. } => (None, Some(seg)),
                VRow::Line { seg, .. } => (Some(seg), None),
                _ => (None, None),
            };
            max_b = max_b.max(b.map_or(0, |s| s.line + 1));
            max_a = max_a.max(a.map_or(0, |s| s.line + 1));
        }
        if app.theme.depth != Depth::Mono {
            cached.before.ensure(hl, &cached.rows.before, max_b);
            cached.after.ensure(hl, &cached.rows.after, max_a);
        }
        let nw = cached.rows.number_width;
        let full = body.width;
        for (i, row) in visible.iter().enumerate() {
            let y = body.y + i as u16;
            match row {
                VRow::Header { hunk } => {
                    buf.set_line(body.x, y, &hunk_header(app, plan, *hunk, usize::from(full)), full);
                }
                VRow::Cell { cell } => {
                    let text = format!("{:─<width$}", format!("── cell {cell} "), width = usize::from(full));
                    buf.set_line(body.x, y, &Line::from(Span::styled(text, app.theme.dim)), full);
                }
                VRow::Note { finding, range } => {
                    let text = cached.rows.notes.get(finding).and_then(|t| t.get(range.clone())).unwrap_or_default();
                    buf.set_line(body.x, y, &Line::from(Span::styled(text.to_owned(), app.theme.manual)), full);
                }
                VRow::Pair { before, after, hunk } => {
                    let current = *hunk == Some(app.hunk);
                    let b = before.as_ref().map(|s| (s, &cached.rows.before[s.line], &cached.before));
                    let a = after.as_ref().map(|s| (s, &cached.rows.after[s.line], &cached.after));
                    buf.set_line(left.x, y, &seg_line(app, b, nw, Side::Old, current), left.width);
                    buf.set_line(right.x, y, &seg_line(app, a, nw, Side::New, current), right.width);
                }
                VRow::Line { side, seg, hunk } => {
                    let current = *hunk == Some(app.hunk);
                    let (lines, hl) = match side {
                        Side::New => (&cached.rows.after, &cached.after),
                        _ => (&cached.rows.before, &cached.before),
                    };
                    let l = seg_line(app, Some((seg, &lines[seg.line], hl)), nw, *side, current);
                    buf.set_line(body.x, y, &l, full);
                }
            }
        }
    });
}

fn hunk_header<'a>(app: &App, plan: &FilePlan, hunk: usize, width: usize) -> Line<'a> {
    let current = hunk == app.hunk;
    let decision = plan.hunk_decision(hunk);
    let mut rules: Vec<String> = plan.hunks[hunk].findings.iter().map(|&i| plan.findings[i].rule.to_string()).collect();
    rules.dedup();
    let safety = plan.hunk_safety(hunk);
    let cell = plan.hunk_cell(hunk).map_or_else(String::new, |c| format!(" · cell {c}"));
    let mut text = format!(" hunk {}/{}{cell} · {} · {safety}", hunk + 1, plan.hunks.len(), rules.join(", "));
    if 4 + wrap::width(&text) > width && rules.len() > 1 {
        // The status panel lists them all.
        text = format!(" hunk {}/{}{cell} · {} +{} · {safety}", hunk + 1, plan.hunks.len(), rules[0], rules.len() - 1);
    }
    if let Some((c, n, shown, next)) = alternative(plan, hunk) {
        let _ = write!(text, " · alt {}/{n} {shown}, {} → {next}", c + 1, app.keymap.first(Action::SwitchAlternative));
    }
    let (pointer, style) = if current { ("▶ ", app.theme.current) } else { ("  ", app.theme.dim) };
    let mark_style = match decision {
        Decision::Accepted => app.theme.accepted,
        Decision::Rejected => app.theme.rejected,
        Decision::Pending => app.theme.pending,
    };
    let mark_style = if current { mark_style.add_modifier(Modifier::BOLD) } else { mark_style };
    Line::from(vec![
        Span::styled(pointer, style),
        Span::styled(hunk_mark(decision), mark_style),
        Span::styled(text, style),
    ])
}

/// One piece of one line: gutter (current-hunk bar, line number or the wrap mark ↪, sign) and
/// the styled text, syntax colours under the change marks.
fn seg_line<'a>(
    app: &App,
    seg: Option<(&Seg, &rows::Line, &SideHighlight)>,
    number_width: usize,
    side: Side,
    current: bool,
) -> Line<'a> {
    let theme = &app.theme;
    let bar = if current { "▌" } else { " " };
    let Some((seg, line, hl)) = seg else {
        return Line::from(Span::styled(bar, theme.current));
    };
    let after = side == Side::New;
    let sign = match (line.changed, after) {
        (false, _) => " ",
        (true, false) => "-",
        (true, true) => "+",
    };
    let (line_style, emph_style) = match (line.changed, after) {
        (false, _) => (Style::new(), Style::new()),
        (true, false) => (theme.removed, theme.removed_emph),
        (true, true) => (theme.added, theme.added_emph),
    };
    let sign_style = if line.changed {
        let s = if after { theme.accepted } else { theme.rejected };
        s.add_modifier(Modifier::BOLD)
    } else {
        theme.gutter
    };
    let number = if seg.cont { format!("{:>number_width$}", "↪") } else { format!("{:>number_width$}", line.no) };
    let mut spans = vec![
        Span::styled(bar, theme.current),
        Span::styled(number, theme.gutter),
        Span::styled(sign, sign_style),
        Span::styled(" ", line_style),
    ];
    let syntax = hl.spans.get(seg.line);
    let style_at = |at: usize| -> Style {
        let mut s = line_style;
        if let Some(span) = syntax.and_then(|v| v.iter().find(|s| s.range.contains(&at))) {
            if let Some(c) = theme.depth.color(span.fg) {
                s = s.fg(c);
            }
            if theme.depth != Depth::Mono {
                if span.bold {
                    s = s.add_modifier(Modifier::BOLD);
                }
                if span.italic {
                    s = s.add_modifier(Modifier::ITALIC);
                }
            }
        }
        if line.emph.iter().any(|r| r.contains(&at)) {
            s = s.patch(emph_style);
        }
        s
    };
    let text = &line.text[seg.range.clone()];
    let base = seg.range.start;
    let mut run_start = 0;
    let mut run_style = None;
    for (at, _) in text.char_indices() {
        let s = style_at(base + at);
        if run_style != Some(s) {
            if let Some(prev) = run_style {
                spans.push(Span::styled(text[run_start..at].to_owned(), prev));
            }
            run_start = at;
            run_style = Some(s);
        }
    }
    if let Some(prev) = run_style {
        spans.push(Span::styled(text[run_start..].to_owned(), prev));
    }
    Line::from(spans).style(line_style)
}

/// The status panel: the current hunk's rules, safety, decision and reason, wrapped.
pub(crate) fn info(app: &App, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, app.theme.status);
    let lines: Vec<Line> =
        app.status_lines(usize::from(area.width).max(1)).into_iter().map(|l| l.patch_style(app.theme.status)).collect();
    lines_into(&lines, area, buf);
}

/// A key bar entry: its keys, long and short label, and drop rank (0: kept longest).
type Entry<'a> = (Vec<String>, &'a str, &'a str, u8);

/// Lay out key bar entries in `width` columns: all keys and long labels when they fit, else
/// first keys, short labels, single spaces; then the least essential entries go.
fn fit_hints(entries: &[Entry<'_>], width: usize) -> Vec<(String, String)> {
    let render = |all_keys: bool, short: bool, drop: u8| -> Vec<(String, String)> {
        entries
            .iter()
            .filter(|e| e.3 < drop)
            .map(|(keys, long, brief, _)| {
                let k = if all_keys { keys.join("/") } else { keys.first().cloned().unwrap_or_default() };
                (k, (if short { *brief } else { *long }).to_owned())
            })
            .collect()
    };
    let cols = |items: &[(String, String)], sep: usize| {
        items.iter().map(|(k, d)| wrap::width(k) + 1 + wrap::width(d)).sum::<usize>()
            + sep * items.len().saturating_sub(1)
    };
    let max_rank = entries.iter().map(|e| e.3).max().unwrap_or(0) + 1;
    for drop in (1..=max_rank).rev() {
        for (all, short) in [(true, false), (false, false), (false, true)] {
            for sep in [2, 1] {
                let items = render(all, short, drop);
                if cols(&items, sep) <= width {
                    return items.into_iter().map(|(k, d)| (k, format!("{d}{}", " ".repeat(sep)))).collect();
                }
            }
        }
    }
    // Not even the essentials fit: as many as do.
    let mut used = 0;
    render(false, true, 1)
        .into_iter()
        .take_while(|(k, d)| {
            used += wrap::width(k) + 2 + wrap::width(d);
            used <= width + 1
        })
        .map(|(k, d)| (k, format!("{d} ")))
        .collect()
}

/// The key bar, built from the keymap (reverse lookup), as much as fits.
pub(crate) fn key_bar(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let km = &app.keymap;
    let keys = |a: Action| km.keys(a).into_iter().map(Key::label).collect::<Vec<String>>();
    let dialog = |yes: &'static str, no: &'static str| -> Vec<Entry<'static>> {
        vec![(keys(Action::Confirm), yes, yes, 0), (keys(Action::Cancel), no, no, 0)]
    };
    let entries: Vec<Entry<'_>> = match app.mode {
        Mode::Search(_) => vec![
            (vec![km.non_text_hint(Action::Confirm)], "search", "search", 0),
            (vec![km.non_text_hint(Action::Cancel)], "cancel", "cancel", 0),
        ],
        Mode::ConfirmWrite => dialog("write (final)", "cancel"),
        Mode::ConfirmQuit => dialog("quit without writing", "stay"),
        Mode::Help(_) | Mode::Info(_) => vec![
            ([keys(Action::NextHunk), keys(Action::PrevHunk)].concat(), "scroll", "scroll", 0),
            ([keys(Action::PageDown), keys(Action::PageUp)].concat(), "page", "page", 1),
            (vec!["any other key".to_owned()], "close", "close", 0),
        ],
        Mode::Normal => {
            let mut v: Vec<Entry<'_>> = Vec::new();
            for h in KEY_BAR {
                let ks: Vec<String> = if h.actions.len() == 1 {
                    keys(h.actions[0])
                } else {
                    vec![h.actions.iter().map(|&a| km.first(a)).collect::<Vec<_>>().join("/")]
                };
                if ks.is_empty() {
                    continue;
                }
                let label =
                    if h.actions == [Action::ToggleLayout] { app.geometry().arrange.other().name() } else { h.label };
                v.push((ks, label, h.short, h.drop_rank));
            }
            if let Some(plan) = app.plans.get(app.file)
                && let Some((_, _, _, next)) = plan.hunks.get(app.hunk).and_then(|_| alternative(plan, app.hunk))
            {
                v.insert(2, (keys(Action::SwitchAlternative), next, "alt", 1));
            }
            v
        }
    };
    let mut spans = Vec::new();
    for (k, d) in fit_hints(&entries, usize::from(area.width)) {
        spans.push(Span::styled(k, theme.key));
        spans.push(Span::styled(format!(" {d}"), theme.dim));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// A centred box of at most `w`x`h` inside `area`, cleared, with a border and title.
fn dialog(app: &App, area: Rect, w: u16, h: u16, title: &str, buf: &mut Buffer) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let rect = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    Clear.render(rect, buf);
    buf.set_style(rect, app.theme.base);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border_focus)
        .title(Span::styled(format!(" {title} "), app.theme.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

fn lines_into(lines: &[Line<'_>], area: Rect, buf: &mut Buffer) {
    for (i, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

/// The help or rule text overlay, scrolled.
pub(crate) fn overlay(app: &App, area: Rect, buf: &mut Buffer, scroll: usize) {
    let (mut title, lines) = app.overlay();
    let h = (lines.len() as u16 + 2).min(area.height);
    let rows = usize::from(h.saturating_sub(2));
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    if lines.len() > rows {
        let keys = format!("{}/{}", app.keymap.first(Action::NextHunk), app.keymap.first(Action::PrevHunk));
        title = format!("{title} · {}-{} of {} · {keys} scroll", scroll + 1, scroll + rows, lines.len());
    }
    let inner = dialog(app, area, overlay_width(area.width), h, &title, buf);
    lines_into(&lines[scroll..], inner, buf);
}

/// "y/Enter write   n/Esc cancel", from the keymap.
fn dialog_hints(app: &App, yes: &str, no: &str) -> Line<'static> {
    let km = &app.keymap;
    Line::from(vec![
        Span::styled(km.hint(Action::Confirm).unwrap_or_else(|| "(unbound)".into()), app.theme.key),
        Span::raw(format!(" {yes}   ")),
        Span::styled(km.hint(Action::Cancel).unwrap_or_else(|| "(unbound)".into()), app.theme.key),
        Span::raw(format!(" {no}")),
    ])
}

pub(crate) fn confirm_write(app: &App, area: Rect, buf: &mut Buffer) {
    let (hunks, files) = app.unwritten();
    let mut lines = vec![
        Line::from(Span::styled(
            format!("Write {} to {}?", plural(hunks, "accepted hunk"), plural(files, "file")),
            app.theme.title,
        )),
        Line::from(Span::styled(
            "Writing is final: written hunks cannot be undone here (undo keeps the rest).",
            app.theme.error,
        )),
        Line::raw(""),
    ];
    for (f, plan) in app.plans.iter().enumerate() {
        if plan.has_accepted() {
            let (p, a, r) = plan.counts();
            lines.push(Line::from(vec![
                Span::styled(format!("{a:>4} ✓ "), app.theme.accepted),
                Span::raw(app.names[f].clone()),
                Span::styled(format!("  ({p} undecided, {r} rejected: left as they are)"), app.theme.dim),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(dialog_hints(app, "write", "cancel"));
    let width = overlay_width(area.width).min(80);
    let lines = wrap::wrap_lines(&lines, usize::from(width.saturating_sub(2)).max(1));
    let mut lines = lines;
    let h = (lines.len() as u16 + 2).min(area.height);
    let inner = dialog(app, area, width, h, "Write", buf);
    if lines.len() > usize::from(inner.height) && inner.height >= 2 {
        let last = lines.pop().unwrap_or_default();
        lines.truncate(usize::from(inner.height) - 1);
        lines.push(last);
    }
    lines_into(&lines, inner, buf);
}

pub(crate) fn confirm_quit(app: &App, area: Rect, buf: &mut Buffer) {
    let (hunks, files) = app.unwritten();
    let lines = vec![
        Line::from(Span::styled(
            format!(
                "{} in {} {} not written.",
                plural(hunks, "accepted hunk"),
                plural(files, "file"),
                if hunks == 1 { "is" } else { "are" }
            ),
            app.theme.title,
        )),
        Line::raw("Decisions are saved in the session; quit anyway?"),
        dialog_hints(app, "quit", "stay"),
    ];
    let width = overlay_width(area.width).min(64);
    let lines = wrap::wrap_lines(&lines, usize::from(width.saturating_sub(2)).max(1));
    let inner = dialog(app, area, width, lines.len() as u16 + 2, "Quit", buf);
    lines_into(&lines, inner, buf);
}
