fn main() -> std::process::ExitCode {
    interview_bot::cli::main()
}
