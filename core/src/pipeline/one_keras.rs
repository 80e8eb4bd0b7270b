//! One Keras for a run's standalone Keras files (see [`OneKeras`]).

use crate::plan::FilePlan;

/// Why a file's standalone Keras code keeps Keras 2 when another file's must.
pub(super) const OTHER_KEEPS_KERAS2: &str =
    "which another file of this program needs: Keras 2 and Keras 3 objects do not mix in one program";

/// The Keras of a run's standalone Keras files. Each can go to tf.keras (Keras 3) or keep Keras 2
/// as `tf_keras`; a file that uses what Keras 3 lacks keeps Keras 2, and since one program cannot
/// mix the two, then so do all the others. A file that could go either way waits here until one
/// that keeps Keras 2 is seen (or the scan ends: then it goes as analysed).
#[derive(Default)]
pub(super) struct OneKeras {
    keeps_keras2: bool,
    pub(super) waiting: Vec<(usize, FilePlan)>,
}

impl OneKeras {
    /// The plans ready to hand over now that plan `i` is in.
    pub(super) fn route(&mut self, i: usize, mut plan: FilePlan) -> Vec<(usize, FilePlan)> {
        match crate::rules::keras3::keeps_keras2(&plan.findings) {
            Some(true) => {
                let mut ready = Vec::new();
                if !self.keeps_keras2 {
                    self.keeps_keras2 = true;
                    ready = std::mem::take(&mut self.waiting);
                    for (_, p) in &mut ready {
                        p.keep_keras2(OTHER_KEEPS_KERAS2);
                    }
                }
                ready.push((i, plan));
                ready
            }
            Some(false) if self.keeps_keras2 => {
                plan.keep_keras2(OTHER_KEEPS_KERAS2);
                vec![(i, plan)]
            }
            Some(false) => {
                self.waiting.push((i, plan));
                Vec::new()
            }
            None => vec![(i, plan)],
        }
    }
}
