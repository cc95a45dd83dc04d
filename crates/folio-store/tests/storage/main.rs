//! The storage tests, one binary: the contract both databases keep (`contract`), and what only
//! one of them does (`postgres`, `sqlite`).

mod common;

mod contract;
mod postgres;
mod sqlite;
