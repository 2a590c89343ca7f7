//! The grading issue's probes, on the real bank: each category of error it reported, as a
//! member would check it. Misconceptions that used to fire on right answers stay silent, the
//! material's own sentences are read as said of the right subject, standard vocabulary is
//! understood, keyword salads do not pass, short answers are found in a sentence, one fact is
//! partial credit and texting style is read.

use crate::util::repo;
use interview_bot::bank::BankSource;
use interview_bot::grade::{self, Grade, Verdict};

fn grade(id: &str, answer: &str) -> Grade {
    static G: std::sync::OnceLock<(interview_bot::bank::Bank, grade::Grader)> =
        std::sync::OnceLock::new();
    let (bank, grader) =
        G.get_or_init(|| grade::load(&BankSource::Dir(repo("questions"))).unwrap());
    grader
        .grade_text(&bank.get(id).unwrap().instance(0), answer)
        .unwrap()
}

/// (question, a right answer that uses words a misconception of the old rubric had).
const RIGHT_ANSWERS_WITH_TRAP_WORDS: &[(&str, &str)] = &[
    ("masked-attention", "A causal mask lets each position attend only to earlier positions."),
    ("semver-prerelease-signal", "It is a beta of 2.0.0: not for production, so wait for the stable release."),
    ("semver-prerelease-signal", "A pre-release of 2.0.0, meant for testing and still unstable; I would only upgrade after 2.0.0 is out."),
    ("semver-zero-major", "0.x is initial development: anything may change, and APIs may be deprecated in any 0.x release, so pin the exact version."),
    ("ai-lab-blog-why", "The lab's blog is a primary source with the technical details; compare with neutral coverage before trusting the hype."),
    ("browser-tab-processes", "Each tab runs in its own process: a tab can still crash, but only its process dies and the others keep running, and the sandbox isolates the memory of sites."),
    ("transformer-cross-attention", "Cross-attention lets the decoder attend to the encoder's output: queries come from the decoder, keys and values from the encoder, while masked self-attention looks at the decoder's own outputs."),
    ("de-why-message-broker", "The broker decouples producers from consumers: the producer publishes and moves on, which reduces latency for the producer, and messages wait in the queue if a consumer is down."),
    ("semver-breaking-major", "Any breaking change, however small, breaks callers, so it needs a new MAJOR: no change is minor enough to skip MAJOR."),
    ("coroutine-vs-thread", "Threads are scheduled by the OS, which preempts them; coroutines are cooperative and yield control themselves. With Go or Kotlin on a multi-threaded dispatcher, coroutines run in parallel too."),
    ("transformer-multi-head-attention", "Each head works on a slice of the vector with its own projections, so different heads attend to different relationships, and their outputs are concatenated."),
    ("transformer-input-embedding", "Each token is mapped to an integer id, and the id looks up a learned embedding vector."),
    ("de-containers-kubernetes", "Docker packages an app with its own OS libraries and dependencies into an image that runs the same everywhere; Kubernetes orchestrates many containers across a cluster, scaling and restarting them."),
    ("program-vs-process", "A program is a passive file of instructions on disk; unlike the causal mask, which hides future words, a process is that program running in memory."),
    ("process-vs-thread", "Threads of the same process share memory, while each process has its own isolated memory space."),
    ("process-vs-thread", "Separate processes don't share memory; threads of one process do share it."),
];

#[test]
fn right_answers_never_state_a_misconception() {
    for (id, answer) in RIGHT_ANSWERS_WITH_TRAP_WORDS {
        let g = grade(id, answer);
        assert!(g.misconceptions.is_empty(), "{id}: {answer}\n{g:#?}");
        assert_ne!(g.verdict, Verdict::Wrong, "{id}: {answer}\n{g:#?}");
    }
}

#[test]
fn standard_vocabulary_earns_full_credit() {
    for (id, answer) in [
        ("transformer-add-normalise", "Add is a residual connection that adds the sublayer's input to its output; Normalise is layer normalization, which keeps the values stable for training."),
        ("coroutine-vs-thread", "The OS preempts threads and the kernel manages them; coroutines are scheduled in user space and yield cooperatively, so they are much cheaper."),
        ("transformer-encoder-decoder-roles", "The encoder turns the input sentence into hidden states; the decoder generates the output one word after another, attending to those hidden states."),
        ("process-context-switch-cost", "A process switch changes the address space, so the page tables switch and the TLB loses its entries; threads of the same process share memory, so a thread switch only saves registers."),
    ] {
        let g = grade(id, answer);
        assert_eq!(g.verdict, Verdict::Correct, "{id}: {answer}\n{g:#?}");
    }
}

#[test]
fn keyword_salads_do_not_pass() {
    for (id, answer) in [
        ("semver-zero-major", "Development. Pin."),
        (
            "ai-summary-vs-paper",
            "Papers have details and data and limitations.",
        ),
    ] {
        let g = grade(id, answer);
        assert_ne!(g.verdict, Verdict::Correct, "{id}: {answer}\n{g:#?}");
    }
}

#[test]
fn short_answers_are_found_in_a_sentence_and_in_wider_lists() {
    for (id, answer) in [
        (
            "list-linux-processes",
            "I'd run `ps aux | less` and look for it",
        ),
        ("list-linux-processes", "top -H"),
        ("list-linux-processes", "glances"),
        ("ai-bair-university", "Berkeley University"),
    ] {
        assert_eq!(
            grade(id, answer).verdict,
            Verdict::Correct,
            "{id}: {answer}"
        );
    }
}

#[test]
fn one_fact_alone_is_partial_and_texting_is_read() {
    let g = grade("positional-encoding", "Because the model needs word order.");
    assert_eq!(g.verdict, Verdict::Partial, "{g:#?}");
    let g = grade(
        "process-vs-thread",
        "threads r cheaper 2 create b/c they share memory",
    );
    assert_ne!(g.verdict, Verdict::Wrong, "{g:#?}");
}
