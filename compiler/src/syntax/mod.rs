//! Syntax: lexing and parsing of `.prod` files and of payload import files.

pub mod ast;
pub mod import;
pub mod lexer;
pub mod parser;
pub mod token;

pub use parser::{parse, Parsed};
