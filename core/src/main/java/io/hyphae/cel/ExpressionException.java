package io.hyphae.cel;

/** A CEL expression failed on a record (missing field, division by zero, wrong type...). */
public class ExpressionException extends RuntimeException {

    public ExpressionException(String message, Throwable cause) {
        super(message, cause);
    }

    public ExpressionException(String message) {
        super(message);
    }
}
