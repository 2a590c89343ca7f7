//! The word lists the text analysis reads answers with: stop words, negations, contrast and
//! concession markers, pronouns, chat shorthand, clause breaks. Kept apart from `text`, whose
//! code they would otherwise bury; each list says what it is for.

/// Words that carry no point on their own. Negations are not here: they matter.
pub(super) const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "with",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "it",
    "its",
    "it's",
    "this",
    "that",
    "these",
    "those",
    "there",
    "their",
    "they",
    "them",
    "then",
    "than",
    "so",
    "such",
    "which",
    "who",
    "whom",
    "what",
    "when",
    "where",
    "why",
    "how",
    "do",
    "does",
    "did",
    "doing",
    "done",
    "has",
    "have",
    "had",
    "having",
    "can",
    "could",
    "will",
    "would",
    "shall",
    "should",
    "may",
    "might",
    "must",
    "i",
    "you",
    "he",
    "she",
    "we",
    "me",
    "my",
    "your",
    "his",
    "her",
    "our",
    "us",
    "if",
    "into",
    "onto",
    "about",
    "also",
    "just",
    "very",
    "really",
    "some",
    "any",
    "both",
    "while",
    "whereas",
    "but",
    "because",
    "since",
    "though",
    "although",
    "however",
    "whilst",
    "like",
    "e.g",
    "eg",
    "ie",
    "etc",
    "via",
    "per",
    "up",
    "out",
    "over",
    "under",
    "between",
    "other",
    "another",
    "each",
    "every",
    "all",
    "much",
    "basically",
    "generally",
    "usually",
    "typically",
    "mean",
    "means",
    "thing",
    "things",
    "get",
    "gets",
    "got",
    "let",
    "lets",
    "way",
    "ways",
    "kind",
    "use",
    "used",
    "uses",
    "using",
    "make",
    "makes",
    "one",
    "s",
    "t",
];

/// Words that negate what follows them in a clause.
pub(super) const NEGATIONS: &[&str] = &[
    "not", "no", "never", "without", "neither", "nor", "cannot", "none", "nothing", "nobody",
    "lack", "lacks", "lacking", "rarely", "seldom", "hardly", "barely",
];

/// Words that open a contrast: what follows them in their clause is what the answer sets its
/// claim against ("unlike X, which ...", "instead of", "rather than", "wait for"), not a claim.
pub(super) const CONTRAST_MARKERS: &[&str] = &[
    "unlike", "instead", "rather", "opposed", "versus", "vs", "wait", "contrary", "unless",
];

/// Words that set one thing off against another: what follows is the thing the answer's subject
/// is compared with.
pub(super) const SET_OFF: &[&str] = &["unlike", "versus", "vs", "compared"];

/// Words that make a clause a concession when a "but" clause follows ("a tab can still crash,
/// but only its process dies").
pub(super) const CONCESSIVE: &[&str] = &[
    "still",
    "even",
    "sure",
    "admittedly",
    "granted",
    "may",
    "might",
    "could",
    "occasionally",
];

/// Words that open a clause answering a concession.
pub(super) const CONCESSION_ANSWERS: &[&str] = &["but", "however", "yet"];

/// Words that start a relative clause: after a contrast, the clause they open is part of it
/// ("unlike the causal mask, which hides future words, ...").
pub(super) const RELATIVES: &[&str] = &["which", "who", "that", "where", "whose"];

/// Pronouns that stand for a subject named before them ("Processes are isolated; they ...").
pub(super) const PRONOUNS: &[&str] = &["they", "it", "these", "those"];

/// Verbs and subjects that, after "and" or "or", start a new predicate.
pub(super) const NEW_PREDICATE: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "can", "will", "does", "do", "it", "they", "gives",
    "makes", "lets",
];

/// Words after which a pronoun opens a clause of its own ("... because it reads ...").
pub(super) const CONJUNCTIONS: &[&str] = &[
    "because", "since", "so", "as", "when", "if", "and", "but", "while", "though", "although",
    "then", "that", "which", "where", "once", "until", "whereas",
];

/// Chat spellings and abbreviations, read as the words they stand for.
pub(super) const CHAT: &[(&str, &str)] = &[
    ("r", "are"),
    ("u", "you"),
    ("ur", "your"),
    ("bc", "because"),
    ("bcz", "because"),
    ("bcoz", "because"),
    ("bcuz", "because"),
    ("cuz", "because"),
    ("coz", "because"),
    ("cos", "because"),
    ("tho", "though"),
    ("thru", "through"),
    ("b4", "before"),
    ("ppl", "people"),
    ("w", "with"),
    ("wo", "without"),
    ("n", "and"),
    ("abt", "about"),
    ("smth", "something"),
    ("sth", "something"),
    ("msg", "message"),
    ("msgs", "messages"),
    ("mem", "memory"),
    ("procs", "processes"),
    ("db", "database"),
    ("dbs", "databases"),
    ("perf", "performance"),
    ("btwn", "between"),
    ("bw", "between"),
    ("esp", "especially"),
];

/// Words after which a noun is the object of a preposition, not a clause's subject.
pub(super) const PREPOSITIONS: &[&str] = &[
    "as", "such", "in", "inside", "within", "of", "between", "among", "from", "to", "into",
    "across", "by", "with", "for", "per", "than", "unlike", "like", "on", "at", "about", "over",
    "under", "through",
];

/// After these, a noun is what the subject is ("a process is that program in execution"), not
/// the subject itself.
pub(super) const COPULAS: &[&str] = &["is", "are", "was", "were", "becomes", "become", "means"];

/// How many content words after a preposition belong to its noun phrase ("of direct calls").
pub(super) const NOUN_PHRASE_WORDS: u32 = 1;

/// Words that may stand between a preposition and its noun.
pub(super) const DETERMINERS: &[&str] = &[
    "a", "an", "the", "its", "their", "each", "every", "this", "that", "these", "those", "his",
    "her", "our", "your", "my", "one", "same", "other", "another", "all", "any", "some",
];

/// Small adverbs that may stand between a copula or preposition and its noun.
pub(super) const ADVERBS: &[&str] = &[
    "just",
    "really",
    "simply",
    "basically",
    "only",
    "actually",
    "also",
    "very",
    "much",
    "generally",
    "usually",
    "typically",
];

/// Negative contractions typed without their apostrophe, as chat often has them.
pub(super) const APOSTROPHE_LESS_NOT: &[(&str, &str)] = &[
    ("dont", "do"),
    ("doesnt", "does"),
    ("didnt", "did"),
    ("isnt", "is"),
    ("arent", "are"),
    ("wasnt", "was"),
    ("werent", "were"),
    ("cant", "can"),
    ("wont", "will"),
    ("shouldnt", "should"),
    ("wouldnt", "would"),
    ("couldnt", "could"),
    ("havent", "have"),
    ("hasnt", "has"),
    ("hadnt", "had"),
    ("mustnt", "must"),
];

/// Words that start a new clause inside a sentence.
pub(super) const CLAUSE_BREAKS: &[&str] = &[
    "but", "whereas", "while", "whilst", "although", "though", "however", "unlike", "instead",
    "yet",
];
