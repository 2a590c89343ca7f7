//! Errors in a question bank, written for the author who has to fix the file.

use std::fmt;

/// One problem, located by file and line (and question id where there is one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankError {
    pub file: String,
    pub line: Option<usize>,
    pub id: Option<String>,
    pub message: String,
}

impl fmt::Display for BankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.id {
            write!(f, ": question `{id}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a bank, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct BankErrors(pub Vec<BankError>);

impl fmt::Display for BankErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "the question bank has {n} error{}; fix {} and run `interview-bot questions check` again:",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}
