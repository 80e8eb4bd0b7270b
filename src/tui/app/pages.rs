//! The words on screen that are more than a label: the status panel of the current hunk, the
//! help (keys and legend) and the full rule text. Built as styled lines and wrapped here, so
//! that the state machine knows how many rows they take.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{App, Mode};
use crate::tui::action::Action;
use crate::tui::layout;
use crate::tui::rows;
use crate::tui::wrap::{self, wrap_lines};
use tf2_migrate_core::fix::Finding;
use tf2_migrate_core::plan::{Decision, FilePlan};

/// The state symbol of a hunk.
pub(crate) fn hunk_mark(d: Decision) -> &'static str {
    match d {
        Decision::Accepted => "[✓]",
        Decision::Rejected => "[✗]",
        Decision::Pending => "[ ]",
    }
}

/// The packages (pip names) finding `i` asks for: its chosen fix's, or its guidance's.
fn packages(plan: &FilePlan, i: usize) -> Vec<&'static str> {
    let f = &plan.findings[i];
    let mut out: Vec<&'static str> = plan.chosen(i).map(|fix| fix.packages.clone()).unwrap_or_default();
    for p in &f.packages {
        if !out.contains(p) {
            out.push(p);
        }
    }
    out
}

/// The alternative shown for a hunk and the one `t` switches to: (index, count, shown, next).
pub(crate) fn alternative(plan: &FilePlan, h: usize) -> Option<(usize, usize, &'static str, &'static str)> {
    let n = plan.alternatives(h);
    if n < 2 {
        return None;
    }
    let c = plan.hunk_choice(h);
    let finding = plan.hunks[h].findings.iter().copied().find(|&i| plan.findings[i].fixes.len() > 1)?;
    let fixes = &plan.findings[finding].fixes;
    let label = |k: usize| fixes.get(k.min(fixes.len() - 1)).map_or("", |f| f.label);
    Some((c, n, label(c), label((c + 1) % n)))
}

impl App {
    /// The status panel, wrapped to `width`: the current hunk's rules, safety, decision and
    /// reason (or the search prompt, or what the start waits for), as many rows as it needs up
    /// to a third of the screen; `i` shows the rest.
    pub(crate) fn status_lines(&self, width: usize) -> Vec<Line<'static>> {
        let theme = &self.theme;
        let mut lines: Vec<Line<'static>> = Vec::new();
        if let Mode::Search(q) = &self.mode {
            let hint = format!(
                "   {} search · {} cancel",
                self.keymap.non_text_hint(Action::Confirm),
                self.keymap.non_text_hint(Action::Cancel)
            );
            lines.push(Line::from(vec![
                Span::styled("search: ", theme.key),
                Span::raw(rows::display(q)),
                Span::styled("█", theme.current),
                Span::styled(hint, theme.dim),
            ]));
        } else if let Some(first) = self.waiting_for() {
            let progress = self.scanning.map(|(d, t)| format!(" ({d}/{t} files analysed)")).unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled("waiting for ", theme.key),
                Span::raw(rows::display(&first.to_string_lossy())),
                Span::raw(format!(", the first file in path order{progress}")),
            ]));
        } else if let Some(plan) = self.plans.get(self.file) {
            if let Some((false, why)) = &self.outcome[self.file] {
                lines.push(Line::from(vec![Span::styled("[!] ", theme.error), Span::raw(why.clone())]));
            }
            if let Some(hunk) = plan.hunks.get(self.hunk) {
                let mut rules: Vec<String> = hunk.findings.iter().map(|&i| plan.findings[i].rule.to_string()).collect();
                rules.dedup();
                let first = &plan.findings[hunk.findings[0]];
                let decision = plan.hunk_decision(self.hunk);
                let mut spans = vec![
                    Span::styled(rules.join(", "), theme.key),
                    Span::raw(" · "),
                    Span::styled(plan.hunk_safety(self.hunk).as_str(), theme.current),
                    Span::raw(" · "),
                    Span::styled(hunk_mark(decision), decision_style(self, decision)),
                    Span::raw(" "),
                    Span::raw(rows::display(&first.message)),
                ];
                let more = hunk.findings.len() - 1;
                if more > 0 {
                    spans.push(Span::styled(
                        format!(" (+{more} more: {} shows all)", self.keymap.first(Action::RuleInfo)),
                        theme.dim,
                    ));
                }
                if let Some((c, n, shown, next)) = alternative(plan, self.hunk) {
                    spans.push(Span::styled(
                        format!(
                            " · alternative {}/{n}: {shown}; {} switches to {next}",
                            c + 1,
                            self.keymap.first(Action::SwitchAlternative)
                        ),
                        theme.key,
                    ));
                }
                lines.push(Line::from(spans));
            } else if let Some(f) = plan.manual().next() {
                lines.push(Line::from(vec![
                    Span::styled("manual only · ", theme.manual),
                    Span::raw(format!("{}: {}", f.rule, rows::display(&f.message))),
                ]));
            }
        } else if let Some((done, total)) = self.scanning {
            lines.push(Line::raw(format!("scanning {done}/{total} files…")));
        }
        let mut wrapped = wrap_lines(&lines, width);
        let max = usize::from(layout::max_info_height(self.size.1));
        if wrapped.len() > max {
            wrapped.truncate(max);
            let more = format!("… {} shows all", self.keymap.first(Action::RuleInfo));
            if let Some(last) = wrapped.last_mut() {
                let keep = width.saturating_sub(wrap::width(&more) + 1);
                let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
                let cut: String = text
                    .chars()
                    .scan(0, |w, c| {
                        *w += wrap::width(c.encode_utf8(&mut [0; 4]));
                        (*w <= keep).then_some(c)
                    })
                    .collect();
                *last = Line::from(vec![Span::raw(cut), Span::raw(" "), Span::styled(more, theme.key)]);
            }
        }
        if wrapped.is_empty() {
            wrapped.push(Line::raw(""));
        }
        wrapped
    }

    /// The lines of the open overlay (help or rule text), wrapped to its width.
    pub(crate) fn overlay(&self) -> (String, Vec<Line<'static>>) {
        let width = usize::from(overlay_width(self.size.0).saturating_sub(2)).max(1);
        match self.mode {
            Mode::Info(_) => ("Rule".into(), wrap_lines(&self.info_text(), width)),
            _ => ("Keys".into(), wrap_lines(&self.help_text(), width)),
        }
    }

    pub(super) fn overlay_lines(&self) -> usize {
        self.overlay().1.len()
    }

    fn help_text(&self) -> Vec<Line<'static>> {
        let theme = &self.theme;
        let mut lines: Vec<Line<'static>> = Action::ALL
            .iter()
            .map(|&a| {
                let keys = self.keymap.hint(a).unwrap_or_else(|| "—".into());
                Line::from(vec![Span::styled(format!("{keys:>10}  "), theme.key), Span::raw(a.words().describe)])
            })
            .collect();
        let legend: &[(&str, &str)] = &[
            ("", ""),
            ("File list", "the mark, the path, then the counts"),
            ("[ ]", "hunks left to decide"),
            ("[~]", "some hunks decided, some not"),
            ("[✓] [✗]", "every hunk accepted / rejected"),
            ("[⚠]", "manual findings only: guidance, no rewrite"),
            ("[w]", "written, nothing left to decide"),
            ("[!]", "not written: the status line (and the rule text) says why in full"),
            ("12 0✓ 0✗ 2⚠", "12 hunks undecided, 0 accepted, 0 rejected, 2 manual findings"),
            ("", ""),
            ("Hunks", "[ ] undecided  [✓] accepted  [✗] rejected; `alt 1/2 upgrade → native` offers another rewrite"),
            (
                "Layout",
                "side by side when both panes show every change, else stacked (old lines above new); long lines wrap, ↪ marks the rest of a line",
            ),
            (
                "Decisions",
                "y/n are kept by the bulk keys (a/d, Y/N), which decide only undecided hunks; undo undoes one key",
            ),
            ("Writing", "final: written files cannot be undone here (undo still covers what was not written)"),
            ("Sessions", "every decision is saved as it is made; run review again to resume"),
        ];
        for (k, d) in legend {
            lines.push(Line::from(vec![Span::styled(format!("{k:>10}  "), theme.key), Span::styled(*d, theme.dim)]));
        }
        lines
    }

    fn info_text(&self) -> Vec<Line<'static>> {
        let theme = &self.theme;
        let Some(plan) = self.plans.get(self.file) else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        if let Some((false, why)) = &self.outcome[self.file] {
            lines.push(Line::from(vec![Span::styled("[!] ", theme.error), Span::raw(why.clone())]));
            lines.push(Line::raw(""));
        }
        let indices: Vec<usize> = match plan.hunks.get(self.hunk) {
            Some(h) => h.findings.clone(),
            None => (0..plan.findings.len()).filter(|&i| plan.findings[i].fixes.is_empty()).collect(),
        };
        let findings: Vec<&Finding> = indices.iter().map(|&i| &plan.findings[i]).collect();
        let mut seen: Vec<String> = Vec::new();
        for f in &findings {
            let id = f.rule.to_string();
            if seen.contains(&id) {
                continue;
            }
            seen.push(id.clone());
            let label = |l: &str| Span::styled(format!("{l:<9}"), theme.key);
            lines
                .push(Line::from(vec![Span::styled(id.clone(), theme.title), Span::raw(format!(" · {}", f.safety()))]));
            {
                let info = f.rule.info();
                lines.push(Line::from(vec![label("What"), Span::raw(info.summary)]));
                lines.push(Line::from(vec![label("Why"), Span::raw(info.why)]));
                lines.push(Line::from(vec![label("Safety"), Span::raw(info.safety_label())]));
                lines.push(Line::from(vec![
                    label("Example"),
                    Span::raw(info.before),
                    Span::styled("  →  ", theme.dim),
                    Span::raw(info.after),
                ]));
            }
            for (&i, g) in indices.iter().zip(&findings).filter(|(_, g)| g.rule == f.rule) {
                lines.push(Line::from(vec![label("Here"), Span::raw(rows::display(&g.message))]));
                let pkgs = packages(plan, i);
                if !pkgs.is_empty() {
                    lines
                        .push(Line::from(vec![label("Install"), Span::raw(format!("pip install {}", pkgs.join(" ")))]));
                }
            }
            lines.push(Line::raw(""));
        }
        if let Some((c, n, shown, next)) = plan.hunks.get(self.hunk).and_then(|_| alternative(plan, self.hunk)) {
            lines.push(Line::from(Span::styled(
                format!(
                    "Alternative {}/{n} shown: {shown}; {} switches to {next}",
                    c + 1,
                    self.keymap.first(Action::SwitchAlternative)
                ),
                theme.key,
            )));
        }
        lines
    }
}

/// The width of an overlay on a screen `width` columns wide.
pub(crate) fn overlay_width(width: u16) -> u16 {
    width.min(100)
}

fn decision_style(app: &App, d: Decision) -> Style {
    match d {
        Decision::Accepted => app.theme.accepted,
        Decision::Rejected => app.theme.rejected,
        Decision::Pending => app.theme.pending,
    }
}
