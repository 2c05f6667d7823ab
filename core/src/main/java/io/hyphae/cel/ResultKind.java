package io.hyphae.cel;

/** What an expression must produce: a predicate must be a bool, a value expression anything. */
public enum ResultKind {
    BOOL, ANY
}
