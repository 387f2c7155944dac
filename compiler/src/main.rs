//! The `prodc` binary: see [`prodc::cli`].

fn main() -> std::process::ExitCode {
    prodc::cli::main()
}
