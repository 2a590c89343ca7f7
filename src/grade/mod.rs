//! Grading answers: exact kinds, text normalisation, rubrics and reference similarity.

pub mod text;
