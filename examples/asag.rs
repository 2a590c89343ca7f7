//! The reference-similarity grader on the Mohler short-answer data set (see ../shared/asag/).
//!
//!     cargo run --release --example asag -- ../shared/asag/mohler.csv
//!
//! Protocol: the weights that combine the features are fitted on assignments 1-8 only; Pearson r,
//! RMSE and quadratic weighted kappa (three bands) are reported on assignments 9-12.

use interview_bot::grade::reference::{features, Features, Idf, Weights, FEATURES};
use interview_bot::grade::text::{Analysis, Lexicon};
use std::collections::HashMap;

struct Row {
    question: String,
    assignment: u32,
    desired: String,
    answer: String,
    score: f64,
}

fn read(path: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let headers = reader.headers().expect("a header row").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (q, a, d, s, y) = (
        col("question"),
        col("assignment"),
        col("desired_answer"),
        col("student_answer"),
        col("score_avg"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            Row {
                question: r[q].to_string(),
                assignment: r[a].parse().expect("assignment is a number"),
                desired: r[d].to_string(),
                answer: r[s].to_string(),
                score: r[y].parse().expect("score_avg is a number"),
            }
        })
        .collect()
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx.sqrt() * vy.sqrt())
}

fn rmse(x: &[f64], y: &[f64]) -> f64 {
    (x.iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

fn band(s: f64) -> usize {
    if s < 2.5 {
        0
    } else if s < 4.5 {
        1
    } else {
        2
    }
}

/// Quadratic weighted kappa of the three bands.
fn qwk(pred: &[f64], gold: &[f64]) -> f64 {
    let k = 3;
    let mut observed = vec![vec![0.0; k]; k];
    for (p, g) in pred.iter().zip(gold) {
        observed[band(*g)][band(*p)] += 1.0;
    }
    let n = pred.len() as f64;
    let rows: Vec<f64> = (0..k).map(|i| observed[i].iter().sum()).collect();
    let cols: Vec<f64> = (0..k)
        .map(|j| (0..k).map(|i| observed[i][j]).sum())
        .collect();
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = ((i as f64 - j as f64) / (k as f64 - 1.0)).powi(2);
            num += w * observed[i][j];
            den += w * rows[i] * cols[j] / n;
        }
    }
    1.0 - num / den
}

/// Least squares with a little ridge, by the normal equations (few features, so this is exact
/// enough and needs no linear-algebra crate).
fn fit(x: &[Vec<f64>], y: &[f64], ridge: f64) -> Vec<f64> {
    let d = x[0].len() + 1;
    let mut a = vec![vec![0.0; d + 1]; d];
    for (row, &t) in x.iter().zip(y) {
        let v: Vec<f64> = std::iter::once(1.0).chain(row.iter().copied()).collect();
        for i in 0..d {
            for j in 0..d {
                a[i][j] += v[i] * v[j];
            }
            a[i][d] += v[i] * t;
        }
    }
    for (i, r) in a.iter_mut().enumerate().skip(1) {
        r[i] += ridge;
    }
    for c in 0..d {
        let p = (c..d)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap();
        a.swap(c, p);
        let pivot = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * p;
                }
            }
        }
    }
    (0..d).map(|i| a[i][d] / a[i][i]).collect()
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/asag/mohler.csv".into());
    let rows = read(&path);
    let mut lex = Lexicon::new(&[], &[]);
    let mut questions: HashMap<&str, (Analysis, Analysis)> = HashMap::new();
    for r in &rows {
        if !questions.contains_key(r.question.as_str()) {
            lex.learn(&r.question);
            lex.learn(&r.desired);
        }
        questions.insert(&r.question, (Analysis::default(), Analysis::default()));
    }
    for r in &rows {
        questions.insert(
            &r.question,
            (lex.analyse(&r.question), lex.analyse(&r.desired)),
        );
    }
    let answers: Vec<Analysis> = rows.iter().map(|r| lex.analyse(&r.answer)).collect();
    let train: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].assignment <= 8)
        .collect();
    let test: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].assignment >= 9)
        .collect();
    // Document frequencies from what the tuning part may see: its answers and every reference.
    let idf = Idf::from_documents(
        train
            .iter()
            .map(|&i| &answers[i])
            .chain(questions.values().map(|(_, d)| d)),
    );
    let feats: Vec<Features> = rows
        .iter()
        .zip(&answers)
        .map(|(r, a)| {
            let (q, d) = &questions[r.question.as_str()];
            features(&idf, q, d, a)
        })
        .collect();
    let x = |ids: &[usize]| -> Vec<Vec<f64>> {
        ids.iter().map(|&i| feats[i].as_array().to_vec()).collect()
    };
    let y = |ids: &[usize]| -> Vec<f64> { ids.iter().map(|&i| rows[i].score).collect() };
    let beta = fit(&x(&train), &y(&train), 0.1);
    let mut w = [0.0; FEATURES];
    w.copy_from_slice(&beta[1..]);
    let weights = Weights {
        bias: beta[0],
        features: w,
    };
    println!(
        "fitted on {} answers (assignments 1-8): {weights:?}",
        train.len()
    );
    for (name, ids) in [("train", &train), ("test", &test)] {
        let pred: Vec<f64> = ids.iter().map(|&i| weights.predict(&feats[i])).collect();
        let gold = y(ids);
        println!(
            "{name} r={:.3} rmse={:.3} qwk={:.3}",
            pearson(&pred, &gold),
            rmse(&pred, &gold),
            qwk(&pred, &gold)
        );
    }
}
